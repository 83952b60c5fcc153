import zlib from 'node:zlib';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { UsageError } from '../errors.js';
import { compressionType, registerCodecs, type Compression } from './codecs.js';

/** One record, its partition already chosen (streamctl partitions records itself). */
export interface OutgoingRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer;
}

/** How a producer sends: the same settings whichever library is behind it. */
export interface ProducerSettings {
  /** -1 = all in-sync replicas, with the idempotent producer. */
  acks: -1 | 0 | 1;
  compression: Compression;
  /** Makes the producer transactional. Default: none. */
  transactionalId?: string;
}

export interface ProducerTransaction {
  send(records: OutgoingRecord[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * The producer behind `streamctl produce`, so that the Kafka client library can be swapped
 * (and compared in bench:produce) without touching pacing, stats or delivery accounting.
 * Sends must not overlap on an idempotent producer: callers await one before the next.
 */
export interface RecordProducer {
  /** The client library, as the summary and benchmarks name it. */
  readonly client: ProducerClient;
  /** Connects (and, idempotent, gets a producer id), so that connection problems show here. */
  connect(): Promise<void>;
  send(records: OutgoingRecord[]): Promise<void>;
  beginTransaction(): Promise<ProducerTransaction>;
  close(): Promise<void>;
}

export type ProducerFactory = (settings: ProducerSettings) => Promise<RecordProducer>;

export const PRODUCER_CLIENTS = ['platformatic', 'kafkajs'] as const;
export type ProducerClient = (typeof PRODUCER_CLIENTS)[number];

/** Node has zstd in node:zlib from 22.15 / 23.8, which @platformatic/kafka needs for zstd. */
export const zlibHasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

/**
 * The client library for a run. @platformatic/kafka is the default: it produces several times
 * faster than kafkajs for the same CPU (bench:produce, docs/benchmarks.md). kafkajs stays for
 * zstd where node:zlib has none, since its codec is pluggable (zstd-wasm).
 */
export function chooseProducerClient(requested: ProducerClient | undefined, compression: Compression): ProducerClient {
  if (compression === 'zstd' && !zlibHasZstd) {
    if (requested === 'platformatic') {
      throw new UsageError(
        `unable to produce with zstd through @platformatic/kafka on Node ${process.versions.node}: its zstd needs Node 22.15 or later`,
        {
          hint: 'drop --client (kafkajs is then used for zstd), or use another --compression',
        },
      );
    }
    return 'kafkajs';
  }
  return requested ?? 'platformatic';
}

function toMessages(records: OutgoingRecord[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let list = byTopic.get(r.topic);
    if (!list) byTopic.set(r.topic, (list = []));
    list.push({ key: r.key, value: r.value, partition: r.partition });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * kafkajs behind RecordProducer. Its own retries (configured on `kafka`) ride out a broker
 * restart; the idempotent producer's sequence numbers keep retried batches from duplicating.
 */
export function kafkajsProducer(kafka: Kafka): ProducerFactory {
  return async (settings) => {
    if (settings.compression !== 'none') await registerCodecs();
    const producer: Producer = kafka.producer({
      idempotent: settings.acks === -1,
      ...(settings.transactionalId ? { transactionalId: settings.transactionalId, maxInFlightRequests: 1 } : { maxInFlightRequests: 5 }),
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    const compression = compressionType(settings.compression);
    const batch = (records: OutgoingRecord[]) => ({ topicMessages: toMessages(records), acks: settings.acks, compression });
    return {
      client: 'kafkajs',
      connect: () => producer.connect(),
      send: async (records) => {
        await producer.sendBatch(batch(records));
      },
      beginTransaction: async () => {
        const tx: Transaction = await producer.transaction();
        return {
          send: async (records) => {
            await tx.sendBatch(batch(records));
          },
          commit: () => tx.commit(),
          abort: () => tx.abort(),
        };
      },
      close: () => producer.disconnect(),
    };
  };
}
