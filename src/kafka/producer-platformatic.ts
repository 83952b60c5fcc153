import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { describeCause } from '../errors.js';
import type { KafkaEndpoints } from './client.js';
import type { OutgoingRecord, ProducerFactory, ProducerTransaction } from './producer.js';

/** Tuning of the @platformatic/kafka producer. */
export interface PlatformaticProducerOptions {
  /** Identifies streamctl in broker logs and quotas. Default: "streamctl". */
  clientId?: string;
  /** TCP (and TLS) connect timeout per broker. Default: the endpoints' timeout, else 10 s. */
  connectTimeoutMs?: number;
  /** Longest wait for one produce request's acknowledgement. Default: 30 s. */
  requestTimeoutMs?: number;
  /**
   * Retries of a failed request. Default: 10, backing off from 300 ms to 5 s (~35 s in all),
   * long enough to ride out a broker restart.
   */
  retries?: number;
}

type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

function saslOf(sasl: SASLOptions | undefined): { mechanism: SaslMechanism; username: string; password: string } | undefined {
  if (!sasl) return undefined;
  const s = sasl as { mechanism: string; username?: string; password?: string };
  return { mechanism: s.mechanism.toUpperCase() as SaslMechanism, username: s.username ?? '', password: s.password ?? '' };
}

function tlsOf(ssl: ConnectionOptions | boolean | undefined): ConnectionOptions | undefined {
  if (!ssl) return undefined;
  return ssl === true ? {} : ssl;
}

/**
 * One line for a failed produce: @platformatic/kafka nests the real failure (a broker's
 * error code, a refused connection) in retry and per-broker aggregates; the latest attempt's
 * innermost error says what went wrong.
 */
export function describePlatformaticError(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 10 && e instanceof Error; i++) {
    const errors = (e as { errors?: unknown[] }).errors;
    const cause = (e as { cause?: unknown }).cause;
    if (Array.isArray(errors) && errors.length > 0) {
      e = errors[errors.length - 1];
      continue;
    }
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      const m = /Connection to (\S+) failed/.exec(e.message);
      if (m && code === 'ECONNREFUSED') return `connection refused by ${m[1]}`;
      if (m && code) return `no answer from ${m[1]} (${code})`;
      e = cause;
      continue;
    }
    break;
  }
  const apiId = (e as { apiId?: string } | undefined)?.apiId;
  const text = describeCause(e);
  return apiId ? `${text} (${apiId})` : text;
}

/** An Error that says what describePlatformaticError says, with the library's error as its cause. */
function wrap(err: unknown): Error {
  return new Error(describePlatformaticError(err), { cause: err });
}

/**
 * @platformatic/kafka behind RecordProducer: a pure-JS client that encodes a produce request
 * with a fraction of kafkajs's CPU. Loaded lazily, so commands that don't produce don't pay
 * for it.
 *
 * It reads an idempotent partition's sequence number when it encodes a request and advances
 * it only on the response, so two sends in flight at once would carry the same sequence and
 * the broker would drop the second as a duplicate: callers send one batch at a time (runProduce
 * does), and get the next one ready meanwhile.
 */
export function platformaticProducer(endpoints: KafkaEndpoints, options: PlatformaticProducerOptions = {}): ProducerFactory {
  return async (settings) => {
    const { Producer } = await import('@platformatic/kafka');
    const sasl = saslOf(endpoints.kafka.sasl);
    const tls = tlsOf(endpoints.kafka.ssl);
    const retries = options.retries ?? 10;
    const producer = new Producer({
      clientId: options.clientId ?? 'streamctl',
      bootstrapBrokers: endpoints.kafka.brokers,
      connectTimeout: options.connectTimeoutMs ?? endpoints.timeoutMs ?? 10_000,
      timeout: options.requestTimeoutMs ?? 30_000,
      retries,
      retryDelay: (_client: unknown, _op: string, attempt: number) => Math.min(300 * 2 ** (attempt - 1), 5_000),
      idempotent: settings.acks === -1,
      acks: settings.acks,
      autocreateTopics: false,
      ...(settings.compression !== 'none' ? { compression: settings.compression } : {}),
      ...(settings.transactionalId ? { transactionalId: settings.transactionalId } : {}),
      ...(sasl ? { sasl } : {}),
      ...(tls ? { tls } : {}),
    });
    const messages = (records: OutgoingRecord[]) =>
      records.map((r) => ({ topic: r.topic, partition: r.partition, value: r.value, ...(r.key ? { key: r.key } : {}) }));
    const guarded = async <T>(p: Promise<T>): Promise<T> => {
      try {
        return await p;
      } catch (err) {
        throw wrap(err);
      }
    };
    return {
      client: 'platformatic',
      connect: async () => {
        // The library connects lazily; asking for a producer id (or metadata) up front makes an
        // unreachable or refusing cluster show at connect time, inside the caller's deadline.
        if (settings.acks === -1 && !settings.transactionalId) await guarded(producer.initIdempotentProducer({}));
        else await guarded(producer.metadata({ topics: [] }));
      },
      send: async (records) => {
        await guarded(producer.send({ messages: messages(records) }));
      },
      beginTransaction: async (): Promise<ProducerTransaction> => {
        const tx = await guarded(producer.beginTransaction());
        return {
          send: async (records) => {
            await guarded(tx.send({ messages: messages(records) }));
          },
          commit: () => guarded(tx.commit()),
          abort: () => guarded(tx.abort()),
        };
      },
      close: () => guarded(producer.close()),
    };
  };
}
