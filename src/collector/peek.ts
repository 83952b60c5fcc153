import type { FetchedMessage, InternalCluster } from './kafka-internal.js';

/**
 * Reading a few records at given offsets without joining a consumer group:
 * the exact time lag of a partition is the age of the record at the
 * committed offset, and a topic's bytes/s is estimated from the size of its
 * recent records. One Fetch per leader broker covers every partition asked
 * for (see kafka-internal.ts for why this goes through kafkajs's own cluster
 * connection).
 */
export interface PeekRequest {
  topic: string;
  partition: number;
  offset: number;
}

export interface PeekedRecord {
  offset: number;
  /** Epoch ms: the producer's CreateTime, or the broker's LogAppendTime on such topics. */
  timestamp: number;
  /** Key + value + header bytes, uncompressed. */
  bytes: number;
}

export interface Peeked {
  /** Up to `max` data records from the offset on; transaction markers (control records) are skipped. */
  records: PeekedRecord[];
  /**
   * Nothing but transaction markers lies between the offset and the end of
   * the log: a consumer there is caught up although its lag in messages
   * counts the markers (Kafka's tools show the same lag of 1 or 2).
   */
  onlyMarkers: boolean;
}

export function peekKey(topic: string, partition: number, offset: number): string {
  return `${topic}\u0000${partition}\u0000${offset}`;
}

/** Per-partition bytes asked for: enough for a produce batch of typical events, small enough that a thousand partitions stay cheap. */
const PARTITION_MAX_BYTES = 64 * 1024;
/** Per-request cap; partitions beyond it come back empty and are asked again next time. */
const REQUEST_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Reads each request's partition at its offset, keyed by peekKey(topic,
 * partition, offset). Partitions that could not be read (offset out of
 * range, leader moving, nothing returned) are absent.
 */
export async function peekRecords(c: InternalCluster, requests: readonly PeekRequest[], max: number): Promise<Map<string, Peeked>> {
  const out = new Map<string, Peeked>();
  if (requests.length === 0) return out;
  await c.addMultipleTargetTopics([...new Set(requests.map((r) => r.topic))]);
  // One Fetch per leader broker, covering every requested partition it leads.
  const byBroker = new Map<string, PeekRequest[]>();
  const byTopic = new Map<string, PeekRequest[]>();
  for (const r of requests) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r);
    byTopic.set(r.topic, list);
  }
  for (const [topic, reqs] of byTopic) {
    const leaders = c.findLeaderForPartitions(
      topic,
      reqs.map((r) => r.partition),
    );
    for (const [nodeId, partitions] of Object.entries(leaders)) {
      const list = byBroker.get(nodeId) ?? [];
      for (const r of reqs) if (partitions.includes(r.partition)) list.push(r);
      byBroker.set(nodeId, list);
    }
  }
  await Promise.all(
    [...byBroker].map(async ([nodeId, reqs]) => {
      const broker = await c.findBroker({ nodeId });
      // A request may not name a partition twice, so two groups at different offsets of one partition take two rounds.
      for (const round of rounds(reqs)) {
        const topics = new Map<string, { partition: number; fetchOffset: string; maxBytes: number }[]>();
        for (const r of round) {
          const list = topics.get(r.topic) ?? [];
          list.push({ partition: r.partition, fetchOffset: String(r.offset), maxBytes: PARTITION_MAX_BYTES });
          topics.set(r.topic, list);
        }
        const res = await broker.fetch({
          replicaId: -1,
          isolationLevel: 0,
          maxWaitTime: 0,
          minBytes: 0,
          maxBytes: REQUEST_MAX_BYTES,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        });
        for (const t of res.responses) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0) continue;
            const req = round.find((r) => r.topic === t.topicName && r.partition === p.partition);
            if (!req) continue;
            const records: PeekedRecord[] = [];
            let last = req.offset - 1;
            // A fetch returns whole batches, which may start before the offset asked for.
            for (const m of p.messages) {
              const offset = Number(m.offset);
              if (offset < req.offset) continue;
              last = Math.max(last, offset);
              if (m.isControlRecord) continue;
              records.push({ offset, timestamp: Number(m.timestamp), bytes: sizeOf(m) });
              if (records.length >= max) break;
            }
            const onlyMarkers = records.length === 0 && last >= req.offset && last + 1 >= Number(p.highWatermark);
            if (records.length > 0 || onlyMarkers) out.set(peekKey(req.topic, req.partition, req.offset), { records, onlyMarkers });
          }
        }
      }
    }),
  );
  return out;
}

function rounds(reqs: PeekRequest[]): PeekRequest[][] {
  const out: PeekRequest[][] = [];
  for (const r of reqs) {
    const round = out.find((list) => !list.some((x) => x.topic === r.topic && x.partition === r.partition));
    if (round) round.push(r);
    else out.push([r]);
  }
  return out;
}

function sizeOf(m: FetchedMessage): number {
  let n = (m.key?.length ?? 0) + (m.value?.length ?? 0);
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    n += Buffer.byteLength(k);
    if (Array.isArray(v)) for (const b of v) n += b.length;
    else if (v) n += v.length;
  }
  return n;
}
