import { availableParallelism } from 'node:os';
import type { Kafka } from 'kafkajs';
import type avro from 'avsc';
import { CheckFailedError, ConnectionError, StreamctlError, UsageError, describeCause } from '../errors.js';
import type { Compression } from '../kafka/codecs.js';
import { describeKafkaError, kafkaConnectionError, withDeadline } from '../kafka/client.js';
import {
  kafkajsProducer,
  type OutgoingRecord,
  type ProducerClient,
  type ProducerFactory,
  type ProducerTransaction,
  type RecordProducer,
} from '../kafka/producer.js';
import { ensureTopic } from '../kafka/topics.js';
import type { RegistryClient } from '../registry/client.js';
import { createGenerator } from './datagen.js';
import { parseAvroSchema } from './logical-types.js';
import { Pacer, realClock, type Clock, type PacerStatus } from './pacer.js';
import { RecordPartitioner } from './partitioner.js';
import { randomSeed } from './random.js';
import type { LoadShape } from './rate.js';
import {
  InThreadSource,
  generatedEvents,
  keyOf,
  type EventSource,
  type GenerationOptions,
  type ReadyEvent,
  type StreamSpec,
  type ValueFormat,
} from './source.js';
import { RunStats, type LiveStats, type RunSummary } from './stats.js';
import { WorkerSource, workerEntry } from './worker-source.js';

export { SEEDED_EPOCH_MS, type ValueFormat } from './source.js';

/** Where one kind of event comes from and goes to. */
export interface StreamPlan {
  topic: string;
  /** Registry subject (ignored for --format json). */
  subject: string;
  /** Schema JSON text (from a file, or fetched from the registry for a registered subject). */
  schemaText: string;
  /** The schema's registry id when it is already registered (a subject given by name). Default: register it. */
  schemaId?: number;
  /** Field (dotted path) whose value becomes the record key. Default: no key. */
  key?: string;
  /** Share of the events relative to the other streams. Default: 1. */
  weight?: number;
}

export type Acks = -1 | 0 | 1;

export interface ProduceOptions {
  streams: StreamPlan[];
  /** Events read from --input instead of generated (single stream only). Default: generate. */
  input?: AsyncIterable<unknown>;
  /** Stop after this many events. Default: no limit (duration, end of input or Ctrl-C ends the run). */
  events?: number;
  /** Stop after this long. Default: no limit. */
  durationMs?: number;
  /** The load shape (rate over time). Required; `constantShape(Infinity)` is "max". */
  shape: LoadShape;
  /** Seed for the generated data and the choice between streams. Default: random (reported in the result). */
  seed?: number;
  /** Record value encoding. Default: avro (Confluent wire format). */
  format?: ValueFormat;
  /** Default: -1 (all in-sync replicas). */
  acks?: Acks;
  /** Default: none. */
  compression?: Compression;
  /** Makes the run transactional (exactly-once produce). Default: none. */
  transactionalId?: string;
  /** Events per transaction. Default: 1000. */
  transactionSize?: number;
  /** Partitions of topics that have to be created. Default: 3. */
  partitions?: number;
  /** Replication factor of created topics; -1 = the broker's default. Default: -1. */
  replicationFactor?: number;
  /** Most events per produce request. Default: 500. */
  maxBatch?: number;
  /**
   * Produce requests awaiting their acks at once with --acks 0 or 1. Default: 8. With acks=all
   * (the idempotent producer) and in transactions it is always 1: concurrent sends can reach an
   * idempotent producer out of order (kafkajs, while it connects or retries after a broker
   * failure) or with reused sequence numbers (@platformatic/kafka), which would reorder or drop
   * events. Throughput holds up: the next batch is made while one is in flight.
   */
  maxInFlight?: number;
  /** Longest wait for Kafka while connecting and preparing topics. Default: 10 s. */
  connectTimeoutMs?: number;
}

/** A snapshot for the live view, sent about four times a second. */
export interface LiveUpdate {
  pacer: PacerStatus;
  stats: LiveStats;
  /** The run's limits, for an ETA. */
  limits: { events: number | null; durationMs: number | null };
}

