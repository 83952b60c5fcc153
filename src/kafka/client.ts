import { createRequire } from 'node:module';
import type { ConnectionOptions } from 'node:tls';
import kafkajs, { type Kafka, type KafkaConfig, type SASLOptions, type logCreator } from 'kafkajs';
import { ConnectionError, StreamctlError, describeCause } from '../errors.js';

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
  /** Longest wait between two retries. Default: 2 s. */
  maxRetryTimeMs?: number;
  /** Where kafkajs's own warnings go; by default they are dropped (streamctl reports errors itself). */
  log?: (line: string) => void;
  /** SASL credentials. Default: none. */
  sasl?: SASLOptions;
  /** TLS (true: the system CAs). Default: none. */
  ssl?: ConnectionOptions | boolean;
}

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

let requestQueuePatched = false;

/**
 * kafkajs 2.2.4's request queue re-arms its pending-request check after every check, with a
 * delay of `throttledUntil - Date.now()` — a large negative number when nothing is throttled,
 * which Node runs after 1 ms. So every connection that has answered a request spins a 1 ms
 * timer for as long as it is open: about 1.7% of a core per connection here, most of what a
 * long-running `top`, `lag --watch` or `consume --follow` cost (kafkajs#1704), and Node 24
 * prints a TimeoutNegativeWarning for each of those timers (kafkajs#1751). Both are open
 * upstream, kafkajs is unmaintained, and the fix is the one proposed there: with nothing
 * pending and no throttle there is nothing to check, since a new request is sent at once or
 * queued (which schedules a check) and a fulfilled one checks the queue itself.
 */
export function patchKafkajsRequestQueue(): void {
  if (requestQueuePatched) return;
  requestQueuePatched = true;
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: { scheduleCheckPendingRequests(): void } };
  const CHECK_PENDING_REQUESTS_INTERVAL = 10;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId) return;
    let scheduleAt = this.throttledUntil - Date.now();
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
    else if (scheduleAt <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  };
}

