import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { mapLimit } from './timeout.js';
import { internalConnection, type InternalBroker, type InternalCluster } from './kafka-internal.js';
import { peekRecords, type PeekRequest, type Peeked } from './peek.js';

/**
 * The Kafka calls the collector makes, behind an interface so that the
 * collector's bookkeeping (staleness, recovery, history) can be unit tested
 * with a scripted cluster; the real one is `kafkaReader` below.
 */
export interface KafkaReader {
  /**
   * Brokers, controller, and topics with their partition counts: every topic
   * other than Kafka's internal ones, or only `topics` (those of them that
   * exist; a missing one is left out, not an error).
   */
  describeCluster(topics?: readonly string[]): Promise<ClusterDescription>;
  listGroups(): Promise<{ groupId: string; protocolType: string }[]>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  /** Every committed offset of the group, or only those on `topics` (each with its partition count). */
  committedOffsets(groupId: string, topics?: readonly TopicPartitions[]): Promise<{ topic: string; partition: number; offset: number }[]>;
  /** Log-start (low) and log-end (high) offsets of each topic; a topic that can't be read maps to its error. */
  topicOffsets(topics: string[]): Promise<Map<string, PartitionOffsets[] | Error>>;
  /** See peekRecords; undefined when this client cannot read records directly. */
  peek?(requests: readonly PeekRequest[], max: number): Promise<Map<string, Peeked>>;
  /** Drops the connections after a failure; the next call reconnects from scratch. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterDescription {
  clusterId: string | null;
  brokers: { nodeId: number; host: string; port: number }[];
  controller: number | null;
  topics: { name: string; partitions: number }[];
}

export interface TopicPartitions {
  topic: string;
  /** Partitions 0 to partitions − 1. */
  partitions: number;
}

export interface PartitionOffsets {
  partition: number;
  high: number;
  low: number;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  members: { memberId: string; clientId: string; host: string; assignment: Record<string, number[]> }[];
}

/** Kafka's internal topics, hidden from the dashboard (rpk and the Kafka UI tools hide them too). */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

export interface KafkaReaderOptions {
  /**
   * Use kafkajs's own cluster connection (kafka-internal.ts) for the calls a
   * dashboard repeats every second: one metadata request for brokers and
   * topics, group coordinators looked up once rather than per call, groups
   * described in one request per coordinator, and every topic's offsets in two
   * requests per broker. false: the public admin API only (the fallback, also
   * tested). Default: true when the connection is available.
   */
  internal?: boolean;
}

/** How long a group's coordinator is trusted before it is looked up again (a failed call forgets it at once). */
const COORDINATOR_TTL_MS = 60_000;

