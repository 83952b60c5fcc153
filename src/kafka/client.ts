import kafkajs, { type Kafka, type KafkaConfig, type logCreator } from 'kafkajs';
import { ConnectionError, describeCause } from '../errors.js';

export interface KafkaClientOptions {
  brokers: string[];
  /** Identifies streamctl in broker logs and quotas. Default: "streamctl". */
  clientId?: string;
  /** TCP connect timeout per broker. Default: 10 s. */
  connectionTimeoutMs?: number;
  /** Per-request timeout. Default: 30 s. */
  requestTimeoutMs?: number;
  /** Retries of retriable errors. Default: 3 (kafkajs's 5 makes an unreachable broker take minutes). */
  retries?: number;
  /** Where kafkajs's own warnings go; by default they are dropped (streamctl reports errors itself). */
  log?: (line: string) => void;
}

/** A kafkajs client with timeouts that fail fast and no log noise. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.log;
  const creator: logCreator = () => (entry) => {
    if (!log) return;
    const { message, error } = entry.log as { message: string; error?: string };
    log(`kafka ${entry.namespace}: ${message}${error ? ` (${error})` : ''}`);
  };
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'streamctl',
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: options.retries ?? 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: log ? kafkajs.logLevel.WARN : kafkajs.logLevel.NOTHING,
    logCreator: creator,
  };
  return new kafkajs.Kafka(config);
}

/**
 * Turns a kafkajs error into one line a person can act on, e.g.
 * "connection refused by localhost:9092" instead of a retry chain.
 */
export function describeKafkaError(err: unknown): string {
  let e: unknown = err;
  // kafkajs wraps the real failure in KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError.
  for (let i = 0; i < 5 && e instanceof Error && (e as { cause?: unknown }).cause instanceof Error; i++) {
    const name = e.name;
    if (name !== 'KafkaJSNumberOfRetriesExceeded' && name !== 'KafkaJSNonRetriableError') break;
    e = (e as { cause?: unknown }).cause;
  }
  if (e instanceof Error) {
    const m = /connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND) ([^\s]+)/.exec(e.message);
    if (m) return `${m[1] === 'ECONNREFUSED' ? 'connection refused by' : m[1] === 'ENOTFOUND' ? 'unknown host' : 'no answer from'} ${m[2]}`;
    if (e.name === 'KafkaJSConnectionError' && /timeout/i.test(e.message)) return `connection timed out (${e.message})`;
    if (e.name === 'KafkaJSBrokerNotFound') return 'no broker reachable';
  }
  return describeCause(e);
}

/** Wraps a failed connection in the ConnectionError family (exit 2). */
export function kafkaConnectionError(action: string, brokers: string[], err: unknown): ConnectionError {
  return new ConnectionError(`unable to ${action}: ${describeKafkaError(err)}`, {
    hint: `check that Kafka is reachable at ${brokers.join(',')} (local platform: \`streamctl dev up\`)`,
    cause: err,
  });
}

/**
 * The Kafka client for a resolved set of endpoints: every command builds its
 * client here, so connection settings (and later SASL/TLS) apply everywhere.
 */
export function kafkaFromEndpoints(endpoints: { kafka: { brokers: string[] } }, options: Omit<KafkaClientOptions, 'brokers'> = {}): Kafka {
  return createKafka({ ...options, brokers: endpoints.kafka.brokers });
}

/**
 * Bounds a connect-phase step: kafkajs retries connects with backoff, which
 * can take minutes for a host that never answers; the user asked for an
 * answer within `ms`.
 */
export async function withDeadline<T>(step: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([step, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