export interface ProduceDeps {
  /** For the prepare phase (topics), and the producer unless `producer` is given. */
  kafka: Kafka;
  /** Makes the producer. Default: kafkajs on `kafka`. */
  producer?: ProducerFactory;
  /**
   * Client for the prepare phase (topics), with few retries so that a refused
   * connection is reported at once rather than after the producer's long
   * retry window. Default: `kafka`.
   */
  adminKafka?: Kafka;
  /** The bootstrap addresses, for error hints. Default: none named. */
  brokers?: string[];
  /** Needed for --format avro. */
  registry?: RegistryClient;
  onLive?: (update: LiveUpdate) => void;
  /** Aborting ends the run early but cleanly: in-flight records are awaited and counted. */
  signal?: AbortSignal;
  clock?: Clock;
}

export interface ProduceResult {
  topics: { topic: string; subject: string | null; schemaId: number | null; partitions: number; created: boolean; events: number }[];
  seed: number;
  format: ValueFormat;
  acks: Acks;
  compression: Compression;
  /** The Kafka client library that produced. */
  client: ProducerClient;
  transactional: { id: string; transactions: number } | null;
  endReason: string;
  summary: RunSummary;
}

interface Prepared {
  plan: StreamPlan;
  spec: StreamSpec;
  events: number;
}

type FieldList = { name: string; type: avro.Type }[];

/** The record type itself, or the record branch of an optional (union) field. */
function recordFields(t: avro.Type): FieldList | undefined {
  const asRecord = t as unknown as { fields?: FieldList; types?: avro.Type[] };
  if (asRecord.fields) return asRecord.fields;
  for (const branch of asRecord.types ?? []) {
    const fields = (branch as unknown as { fields?: FieldList }).fields;
    if (fields) return fields;
  }
  return undefined;
}

function checkKeyField(type: avro.Type, path: string[], topic: string): void {
  let t: avro.Type = type;
  for (const p of path) {
    const field: { type: avro.Type } | undefined = recordFields(t)?.find((f) => f.name === p);
    if (!field) {
      throw new UsageError(`unable to key records of ${topic} by "${path.join('.')}": the schema has no such field`, {
        hint: 'name a field of the schema with --key, e.g. --key account_id',
      });
    }
    t = field.type;
  }
}

/**
 * Parses the streams' schemas and checks their key fields and generators, so that nothing is
 * created or registered for a run that can't make its events; and says how a run generates
 * them, which a real run and --dry-run share so that both make the same events from a seed.
 */
function prepareStreams(
  options: Pick<ProduceOptions, 'streams' | 'input' | 'shape' | 'seed'>,
  seed: number,
): { prepared: Prepared[]; generation: GenerationOptions } {
  const prepared: Prepared[] = options.streams.map((plan) => {
    let type: avro.Type;
    try {
      type = parseAvroSchema(plan.schemaText);
    } catch (err) {
      throw new UsageError(`unable to use the schema for topic ${plan.topic}: ${describeCause(err)}`, {
        hint: 'check it with `streamctl schemas check`',
      });
    }
    const keyPath = plan.key ? plan.key.split('.') : undefined;
    if (keyPath) checkKeyField(type, keyPath, plan.topic);
    // Compiling a generator is where invalid arg.properties show; its events come later, from the source.
    if (!options.input) createGenerator(plan.schemaText, { seed });
    const spec: StreamSpec = { topic: plan.topic, schemaText: plan.schemaText, weight: plan.weight ?? 1, ...(keyPath ? { keyPath } : {}) };
    return { plan, spec, events: 0 };
  });
  // Seeded runs take their timestamps from a fixed clock that advances with the schedule,
  // so the same seed gives the same bytes; unseeded runs stamp events with wall time.
  const rate = Number.isFinite(options.shape.peakRate) && options.shape.peakRate > 0 ? options.shape.peakRate : 1000;
  const generation: GenerationOptions = {
    streams: prepared.map((p) => p.spec),
    seed,
    ...(options.seed !== undefined ? { seededRate: rate } : {}),
  };
  return { prepared, generation };
}