/** The KafkaReader over a kafkajs client (built by kafkaFromEndpoints, so every connection setting applies). */
export function kafkaReader(kafka: Kafka, options: KafkaReaderOptions = {}): KafkaReader {
  let connecting: Promise<Admin> | undefined;
  let admin: Admin | undefined;
  const internal = options.internal === false ? undefined : internalConnection(kafka);
  const coordinators = new Map<string, { nodeId: number; at: number }>();
  const lowCache: LowCache = { at: 0, lows: new Map() };

  const getAdmin = (): Promise<Admin> => {
    connecting ??= (async () => {
      const a = kafka.admin({ retry: { retries: 0 } });
      try {
        await a.connect();
      } catch (err) {
        connecting = undefined;
        await a.disconnect().catch(() => {});
        throw err;
      }
      admin = a;
      return a;
    })();
    return connecting;
  };

  const drop = async () => {
    const a = admin;
    admin = undefined;
    connecting = undefined;
    coordinators.clear();
    lowCache.at = 0;
    await Promise.all([a?.disconnect().catch(() => {}), internal?.close()]);
  };

  const coordinatorOf = async (c: InternalCluster, groupId: string): Promise<InternalBroker> => {
    const cached = coordinators.get(groupId);
    let nodeId = cached && Date.now() - cached.at < COORDINATOR_TTL_MS ? cached.nodeId : undefined;
    if (nodeId === undefined) {
      nodeId = (await c.findGroupCoordinatorMetadata({ groupId })).coordinator.nodeId;
      coordinators.set(groupId, { nodeId, at: Date.now() });
    }
    return c.findBroker({ nodeId: String(nodeId) });
  };

  /** Runs a call against a group's coordinator; a failure forgets the coordinator, which may have moved. */
  const withCoordinator = async <T>(c: InternalCluster, groupId: string, call: (broker: InternalBroker) => Promise<T>): Promise<T> => {
    try {
      return await call(await coordinatorOf(c, groupId));
    } catch (err) {
      coordinators.delete(groupId);
      throw err;
    }
  };

  const reader: KafkaReader = {
    async describeCluster(scope) {
      // Any metadata answer names the brokers and controller. A scoped one leaves out the
      // other topics, the most expensive part of a large cluster's answer to decode.
      const read = async (topics: readonly string[]): Promise<ClusterDescription> => {
        if (internal) {
          const m = await (await internal.get()).metadata({ topics: [...topics] });
          return {
            clusterId: m.clusterId ?? null,
            brokers: m.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
            controller: m.controllerId === undefined || m.controllerId < 0 ? null : m.controllerId,
            topics: m.topicMetadata.map((t) => ({ name: t.topic, partitions: t.partitionMetadata.length })),
          };
        }
        const a = await getAdmin();
        const [c, { topics: found }] = await Promise.all([
          a.describeCluster(),
          a.fetchTopicMetadata(topics.length ? { topics: [...topics] } : undefined),
        ]);
        return {
          clusterId: c.clusterId ?? null,
          brokers: c.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
          controller: c.controller,
          topics: found.map((t) => ({ name: t.name, partitions: t.partitions.length })),
        };
      };
      if (scope?.length) {
        try {
          return await read(scope);
        } catch {
          // Kafka fails the whole answer when one named topic is missing: the full list says which exist.
          const all = await read([]);
          const wanted = new Set(scope);
          return { ...all, topics: all.topics.filter((t) => wanted.has(t.name)) };
        }
      }
      const all = await read([]);
      return { ...all, topics: all.topics.filter((t) => !isInternalTopic(t.name)) };
    },
    async listGroups() {
      if (internal) {
        const c = await internal.get();
        // Every broker coordinates some groups; the connection's metadata knows them all.
        const lists = await Promise.all(
          c.getNodeIds().map(async (nodeId) => (await c.findBroker({ nodeId: String(nodeId) })).listGroups()),
        );
        return lists.flatMap((l) => l.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })));
      }
      const { groups } = await (await getAdmin()).listGroups();
      return groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
    },
    async describeGroups(groupIds) {
      if (groupIds.length === 0) return [];
      let groups: {
        groupId: string;
        state: string;
        protocolType: string;
        members: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }[];
      }[];
      if (internal) {
        const c = await internal.get();
        // One DescribeGroups per coordinator, for all of its groups.
        const byNode = new Map<number, string[]>();
        await mapLimit(groupIds, 8, async (g) => {
          await coordinatorOf(c, g);
          const nodeId = coordinators.get(g)!.nodeId;
          byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), g]);
        });
        const responses = await Promise.all(
          [...byNode].map(async ([nodeId, ids]) => {
            try {
              return (await (await c.findBroker({ nodeId: String(nodeId) })).describeGroups({ groupIds: ids })).groups;
            } catch (err) {
              for (const g of ids) coordinators.delete(g);
              throw err;
            }
          }),
        );
        groups = responses.flat();
      } else {
        groups = (await (await getAdmin()).describeGroups(groupIds)).groups;
      }
      return groups.map((g) => ({
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          host: m.clientHost.replace(/^\//, ''),
          assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : {},
        })),
      }));
    },
    async committedOffsets(groupId, scope) {
      // An empty list would ask for every topic: nothing selected exists, so nothing is committed on it.
      if (scope && scope.length === 0) return [];
      const request = (scope ?? []).map((t) => ({
        topic: t.topic,
        partitions: Array.from({ length: t.partitions }, (_, partition) => ({ partition })),
      }));
      const topics = internal
        ? (await withCoordinator(await internal.get(), groupId, (b) => b.offsetFetch({ groupId, topics: request }))).responses
        : await (await getAdmin()).fetchOffsets({ groupId, ...(scope ? { topics: scope.map((t) => t.topic) } : {}) });
      const out: { topic: string; partition: number; offset: number }[] = [];
      for (const t of topics) {
        for (const p of t.partitions) {
          const offset = Number(p.offset);
          // Partitions asked for by name come back with -1 when nothing is committed there; unasked, they aren't listed.
          if (scope && offset < 0) continue;
          out.push({ topic: t.topic, partition: p.partition, offset });
        }
      }
      return out;
    },
    async topicOffsets(topics) {
      if (internal) {
        try {
          return await batchedOffsets(await internal.get(), topics, lowCache);
        } catch {
          // A topic missing from the metadata fails the whole batch: drop its connection (and
          // its list of topics) and ask topic by topic, so that only that topic shows an error.
          await internal.close();
        }
      }
      const a = await getAdmin();
      const out = new Map<string, PartitionOffsets[] | Error>();
      await mapLimit(topics, 8, async (topic) => {
        try {
          const offsets = await a.fetchTopicOffsets(topic);
          out.set(
            topic,
            offsets.map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) })),
          );
        } catch (err) {
          out.set(topic, err instanceof Error ? err : new Error(String(err)));
        }
      });
      return out;
    },
    reset: drop,
    close: drop,
  };
  if (internal) {
    reader.peek = async (requests, max) => {
      try {
        return await peekRecords(await internal.get(), requests, max);
      } catch (err) {
        await internal.close();
        throw err;
      }
    };
  }
  return reader;
}

