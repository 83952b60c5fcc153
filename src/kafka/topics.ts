import type { Admin } from 'kafkajs';
import { StreamctlError, describeCause } from '../errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface EnsureTopicOptions {
  /** How long to wait for every partition to have a leader. Default: 15 s. */
  timeoutMs?: number;
  /** Partitions of a topic that has to be created. Default: 3. */
  partitions?: number;
  /** Replication factor of a created topic; -1 takes the broker's default.replication.factor. Default: -1. */
  replicationFactor?: number;
}

/**
 * Creates the topic when it is missing; returns its partition count and
 * whether it was created. An existing topic is used as it is.
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  options: EnsureTopicOptions = {},
): Promise<{ created: boolean; partitions: number }> {
  const existing = await admin.fetchTopicMetadata({ topics: [] }).then((m) => m.topics.find((t) => t.name === topic));
  if (existing) return { created: false, partitions: existing.partitions.length };
  const partitions = options.partitions ?? 3;
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    // Not waitForLeaders: on a fresh KRaft cluster kafkajs's wait can fail with
    // UNKNOWN_TOPIC_OR_PARTITION although the topic exists (docs/kafka-clients.md).
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? -1 }],
      waitForLeaders: false,
      timeout: timeoutMs,
    });
  } catch (err) {
    // Someone else created it between our look and our create: fine.
    if (!/already exists/i.test(describeCause(err))) {
      throw new StreamctlError(`unable to create topic ${topic}: ${describeCause(err)}`, 2, { cause: err });
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const parts = meta?.topics[0]?.partitions ?? [];
    if (parts.length >= partitions && parts.every((p) => p.leader >= 0)) break;
    if (Date.now() > deadline)
      throw new StreamctlError(`unable to create topic ${topic}: its partitions have no leader after ${timeoutMs / 1000}s`, 2);
    await sleep(100);
  }
  return { created: true, partitions };
}
