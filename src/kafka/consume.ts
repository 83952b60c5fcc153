import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { UsageError } from '../errors.js';
import { withCoordinator } from './groups.js';
import { AvroDecoder, asText, decodeKey, decodeValue, type SchemaLookup, type ValueFormat } from './decode.js';

/**
 * Reads a topic for `streamctl consume`: from a computed start offset per
 * partition to the end of the topic as it was when reading started (or on,
 * with follow), decoding every record to JSON.
 *
 * kafkajs has no assign(): every consumer is in a group. Without --group,
 * streamctl uses a throwaway group id (streamctl-consume-<random>) and never
 * commits, so nothing is left behind but an empty group Kafka forgets. With
 * a group, consumed offsets are committed and the group's committed offsets
 * are the default start.
 */

export type StartSpec =
  | { kind: 'default' }
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  /** n records before the end of each partition (--offset -n). */
  | { kind: 'fromEnd'; count: number }
  | { kind: 'time'; ms: number };

export type Isolation = 'read_committed' | 'read_uncommitted';

export interface ConsumeOptions {
  topic: string;
  /** Only these partitions (-P). Default: every partition. */
  partitions?: number[];
  start: StartSpec;
  /** Stop after this many records. Default: no limit. */
  max?: number;
  /** Keep reading new records until stopped, instead of stopping at the end. Default: false. */
  follow: boolean;
  /** Consumer group that commits its offsets. Default: none (a throwaway group that commits nothing). */
  group?: string;
  isolation: Isolation;
  format: ValueFormat;
  /** How long to wait to join the group and for the first answers. */
  timeoutMs: number;
  /** Stop reading (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Without follow, how long nothing may arrive before the remaining
   * partitions count as read (compacted or aborted tails can leave gaps
   * below the end offset). Default: 5 s.
   */
  idleMs?: number;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** ISO-8601, from the record's timestamp (create time or log append time). */
  timestamp: string;
  key: unknown;
  keySchemaId?: number;
  keyEncoding?: 'base64';
  headers: Record<string, string | string[]>;
  value: unknown;
  schemaId?: number;
  valueEncoding?: 'base64';
  /** Why the value could not be decoded as asked; the value is then its bytes in base64. */
  error?: string;
}

export interface PartitionRange {
  partition: number;
  /** First offset read. */
  from: number;
  /** End offset when reading started (exclusive); null with follow. */
  to: number | null;
  records: number;
}

export interface ConsumeResult {
  topic: string;
  records: number;
  errors: number;
  partitions: PartitionRange[];
  /** end: every partition read to its end; max: --max reached; interrupted: stopped (Ctrl-C). */
  reason: 'end' | 'max' | 'interrupted';
  group: string | null;
}

export interface PartitionOffsets {
  partition: number;
  /** Log start offset. */
  low: number;
  /** Log end offset (the last stable offset under read_committed). */
  high: number;
}

/**
 * Where each partition starts. default: the group's committed offset when
 * there is one, else the beginning (or, with follow, the end: only new
 * records). Offsets are clamped to the log; times with no record at or after
 * them start at the end.
 */
export function planStartOffsets(
  spec: StartSpec,
  partitions: PartitionOffsets[],
  context: { follow: boolean; committed?: Map<number, number>; byTime?: Map<number, number> },
): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of partitions) {
    const clamp = (o: number) => Math.min(Math.max(o, p.low), p.high);
    let start: number;
    switch (spec.kind) {
      case 'earliest':
        start = p.low;
        break;
      case 'latest':
        start = p.high;
        break;
      case 'offset':
        start = clamp(spec.offset);
        break;
      case 'fromEnd':
        start = clamp(p.high - spec.count);
        break;
      case 'time': {
        const t = context.byTime?.get(p.partition);
        start = t === undefined || t < 0 ? p.high : clamp(t);
        break;
      }
      case 'default': {
        const committed = context.committed?.get(p.partition);
        start = committed !== undefined && committed >= 0 ? clamp(committed) : context.follow ? p.high : p.low;
        break;
      }
    }
    out.set(p.partition, start);
  }
  return out;
}

