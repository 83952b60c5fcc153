import type { Command } from 'commander';
import type { Admin, Kafka } from 'kafkajs';
import { resolveEndpoints, type ResolvedEndpoints } from '../config/endpoints.js';
import { formatDuration, parseDurationOption } from '../config/duration.js';
import type { Config } from '../config/index.js';
import { ConnectionError, type StreamctlError } from '../errors.js';
import type { Io } from '../io.js';
import { kafkaFailure, kafkaFromEndpoints, withDeadline } from '../kafka/client.js';
import { globals, loadConfig } from './shared.js';

/**
 * What the Kafka commands (topics, consume, groups) start from: the resolved
 * config and endpoints of the selected context, the timeout, and a Kafka
 * client built through kafkaFromEndpoints (so SASL, TLS and timeouts apply).
 */
export interface KafkaSession {
  config: Config;
  endpoints: ResolvedEndpoints;
  timeoutMs: number;
  kafka: Kafka;
  verbose: boolean;
}

/** The --timeout every Kafka command takes (not global: `dev up --timeout` means seconds of waiting for health). */
export const TIMEOUT_HELP = 'how long to wait for Kafka to answer, e.g. 10s (default: timeoutMs of the config, 10s)';

export function kafkaSession(io: Io, cmd: Command, opts: { timeout?: string }, clientId: string): KafkaSession {
  const timeoutMs = opts.timeout !== undefined ? parseDurationOption(opts.timeout, '--timeout') : undefined;
  const config = loadConfig(io, timeoutMs !== undefined ? { timeoutMs } : undefined);
  const endpoints = resolveEndpoints(config);
  const verbose = globals(cmd).verbose;
  const kafka = kafkaFromEndpoints(endpoints, {
    clientId,
    ...(verbose ? { log: (l: string) => io.stderr.write(`${l}\n`) } : {}),
  });
  return { config, endpoints, timeoutMs: config.timeoutMs, kafka, verbose };
}

/** The error for a Kafka that doesn't answer within the timeout. */
export function kafkaTimeout(session: Pick<KafkaSession, 'endpoints' | 'timeoutMs'>, action: string): StreamctlError {
  return new ConnectionError(
    `unable to ${action}: no answer from Kafka at ${session.endpoints.kafka.brokers.join(',')} within ${formatDuration(session.timeoutMs)}`,
    { hint: 'check that Kafka is reachable (local platform: `streamctl dev up`), or allow longer with --timeout' },
  );
}

/**
 * Connects an admin client within the timeout, runs `fn`, and turns
 * connection failures (credentials, TLS, unreachable) into one-line errors.
 */
export async function withAdmin<T>(session: KafkaSession, action: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = session.kafka.admin();
  let result: T;
  try {
    await withDeadline(admin.connect(), session.timeoutMs, () => kafkaTimeout(session, action));
    result = await fn(admin);
  } catch (err) {
    // A client that never connected can take its time to give up: don't wait for it (the process exits).
    void admin.disconnect().catch(() => {});
    throw kafkaFailure(action, session.endpoints, err);
  }
  await withDeadline(admin.disconnect(), 2_000, () => new Error('disconnect')).catch(() => {});
  return result;
}