/** A kafkajs client with timeouts that fail fast and no log noise. */
export function createKafka(options: KafkaClientOptions): Kafka {
  patchKafkajsRequestQueue();
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
    retry: { retries: options.retries ?? 3, initialRetryTime: 200, maxRetryTime: options.maxRetryTimeMs ?? 2_000 },
    logLevel: log ? kafkajs.logLevel.WARN : kafkajs.logLevel.NOTHING,
    logCreator: creator,
    ...(options.sasl ? { sasl: options.sasl } : {}),
    ...(options.ssl ? { ssl: options.ssl } : {}),
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

/** The parts of resolved endpoints a Kafka client needs. */
export interface KafkaEndpoints {
  kafka: { brokers: string[]; sasl?: SASLOptions; ssl?: ConnectionOptions | boolean };
  timeoutMs?: number;
  context?: string;
}

/**
 * The Kafka client for a resolved set of endpoints: every command builds its
 * client here, so connection settings, SASL, TLS and the timeout apply everywhere.
 */
export function kafkaFromEndpoints(endpoints: KafkaEndpoints, options: Omit<KafkaClientOptions, 'brokers'> = {}): Kafka {
  return createKafka({
    ...(endpoints.timeoutMs !== undefined ? { connectionTimeoutMs: endpoints.timeoutMs } : {}),
    ...options,
    brokers: endpoints.kafka.brokers,
    ...(endpoints.kafka.sasl ? { sasl: endpoints.kafka.sasl } : {}),
    ...(endpoints.kafka.ssl ? { ssl: endpoints.kafka.ssl } : {}),
  });
}

/** The innermost error kafkajs wrapped (retries exceeded, non-retriable wrappers, connection errors). */
function rootCause(err: unknown): unknown {
  let e: unknown = err;
  for (let i = 0; i < 6 && e instanceof Error; i++) {
    const next = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
    if (!(next instanceof Error)) break;
    e = next;
  }
  return e;
}

/** Every message in the chain, for classifying. */
function chainText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 6 && e !== undefined && e !== null; i++) {
    if (e instanceof Error) {
      parts.push(`${e.name}: ${e.message} ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as { type?: string }).type ?? ''}`);
      e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(' | ');
}

const TLS_TRUST =
  /SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate/i;

/**
 * What went wrong talking to Kafka, as an error a person can act on: wrong
 * credentials, an untrusted or mismatched TLS setup, an unreachable broker
 * or a timeout. Anything else (a broker's refusal of a request) is returned
 * as undefined for the caller to word.
 */
export function classifyKafkaFailure(
  err: unknown,
  endpoints: KafkaEndpoints,
): { kind: 'auth' | 'tls' | 'sasl-listener' | 'unreachable' | 'timeout'; message: string; hint: string } | undefined {
  const brokers = endpoints.kafka.brokers.join(',');
  const text = chainText(err);
  const sasl = endpoints.kafka.sasl as { mechanism?: string; username?: string } | undefined;
  const ctx = endpoints.context && endpoints.context !== 'local' ? ` of context ${endpoints.context}` : '';
  const who = endpoints.context && endpoints.context !== 'local' ? `context ${endpoints.context}` : 'the configuration';
  if (/not supported by (the )?(server|broker)|UNSUPPORTED_SASL_MECHANISM|does not support the requested SASL mechanism/i.test(text)) {
    return {
      kind: 'auth',
      message: `the brokers at ${brokers} do not offer SASL mechanism ${(sasl?.mechanism ?? '?').toUpperCase()}`,
      hint: `check kafka.sasl.mechanism${ctx}`,
    };
  }
  if (/KafkaJSSASLAuthenticationError|SASL_AUTHENTICATION_FAILED|Authentication failed/i.test(text)) {
    return {
      kind: 'auth',
      message: `authentication failed for user ${sasl?.username ?? '(none)'}`,
      hint: `check the username and password${ctx} (${(sasl?.mechanism ?? 'SASL').toUpperCase()} at ${brokers})`,
    };
  }
  if (/ILLEGAL_SASL_STATE|current SASL state/i.test(text)) {
    return {
      kind: 'sasl-listener',
      message: `the broker at ${brokers} does not take SASL on this listener`,
      hint: `${who} sets kafka.sasl, but this port speaks plain Kafka: point kafka.brokers at the SASL listener, or remove kafka.sasl`,
    };
  }
  if (TLS_TRUST.test(text)) {
    return {
      kind: 'tls',
      message: `TLS handshake with ${brokers} failed: the broker's certificate is not signed by a trusted CA (${describeCause(rootCause(err))})`,
      hint: `set kafka.tls.ca${ctx} to the PEM file of the CA that signed the brokers' certificates`,
    };
  }
  if (/ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i.test(text)) {
    return {
      kind: 'tls',
      message: `TLS handshake with ${brokers} failed: the broker's certificate is not valid for this host name (${describeCause(rootCause(err))})`,
      hint: 'connect with a host name the certificate names (its subject alternative names)',
    };
  }
  if (/CERT_HAS_EXPIRED|certificate has expired/i.test(text)) {
    return {
      kind: 'tls',
      message: `TLS handshake with ${brokers} failed: the broker's certificate has expired`,
      hint: 'renew the broker certificate',
    };
  }
  if (/before secure TLS connection was established|wrong version number|EPROTO|ssl3_get_record|packet length too long/i.test(text)) {
    return {
      kind: 'tls',
      message: `TLS handshake with ${brokers} failed: the broker did not answer with TLS (${describeCause(rootCause(err))})`,
      hint: `${who} sets kafka.tls, but this port does not speak TLS: point kafka.brokers at the TLS listener, or remove kafka.tls`,
    };
  }
  const described = describeKafkaError(err);
  if (/^(connection refused by|unknown host|no answer from|connection timed out|no broker reachable)/.test(described)) {
    return {
      kind: 'unreachable',
      message: described,
      hint: `check that Kafka is reachable at ${brokers} (local platform: \`streamctl dev up\`)`,
    };
  }
  if (/KafkaJSConnectionError|KafkaJSConnectionClosedError|Closed connection|ECONNRESET|socket hang up|EPIPE/i.test(text)) {
    return {
      kind: 'unreachable',
      message: `the broker at ${brokers} closed the connection (${describeCause(rootCause(err))})`,
      hint: endpoints.kafka.ssl
        ? 'check that this port is the TLS listener'
        : endpoints.kafka.sasl
          ? `if this listener uses TLS (SASL_SSL), set kafka.tls in ${who}`
          : `if the cluster needs TLS or SASL, set kafka.tls / kafka.sasl in ${who}`,
    };
  }
  if (/KafkaJSRequestTimeoutError|Request .* timed out/i.test(text)) {
    return { kind: 'timeout', message: `no answer from ${brokers} (request timed out)`, hint: 'check the broker, or raise --timeout' };
  }
  return undefined;
}

/**
 * Wraps a failure talking to Kafka: connection-level failures (credentials,
 * TLS, unreachable) become one-line ConnectionErrors (exit 2); anything else
 * keeps the broker's words with `action` in front.
 */
export function kafkaFailure(action: string, endpoints: KafkaEndpoints, err: unknown): StreamctlError {
  // streamctl's own errors (raised inside a kafkajs callback and wrapped by it) pass through as they are.
  for (let e: unknown = err, i = 0; e instanceof Error && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof StreamctlError) return e;
  }
  const c = classifyKafkaFailure(err, endpoints);
  if (c) return new ConnectionError(c.kind === 'auth' ? c.message : `unable to ${action}: ${c.message}`, { hint: c.hint, cause: err });
  return new ConnectionError(`unable to ${action}: ${describeKafkaError(err)}`, { cause: err });
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
