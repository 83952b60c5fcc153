import { Layout, endpointsFor, portsOf } from '../platform/layout.js';
import type { Config } from './index.js';

/** Where each service is, after configuration and the local platform's defaults. */
export interface ResolvedEndpoints {
  kafka: { brokers: string[] };
  registry: { url: string };
  flink: { url: string };
  sqlGateway: { url: string };
  postgres: { url: string };
}

/**
 * Configured endpoints win; anything left empty points at the local platform,
 * using the ports it was actually started with (state.json) when it runs, so a
 * platform started with --port-offset is found without configuration.
 */
export function resolveEndpoints(config: Config): ResolvedEndpoints {
  const state = Layout.from(config.dev).readStateQuietly();
  const local = endpointsFor(state?.ports ?? portsOf(config.dev), state?.brokers ?? config.dev.brokers);
  const brokers = config.kafka.brokers || local.kafka.bootstrap;
  return {
    kafka: {
      brokers: brokers
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    },
    registry: { url: (config.registry.url || local.registry.url).replace(/\/+$/, '') },
    flink: { url: (config.flink.url || local.flink.rest).replace(/\/+$/, '') },
    sqlGateway: { url: (config.sqlGateway.url || local.sqlGateway.url).replace(/\/+$/, '') },
    postgres: { url: config.postgres.url || local.postgres.url },
  };
}