function headersOf(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const one = (x: Buffer | string) => (typeof x === 'string' ? x : (asText(x) ?? x.toString('base64')));
    out[k] = Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

/** A record as JSON: key, value and headers decoded, timestamp as ISO-8601. */
export async function toConsumedRecord(
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'timestamp' | 'headers'>,
  format: ValueFormat,
  decoder: AvroDecoder,
): Promise<ConsumedRecord> {
  const key = await decodeKey(message.key ?? null, decoder);
  const value = await decodeValue(message.value ?? null, format, decoder);
  const ts = Number(message.timestamp);
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number.isFinite(ts) && ts >= 0 ? new Date(ts).toISOString() : String(message.timestamp),
    key: key.value,
    ...(key.schemaId !== undefined ? { keySchemaId: key.schemaId } : {}),
    ...(key.encoding ? { keyEncoding: key.encoding } : {}),
    headers: headersOf(message.headers),
    value: value.value,
    ...(value.schemaId !== undefined ? { schemaId: value.schemaId } : {}),
    ...(value.encoding ? { valueEncoding: value.encoding } : {}),
    ...(value.error ? { error: value.error } : {}),
  };
}

export interface ConsumeDeps {
  kafka: Kafka;
  /** A connected admin client (offsets, metadata). */
  admin: Admin;
  registry?: SchemaLookup;
  onRecord: (record: ConsumedRecord) => void;
  /** Bounds a step that may hang on an unreachable cluster. */
  deadline: <T>(step: Promise<T>, action: string) => Promise<T>;
}

