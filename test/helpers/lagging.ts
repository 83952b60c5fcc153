import { ensureTopic } from '../../src/kafka/topics.js';
import { kafkaFor } from './kafka.js';
import { unique } from './platform.js';

export interface LaggingGroup {
  topic: string;
  groupId: string;
  /** Epoch ms around the produce call of the records that wait (the lag). */
  producedFrom: number;
  producedTo: number;
}

/**
 * A consumer group made to lag, for real: `consume` records are produced to
 * a fresh topic, a kafkajs consumer in the group reads them all, commits and
 * leaves; then `produce - consume` more are produced. The group is Empty with
 * exactly that lag, and a committed offset on every partition (the keys
 * spread the first records over all of them).
 */
export async function laggingGroup(
  bootstrap: string,
  options: { prefix?: string; partitions?: number; produce?: number; consume?: number; groupId?: string } = {},
): Promise<LaggingGroup> {
  const { partitions = 3, produce = 100, consume = 40 } = options;
  const topic = unique(options.prefix ?? 'it-lag');
  const groupId = options.groupId ?? `${topic}-group`;
  const kafka = kafkaFor(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, topic, { partitions });
  await admin.disconnect();

  // Idempotent: a retried send (a fresh topic's leaders still settling) must not add records twice, or the lag would be off.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const records = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
  await producer.send({ topic, acks: -1, messages: records(0, consume) });

  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const next = new Map<number, number>();
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed only ${seen} of ${consume} records in 30 s`)), 30_000);
    void consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (seen >= consume) return;
          seen++;
          // Per partition, records arrive in order from offset 0: committing offset+1 commits exactly those read.
          next.set(partition, Number(message.offset) + 1);
          if (seen === consume) {
            await consumer.commitOffsets([...next].map(([p, offset]) => ({ topic, partition: p, offset: String(offset) })));
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  const producedFrom = Date.now();
  await producer.send({ topic, acks: -1, messages: records(consume, produce) });
  const producedTo = Date.now();
  await producer.disconnect();
  return { topic, groupId, producedFrom, producedTo };
}

/** Deletes a test's topic and, when given, its (empty) groups, so they don't clutter the shared cluster. */
export async function deleteTopic(bootstrap: string, topic: string, groups: string[] = []): Promise<void> {
  const admin = kafkaFor(bootstrap).admin();
  await admin.connect();
  if (groups.length) await admin.deleteGroups(groups).catch(() => {});
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}