/** Peak rates from which generation moves to a worker thread. */
const WORKER_MIN_RATE = 20_000;
/** Chunks (of up to a batch each) the worker makes ahead; also at most this long ahead at the peak rate. */
const MAX_PREFETCH_CHUNKS = 16;
const MAX_PREFETCH_MS = 100;

/**
 * Generated events at peak rates from 20k/s (and max) are made on a worker thread, when there
 * is more than one core (on one, a worker only adds its handovers to the same CPU time) and
 * the bundle has the worker (dist/produce-worker.js; not so under vitest, which runs the
 * TypeScript sources). Below that, for --input (read on the main thread) and otherwise they
 * are made on the main thread as the pacer releases them.
 */
async function openSource(
  options: ProduceOptions,
  generation: GenerationOptions,
  format: ValueFormat,
  maxBatch: number,
): Promise<EventSource> {
  const peak = options.shape.peakRate;
  const worker = !options.input && peak >= WORKER_MIN_RATE && availableParallelism() > 1 && workerEntry() !== undefined;
  if (!worker) return new InThreadSource({ ...generation, format, ...(options.input ? { input: options.input } : {}) });
  const chunkEvents = Math.min(maxBatch, 1000);
  const prefetchChunks = Number.isFinite(peak)
    ? Math.min(MAX_PREFETCH_CHUNKS, Math.max(2, Math.ceil((peak * MAX_PREFETCH_MS) / 1000 / chunkEvents)))
    : MAX_PREFETCH_CHUNKS;
  return WorkerSource.start({ ...generation, format, chunkEvents, prefetchChunks });
}

/** One event as --dry-run shows it. */
export interface DryRunEvent {
  topic: string;
  key: string | null;
  value: unknown;
}

/**
 * The events a run would produce, without connecting anywhere (--dry-run).
 * Bytes and fixed values become strings of code points (Avro's JSON
 * convention) so the output reads back in with --input.
 */
export function dryRunEvents(options: Pick<ProduceOptions, 'streams' | 'shape' | 'seed'>, count: number): DryRunEvent[] {
  const seed = options.seed ?? randomSeed();
  const { prepared, generation } = prepareStreams(options, seed);
  const events = generatedEvents(generation);
  const out: DryRunEvent[] = [];
  for (let i = 0; i < count; i++) {
    const { stream, value } = events.next();
    const { spec } = prepared[stream] as Prepared;
    out.push({ topic: spec.topic, key: keyOf(value, spec.keyPath), value: JSON.parse(JSON.stringify(value, bytesAsCodePoints)) });
  }
  return out;
}

function bytesAsCodePoints(this: unknown, _key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return String.fromCharCode(...(v as { data: number[] }).data);
  }
  return v;
}

/**
 * Produces events at the requested shape until the event count, the
 * duration, the end of the input or an abort, and reports what was sent and
 * acknowledged. Returns data; never prints. Throws CheckFailedError (exit 1)
 * when events were not delivered, ConnectionError (exit 2) when Kafka or the
 * registry can't be reached at all.
 */
