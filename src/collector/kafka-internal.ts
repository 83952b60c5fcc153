import type { Kafka } from 'kafkajs';

/**
 * kafkajs's own cluster connection, for the two things its public API can't
 * do cheaply enough for a dashboard that samples every second:
 *
 * - reading a few records at an offset without joining a consumer group
 *   (kafkajs has no assign(); joining a throwaway group per look rebalances,
 *   takes seconds, and leaves groups behind that `top` would then show);
 * - listing the log-start and log-end offsets of every topic in two requests
 *   per broker: the admin API's fetchTopicOffsets sends two per topic, which
 *   on a cluster of a few hundred topics is most of a sample's CPU cost.
 *
 * The Kafka client keeps a private factory for this connection (the one its
 * producer, consumer and admin are built on), so brokers, timeouts, SASL and
 * TLS are exactly those of kafkaFromEndpoints. kafkajs 2.2.4 is frozen — it
 * has been unmaintained since 2023 — so this private surface won't move; if it
 * is ever missing, internalConnection returns undefined and the collector
 * falls back to the admin API (and to dating offsets from its own history).
 */
export interface InternalCluster {
  metadata(options?: { topics?: string[] }): Promise<{
    clusterId?: string;
    controllerId?: number;
    brokers: { nodeId: number; host: string; port: number }[];
    topicMetadata: { topic: string; partitionMetadata: { partitionId: number }[] }[];
  }>;
  findGroupCoordinatorMetadata(options: { groupId: string }): Promise<{ coordinator: { nodeId: number } }>;
  getNodeIds(): (string | number)[];
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number | null }[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(options: { nodeId: string }): Promise<InternalBroker>;
}

export interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | Buffer[] | undefined>;
  isControlRecord?: boolean;
}

export interface InternalBroker {
  listOffsets(request: { topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[] }): Promise<{
    responses: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }>;
  listGroups(): Promise<{ groups: { groupId: string; protocolType: string }[] }>;
  describeGroups(request: { groupIds: string[] }): Promise<{
    groups: {
      errorCode: number;
      groupId: string;
      state: string;
      protocolType: string;
      members: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }[];
    }[];
  }>;
  offsetFetch(request: { groupId: string; topics: { topic: string; partitions: { partition: number }[] }[] }): Promise<{
    responses: { topic: string; partitions: { partition: number; offset: string; errorCode?: number }[] }[];
  }>;
  fetch(request: {
    replicaId?: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{
    responses: {
      topicName: string;
      partitions: { partition: number; errorCode: number; highWatermark: string; messages: FetchedMessage[] }[];
    }[];
  }>;
}

type ClusterFactory = (options: { allowAutoTopicCreation: boolean; metadataMaxAge: number }) => InternalCluster;

/** A lazily connected InternalCluster; close() drops it and the next get() starts afresh. */
export interface InternalConnection {
  get(): Promise<InternalCluster>;
  close(): Promise<void>;
}

export function internalConnection(kafka: Kafka): InternalConnection | undefined {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof factory !== 'function') return undefined;
  let cluster: InternalCluster | undefined;
  let connecting: Promise<InternalCluster> | undefined;
  return {
    get() {
      connecting ??= (async () => {
        // Metadata older than this is refreshed before use: new partitions and moved leaders show up within it.
        const c = (factory as ClusterFactory)({ allowAutoTopicCreation: false, metadataMaxAge: 30_000 });
        try {
          await c.connect();
          // Loads the brokers, so that findBroker knows every node, not just the seed.
          await c.refreshMetadata();
        } catch (err) {
          connecting = undefined;
          await c.disconnect().catch(() => {});
          throw err;
        }
        cluster = c;
        return c;
      })();
      return connecting;
    },
    async close() {
      const c = cluster;
      cluster = undefined;
      connecting = undefined;
      await c?.disconnect().catch(() => {});
    },
  };
}
