import type { Config } from '../../config/index.js';
import type { ResolvedEndpoints } from '../../config/endpoints.js';
import { UsageError } from '../../errors.js';
import { parseDuration } from '../../produce/rate.js';

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