export async function runProduce(options: ProduceOptions, deps: ProduceDeps): Promise<ProduceResult> {
  const format = options.format ?? 'avro';
  const acks = options.acks ?? -1;
  const compression = options.compression ?? 'none';
  const seed = options.seed ?? randomSeed();
  const clock = deps.clock ?? realClock;
  if (options.input && options.streams.length !== 1) throw new UsageError('--input needs exactly one schema and topic');
  if (options.transactionalId && acks !== -1)
    throw new UsageError('transactions need --acks all', { hint: 'drop --acks or use --acks all with --transactional-id' });

  const { prepared, generation } = prepareStreams(options, seed);

  // Topics and schemas first: nothing is produced unless every stream can be written.
  const admin = (deps.adminKafka ?? deps.kafka).admin();
  const topics: ProduceResult['topics'] = [];
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const tooSlow = (what: string) => () =>
    new ConnectionError(`unable to ${what}: Kafka did not answer within ${connectTimeoutMs / 1000}s`, {
      hint: `check that Kafka is reachable at ${(deps.brokers ?? []).join(',') || 'the configured brokers'} (local platform: \`streamctl dev up\`)`,
    });
  try {
    await withDeadline(
      (async () => {
        await admin.connect();
        for (const p of prepared) {
          const t = await ensureTopic(admin, p.plan.topic, {
            partitions: options.partitions ?? 3,
            replicationFactor: options.replicationFactor ?? -1,
          });
          topics.push({
            topic: p.plan.topic,
            subject: format === 'avro' ? p.plan.subject : null,
            schemaId: null,
            partitions: t.partitions,
            created: t.created,
            events: 0,
          });
        }
      })(),
      connectTimeoutMs,
      tooSlow(`prepare topic ${prepared[0]?.plan.topic ?? ''}`),
    );
  } catch (err) {
    if (err instanceof StreamctlError) throw err;
    throw kafkaConnectionError(`prepare topic ${prepared[0]?.plan.topic ?? ''}`, deps.brokers ?? [], err);
  } finally {
    // Not awaited: after a deadline the connect may still be pending, and waiting for it
    // would turn a 10 s answer into a 30 s one.
    void admin.disconnect().catch(() => {});
  }
  if (format === 'avro') {
    if (!deps.registry)
      throw new UsageError('--format avro needs a schema registry', { hint: 'configure the registry URL, or use --format json' });
    for (const [i, p] of prepared.entries()) {
      let id = p.plan.schemaId;
      if (id === undefined) {
        try {
          id = (await deps.registry.register(p.plan.subject, p.plan.schemaText)).id;
        } catch (err) {
          // For produce an incompatible schema is a configuration problem (exit 2), found before anything is sent.
          if (err instanceof StreamctlError && err.exitCode === 1) {
            throw new UsageError(err.message, {
              hint: `check it with \`streamctl schemas check\`, or produce to another topic`,
              cause: err,
            });
          }
          throw err;
        }
      }
      const header = Buffer.alloc(5);
      header.writeUInt8(0, 0);
      header.writeInt32BE(id, 1);
      p.spec.header = header;
      topics[i]!.schemaId = id;
    }
  }

  // Both clients retry for ~35 s with backoff, which rides out a broker restart; the idempotent
  // producer's sequence numbers keep the retried batches from being duplicated.
  const producer: RecordProducer = await (deps.producer ?? kafkajsProducer(deps.kafka))({
    acks,
    compression,
    ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
  });
  try {
    await withDeadline(producer.connect(), connectTimeoutMs, tooSlow('connect the producer'));
  } catch (err) {
    void producer.close().catch(() => {});
    if (err instanceof StreamctlError) throw err;
    throw kafkaConnectionError('connect the producer', deps.brokers ?? [], err);
  }

  const maxBatch = options.maxBatch ?? 500;
  let source: EventSource;
  try {
    source = await openSource(options, generation, format, maxBatch);
  } catch (err) {
    await producer.close().catch(() => {});
    throw err;
  }
  const pacer = new Pacer({
    shape: options.shape,
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    maxBatch,
    clock,
  });
  const onAbort = () => pacer.stop();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  const startMs = pacer.start();
  const stats = new RunStats({ startMs, shape: options.shape, ...(options.events !== undefined ? { events: options.events } : {}) });
  const limits = { events: options.events ?? null, durationMs: options.durationMs ?? null };
  const live = deps.onLive
    ? setInterval(() => deps.onLive!({ pacer: pacer.status(), stats: stats.live(clock.now()), limits }), 250)
    : undefined;

  let firstError: unknown;
  let inputError: unknown;
  const inflight = new Set<Promise<void>>();
  const maxInFlight = options.transactionalId || acks === -1 ? 1 : (options.maxInFlight ?? 8);
  let transaction: ProducerTransaction | undefined;
  let inTransaction: { count: number; sentAt: number }[] = [];
  let transactions = 0;
  const transactionSize = options.transactionSize ?? 1000;
  const partitioner = new RecordPartitioner();
  const toBatch = (list: ReadyEvent[]): OutgoingRecord[] =>
    list.map((e) => {
      const topic = topics[e.stream]!;
      return { topic: topic.topic, partition: partitioner.partition(topic.topic, e.key, topic.partitions), key: e.key, value: e.value };
    });

  const commit = async () => {
    if (!transaction) return;
    const tx = transaction;
    const pending = inTransaction;
    transaction = undefined;
    inTransaction = [];
    try {
      await tx.commit();
      transactions++;
      const at = clock.now();
      for (const b of pending) stats.recordAcked(b.count, at - b.sentAt, at);
    } catch (err) {
      firstError ??= err;
      const at = clock.now();
      for (const b of pending) stats.recordFailed(b.count, at);
      await tx.abort().catch(() => {});
    }
  };

  try {
    for await (const n of pacer) {
      if (firstError) break;
      const { events: built, bytes, end } = await source.take(n);
      if (end) {
        // The input ran out or has a bad line: the events before it still go out (this batch
        // included), and a bad line's error says so, so nothing is lost silently.
        inputError = end.error;
        pacer.stop();
      }
      const count = built.length;
      if (count === 0) {
        if (inputError || pacer.status().done) break;
        continue;
      }
      // Room is awaited after the batch is made, so that making it overlaps the sends in flight.
      if (inflight.size >= maxInFlight) await Promise.race(inflight);
      if (firstError) break;
      for (const e of built) prepared[e.stream]!.events++;
      const sentAt = clock.now();
      stats.recordSent(count, bytes, sentAt);
      if (options.transactionalId) {
        // Transactions hold exactly --transaction-size events: a release that spans a
        // boundary is split, the full transaction committed, the rest starts the next.
        let rest = built;
        while (rest.length > 0 && !firstError) {
          const open = inTransaction.reduce((a, b) => a + b.count, 0);
          const chunk = rest.slice(0, transactionSize - open);
          rest = rest.slice(chunk.length);
          try {
            transaction ??= await producer.beginTransaction();
            await transaction.send(toBatch(chunk));
            inTransaction.push({ count: chunk.length, sentAt });
          } catch (err) {
            firstError ??= err;
            stats.recordFailed(chunk.length + rest.length, clock.now());
            break;
          }
          if (open + chunk.length >= transactionSize) await commit();
        }
        continue;
      }
      const batch = toBatch(built);
      const p: Promise<void> = producer
        .send(batch)
        .then(
          () => {
            const at = clock.now();
            stats.recordAcked(count, at - sentAt, at);
          },
          (err: unknown) => {
            firstError ??= err;
            stats.recordFailed(count, clock.now());
          },
        )
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
    await commit();
  } finally {
    if (live) clearInterval(live);
    deps.signal?.removeEventListener('abort', onAbort);
    pacer.stop();
    await source.close();
    await Promise.all(inflight).catch(() => {});
    if (transaction) await transaction.abort().catch(() => {});
    await producer.close().catch(() => {});
  }

  const status = pacer.status();
  const summary = stats.summary(status);
  if (inputError) {
    const e = inputError as Error & { hint?: string };
    if (!(e instanceof StreamctlError)) throw e;
    throw new UsageError(`${e.message} (the ${summary.acked} events before it were delivered, none after it)`, {
      ...(e.hint ? { hint: e.hint } : {}),
      cause: e,
    });
  }
  for (const [i, p] of prepared.entries()) topics[i]!.events = p.events;
  const result: ProduceResult = {
    topics,
    seed,
    format,
    acks,
    compression,
    client: producer.client,
    transactional: options.transactionalId ? { id: options.transactionalId, transactions } : null,
    endReason: status.endReason ?? 'stopped',
    summary,
  };
  if (firstError || summary.failed > 0) {
    const notDelivered = summary.sent - summary.acked;
    throw Object.assign(
      new CheckFailedError(`${notDelivered} of ${summary.sent} events not delivered: ${describeKafkaError(firstError)}`, {
        hint: 'check the brokers (`streamctl dev status`) and retry; delivered events are listed with --output json',
        cause: firstError,
      }),
      { result },
    );
  }
  return result;
}
