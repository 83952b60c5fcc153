import type { Collector, CreateCollectorOptions } from '../../collector/collector.js';
import type { Config } from '../../config/index.js';
import { resolveEndpoints, type ResolvedEndpoints } from '../../config/endpoints.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { parseDuration } from '../../produce/rate.js';
import { loadConfig } from '../shared.js';

/** Below this, sampling a cluster costs more than it tells. */
export const MIN_INTERVAL_MS = 200;

/** `--interval`: a duration (1s, 500ms, 2m); a bare number is seconds. */
export function parseInterval(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new UsageError(`invalid --interval "${text}"`, { hint: 'use a duration such as 1s, 500ms or 5s' });
  }
  if (ms < MIN_INTERVAL_MS) throw new UsageError(`invalid --interval "${text}": the shortest is ${MIN_INTERVAL_MS} ms`);
  return ms;
}

/**
 * The header's context: "local" for the local platform, else the configured
 * bootstrap servers (until named contexts exist).
 */
export function contextName(config: Config, endpoints: ResolvedEndpoints): string {
  return config.kafka.brokers ? endpoints.kafka.brokers.join(',') : 'local';
}

/**
 * The collector `lag` and `top` sample with, for the configured context (named in the header),
 * and the endpoints it reaches. The collector module loads only here, when it is needed.
 */
export async function openCollector(
  io: Io,
  options: Omit<CreateCollectorOptions, 'context'>,
): Promise<{ collector: Collector; endpoints: ResolvedEndpoints }> {
  const config = loadConfig(io);
  const endpoints = resolveEndpoints(config);
  const { createCollector } = await import('../../collector/collector.js');
  const collector = await createCollector(endpoints, { ...options, context: contextName(config, endpoints) });
  return { collector, endpoints };
}
