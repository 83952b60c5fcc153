import type { Kafka, Message, Producer } from 'kafkajs';
import kafkajs from 'kafkajs';
import type avro from 'avsc';
import { CheckFailedError, ConnectionError, StreamctlError, UsageError, describeCause } from '../errors.js';
import { compressionType, registerCodecs, type Compression } from '../kafka/codecs.js';
import { describeKafkaError, kafkaConnectionError, withDeadline } from '../kafka/client.js';
import { ensureTopic } from '../kafka/topics.js';
import type { RegistryClient } from '../registry/client.js';
import { createGenerator, type DataGenerator } from './datagen.js';
import { parseAvroSchema } from './logical-types.js';
import { Pacer, realClock, type Clock, type PacerStatus } from './pacer.js';
import { createRng, randomSeed } from './random.js';
import type { LoadShape } from './rate.js';
import { RunStats, type LiveStats, type RunSummary } from './stats.js';

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
export type ValueFormat = 'avro' | 'json';

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
  /** Produce requests awaiting their acks at once (non-transactional). Default: 8. */
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
  kafka: Kafka;
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
  transactional: { id: string; transactions: number } | null;
  endReason: string;
  summary: RunSummary;
}

/** Base of event timestamps in seeded runs: a fixed instant, so that a seed repeats a run byte for byte. */
export const SEEDED_EPOCH_MS = Date.UTC(2026, 0, 1);

interface Prepared {
  plan: StreamPlan;
  type: avro.Type;
  header: Buffer | undefined;
  generator: DataGenerator | undefined;
  keyPath: string[] | undefined;
  weight: number;
  events: number;
}

function keyOf(value: unknown, path: string[] | undefined): string | null {
  if (!path) return null;
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
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
 * Parses the streams' schemas, checks their key fields and sets up their
 * generators and the seeded choice between streams; shared by a real run and
 * --dry-run so both make the same events from the same seed.
 */
function prepareStreams(
  options: Pick<ProduceOptions, 'streams' | 'input' | 'shape' | 'seed'>,
  seed: number,
): { prepared: Prepared[]; choose: () => Prepared; countEvent: () => void } {
  // Seeded runs take their timestamps from a fixed clock that advances with the schedule,
  // so the same seed gives the same bytes; unseeded runs stamp events with wall time.
  const rate = Number.isFinite(options.shape.peakRate) && options.shape.peakRate > 0 ? options.shape.peakRate : 1000;
  let eventNo = 0;
  const now = options.seed !== undefined ? () => SEEDED_EPOCH_MS + Math.floor((eventNo * 1000) / rate) : Date.now;
  const prepared: Prepared[] = options.streams.map((plan, i) => {
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
    return {
      plan,
      type,
      header: undefined,
      generator: options.input ? undefined : createGenerator(plan.schemaText, { seed: (seed + i * 7919) >>> 0, now }),
      keyPath,
      weight: plan.weight ?? 1,
      events: 0,
    };
  });
  const pick = createRng((seed ^ 0x5bd1e995) >>> 0);
  const totalWeight = prepared.reduce((n, p) => n + p.weight, 0);
  const choose = (): Prepared => {
    if (prepared.length === 1) return prepared[0]!;
    let r = pick.next() * totalWeight;
    for (const p of prepared) {
      r -= p.weight;
      if (r < 0) return p;
    }
    return prepared[prepared.length - 1]!;
  };
  return { prepared, choose, countEvent: () => void eventNo++ };
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
  const { choose, countEvent } = prepareStreams(options, seed);
  const out: DryRunEvent[] = [];
  for (let i = 0; i < count; i++) {
    const s = choose();
    const value = s.generator!.next();
    countEvent();
    out.push({ topic: s.plan.topic, key: keyOf(value, s.keyPath), value: JSON.parse(JSON.stringify(value, bytesAsCodePoints)) });
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
  if (compression !== 'none') await registerCodecs();

  const { prepared, choose, countEvent } = prepareStreams(options, seed);

  // Topics and schemas first: nothing is produced unless every stream can be written.
  const admin = deps.kafka.admin();
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
      p.header = header;
      topics[i]!.schemaId = id;
    }
  }

  const producer: Producer = deps.kafka.producer({
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
    idempotent: acks === -1,
    ...(options.transactionalId ? { transactionalId: options.transactionalId, maxInFlightRequests: 1 } : { maxInFlightRequests: 5 }),
    allowAutoTopicCreation: false,
    // Rides out a broker restart (~30 s of retries with backoff); the idempotent
    // producer's sequence numbers keep the retried batches from being duplicated.
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  try {
    await withDeadline(producer.connect(), connectTimeoutMs, tooSlow('connect the producer'));
  } catch (err) {
    if (err instanceof StreamctlError) throw err;
    throw kafkaConnectionError('connect the producer', deps.brokers ?? [], err);
  }

  const pacer = new Pacer({
    shape: options.shape,
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    maxBatch: options.maxBatch ?? 500,
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

  const inputIterator = options.input?.[Symbol.asyncIterator]();
  let firstError: unknown;
  let inputError: unknown;
  const inflight = new Set<Promise<void>>();
  const maxInFlight = options.transactionalId ? 1 : (options.maxInFlight ?? 8);
  let transaction: Awaited<ReturnType<Producer['transaction']>> | undefined;
  let inTransaction: { count: number; sentAt: number }[] = [];
  let transactions = 0;
  const transactionSize = options.transactionSize ?? 1000;
  const compressionCode = compressionType(compression);
  const toBatch = (list: { topic: string; message: Message }[]) => {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of list) {
      let messages = byTopic.get(topic);
      if (!messages) byTopic.set(topic, (messages = []));
      messages.push(message);
    }
    return { topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks, compression: compressionCode };
  };

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
      const built: { topic: string; message: Message }[] = [];
      let bytes = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const s = choose();
        let value: unknown;
        if (inputIterator) {
          let r: IteratorResult<unknown>;
          try {
            r = await inputIterator.next();
          } catch (err) {
            // A bad line ends the run: the events before it still go out (this batch
            // included), and the error says so, so nothing is lost silently.
            inputError = err;
            pacer.stop();
            break;
          }
          if (r.done) {
            pacer.stop();
            break;
          }
          value = r.value;
        } else {
          value = s.generator!.next();
        }
        countEvent();
        let buf: Buffer;
        try {
          buf = format === 'avro' ? Buffer.concat([s.header!, s.type.toBuffer(value)]) : Buffer.from(JSON.stringify(value));
        } catch (err) {
          throw new UsageError(`unable to encode an event for ${s.plan.topic}: ${describeCause(err)}`, { cause: err });
        }
        bytes += buf.length;
        count++;
        s.events++;
        built.push({ topic: s.plan.topic, message: { key: keyOf(value, s.keyPath), value: buf } });
      }
      if (count === 0) {
        if (inputError || pacer.status().done) break;
        continue;
      }
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
          transaction ??= await producer.transaction();
          try {
            await transaction.sendBatch(toBatch(chunk));
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
        .sendBatch(batch)
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
      if (inflight.size >= maxInFlight) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    await commit();
  } finally {
    if (live) clearInterval(live);
    deps.signal?.removeEventListener('abort', onAbort);
    pacer.stop();
    await Promise.all(inflight).catch(() => {});
    if (transaction) await transaction.abort().catch(() => {});
    await producer.disconnect().catch(() => {});
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