/** Message of a topic that has no metadata (deleted, or never created); the same words as Kafka's own error. */
export const UNKNOWN_TOPIC = 'This server does not host this topic-partition';

/**
 * Every topic's log start and end in two ListOffsets requests per leader
 * broker. (kafkajs's own batch, cluster.fetchTopicsOffset, merges its
 * results in quadratic time: most of a sample's CPU on a few hundred topics.)
 * The isolation level is kafkajs's default, read_committed, as in
 * admin.fetchTopicOffsets: the log end is the last stable offset.
 */
async function batchedOffsets(c: InternalCluster, topics: string[], lowCache: LowCache): Promise<Map<string, PartitionOffsets[] | Error>> {
  const out = new Map<string, PartitionOffsets[] | Error>();
  if (topics.length === 0) return out;
  await c.addMultipleTargetTopics(topics);
  await c.refreshMetadataIfNecessary();
  const byLeader = new Map<string, Map<string, number[]>>();
  const found = new Map<string, Map<number, PartitionOffsets>>();
  for (const topic of topics) {
    const partitions = c.findTopicPartitionMetadata(topic);
    const offline = partitions.find((p) => p.leader === null || p.leader < 0);
    if (partitions.length === 0) out.set(topic, new Error(UNKNOWN_TOPIC));
    else if (offline) out.set(topic, new Error(`partition ${offline.partitionId} has no leader`));
    else {
      found.set(topic, new Map(partitions.map((p) => [p.partitionId, { partition: p.partitionId, high: 0, low: 0 }])));
      for (const p of partitions) {
        const leader = String(p.leader);
        const forLeader = byLeader.get(leader) ?? new Map<string, number[]>();
        forLeader.set(topic, [...(forLeader.get(topic) ?? []), p.partitionId]);
        byLeader.set(leader, forLeader);
      }
    }
  }
  // Log starts only move when retention deletes a segment: they are re-read every LOW_REFRESH_MS.
  const now = Date.now();
  const readLows = now - lowCache.at >= LOW_REFRESH_MS || topics.some((t) => found.has(t) && !lowCache.lows.has(t));
  if (!readLows) {
    for (const [topic, byPartition] of found) {
      const lows = lowCache.lows.get(topic);
      for (const entry of byPartition.values()) entry.low = lows?.get(entry.partition) ?? 0;
    }
  }
  await Promise.all(
    [...byLeader].flatMap(([nodeId, partitionsOf]) =>
      // -1: the log end (latest), -2: the log start (earliest).
      (readLows ? [-1, -2] : [-1]).map(async (timestamp) => {
        const broker = await c.findBroker({ nodeId });
        const { responses } = await broker.listOffsets({
          topics: [...partitionsOf].map(([topic, partitions]) => ({
            topic,
            partitions: partitions.map((partition) => ({ partition, timestamp })),
          })),
        });
        for (const t of responses) {
          const byPartition = found.get(t.topic);
          for (const p of t.partitions) {
            const entry = byPartition?.get(p.partition);
            if (!entry) continue;
            if (timestamp === -1) entry.high = Number(p.offset);
            else entry.low = Number(p.offset);
          }
        }
      }),
    ),
  );
  if (readLows) {
    lowCache.at = now;
    lowCache.lows = new Map(
      [...found].map(([topic, byPartition]) => [topic, new Map([...byPartition.values()].map((e) => [e.partition, e.low]))]),
    );
  }
  for (const [topic, byPartition] of found)
    out.set(
      topic,
      [...byPartition.values()].sort((a, b) => a.partition - b.partition),
    );
  return out;
}

/** How often log-start offsets are re-read; log ends are read every time. */
const LOW_REFRESH_MS = 10_000;

interface LowCache {
  at: number;
  lows: Map<string, Map<number, number>>;
}

/** A consumer member's assignment (topic → partitions); empty when it isn't in the consumer protocol's format. */
function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  if (!buffer || buffer.length === 0) return {};
  try {
    return kafkajs.AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? {};
  } catch {
    return {};
  }
}