/** Reads the topic as the options say; resolves when done, interrupted or --max is reached. */
export async function runConsume(options: ConsumeOptions, deps: ConsumeDeps): Promise<ConsumeResult> {
  const { topic } = options;
  const { admin } = deps;
  if (!(await admin.listTopics()).includes(topic)) {
    throw new UsageError(`topic "${topic}" does not exist`, { hint: 'see the topics with `streamctl topics list`' });
  }
  const offsets: PartitionOffsets[] = (await admin.fetchTopicOffsets(topic))
    .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
    .sort((a, b) => a.partition - b.partition);
  const all = offsets.map((o) => o.partition);
  const wanted = options.partitions ?? all;
  const missing = wanted.filter((p) => !all.includes(p));
  if (missing.length > 0) {
    throw new UsageError(`topic ${topic} has no partition ${missing.join(', ')}`, {
      hint: `its partitions are 0–${all.length - 1}`,
    });
  }
  const selected = offsets.filter((o) => wanted.includes(o.partition));

  let committed: Map<number, number> | undefined;
  if (options.group && options.start.kind === 'default') {
    const fetched = await withCoordinator(() => admin.fetchOffsets({ groupId: options.group!, topics: [topic] }), options.timeoutMs);
    committed = new Map((fetched[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }
  let byTime: Map<number, number> | undefined;
  if (options.start.kind === 'time') {
    const found = await admin.fetchTopicOffsetsByTimestamp(topic, options.start.ms);
    byTime = new Map(found.map((p) => [p.partition, Number(p.offset)]));
  }
  const starts = planStartOffsets(options.start, selected, {
    follow: options.follow,
    ...(committed ? { committed } : {}),
    ...(byTime ? { byTime } : {}),
  });

  const ranges = new Map<number, PartitionRange>(
    selected.map((o) => [
      o.partition,
      { partition: o.partition, from: starts.get(o.partition)!, to: options.follow ? null : o.high, records: 0 },
    ]),
  );
  const result: ConsumeResult = {
    topic,
    records: 0,
    errors: 0,
    partitions: [...ranges.values()],
    reason: 'end',
    group: options.group ?? null,
  };
  /** Next offset to read per partition; a partition is done without follow once it reaches its end. */
  const position = new Map<number, number>(selected.map((o) => [o.partition, starts.get(o.partition)!]));
  const isDone = (p: number) => !options.follow && position.get(p)! >= ranges.get(p)!.to!;
  const allDone = () => [...ranges.keys()].every(isDone);

  if (options.signal?.aborted) return { ...result, reason: 'interrupted' };
  if (options.max === 0 || allDone()) return result;

  const decoder = new AvroDecoder(deps.registry);
  const groupId = options.group ?? `streamctl-consume-${randomBytes(6).toString('hex')}`;
  const consumer: Consumer = deps.kafka.consumer({
    groupId,
    readUncommitted: options.isolation === 'read_uncommitted',
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
    // A fresh group needs no rebalance delay; keep the session short so a killed run's group empties quickly.
    sessionTimeout: 10_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 10_000,
  });

  let finish!: (reason: ConsumeResult['reason']) => void;
  let reject!: (err: unknown) => void;
  /** Why the run failed, once it has. */
  let failure: unknown;
  const finished = new Promise<ConsumeResult['reason']>((resolve, rej) => {
    finish = resolve;
    reject = rej;
  });
  const fail = (err: unknown) => {
    failure = err;
    reject(err);
  };
  let stopped = false;
  const stop = (reason: ConsumeResult['reason']) => {
    if (stopped) return;
    stopped = true;
    finish(reason);
  };
  const onAbort = () => stop('interrupted');
  options.signal?.addEventListener('abort', onAbort);

  let lastProgress = Date.now();
  /** Between a crash kafkajs recovers from and the next join: not idle, just waiting. */
  let rejoining = true;
  let lastCrash: unknown;
  const idleMs = options.idleMs ?? 5_000;
  const idleTimer = options.follow
    ? undefined
    : setInterval(() => {
        if (!rejoining && Date.now() - lastProgress > idleMs) stop('end');
      }, 250);

  // Every join (the first, and after a rebalance or a restart) seeks each assigned partition to where
  // this run is, and pauses what needs no fetching: kafkajs applies both before its first fetch.
  let joined!: () => void;
  const firstJoin = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assigned = e.payload.memberAssignment[topic] ?? [];
    for (const p of assigned) if (ranges.has(p)) consumer.seek({ topic, partition: p, offset: String(position.get(p)!) });
    pauseDone();
    rejoining = false;
    lastProgress = Date.now();
    joined();
  });
  consumer.on(consumer.events.CRASH, (e) => {
    // A retriable failure (say, a coordinator still being elected in a new cluster): kafkajs restarts and rejoins.
    if (e.payload.restart) {
      rejoining = true;
      lastCrash = e.payload.error;
      return;
    }
    if (!stopped) {
      stopped = true;
      fail(e.payload.error);
    }
  });
  // Batches of only control records or aborted data still move the position (kafkajs reports them here).
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const p = e.payload.partition;
    if (e.payload.topic !== topic || !ranges.has(p)) return;
    const next = Number(e.payload.lastOffset) + 1;
    if (next > position.get(p)!) position.set(p, next);
    lastProgress = Date.now();
    if (!options.follow && allDone()) stop('end');
  });

  const pauseDone = () => {
    const done = [...ranges.keys()].filter(isDone);
    const others = offsets.map((o) => o.partition).filter((p) => !ranges.has(p));
    const paused = [...done, ...others];
    if (paused.length > 0) consumer.pause([{ topic, partitions: paused }]);
  };

  const eachBatch = async (payload: EachBatchPayload) => {
    try {
      await handleBatch(payload);
    } catch (err) {
      // Not thrown into kafkajs, which would retry the batch and wrap the error: the run ends with it.
      if (!stopped) {
        stopped = true;
        fail(err);
      }
    }
  };

  const handleBatch = async ({ batch, resolveOffset, isStale }: EachBatchPayload) => {
    const p = batch.partition;
    const range = ranges.get(p);
    if (!range) return;
    for (const message of batch.messages) {
      if (stopped || isStale()) break;
      const offset = Number(message.offset);
      // A fetch that left before our seek, or records past the end when not following.
      if (offset < range.from) continue;
      if (range.to !== null && offset >= range.to) break;
      const record = await toConsumedRecord(topic, p, message, options.format, decoder);
      deps.onRecord(record);
      range.records++;
      result.records++;
      if (record.error) result.errors++;
      position.set(p, offset + 1);
      lastProgress = Date.now();
      resolveOffset(message.offset);
      if (options.max !== undefined && result.records >= options.max) {
        stop('max');
        break;
      }
    }
    if (!options.follow && isDone(p)) consumer.pause([{ topic, partitions: [p] }]);
    if (!options.follow && allDone()) stop('end');
  };

  try {
    await deps.deadline(consumer.connect(), 'connect the consumer');
    await deps.deadline(consumer.subscribe({ topics: [topic], fromBeginning: false }), `subscribe to ${topic}`);
    await deps.deadline(
      consumer.run({
        autoCommit: options.group !== undefined,
        eachBatchAutoResolve: false,
        eachBatch,
      }),
      `join consumer group ${groupId}`,
    );
    try {
      await deps.deadline(Promise.race([firstJoin, finished.then(() => undefined)]), `join consumer group ${groupId}`);
    } catch (err) {
      // A failure says what it is; a timeout says why joining kept failing, when kafkajs told us.
      throw failure ?? lastCrash ?? err;
    }
    result.reason = await finished;
    return result;
  } finally {
    if (idleTimer) clearInterval(idleTimer);
    options.signal?.removeEventListener('abort', onAbort);
    stopped = true;
    // Leaving the group (and, with --group, the last commit) should be quick; never hang on it.
    await Promise.race([consumer.disconnect().catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref())]);
  }
}
