import kafkajs from 'kafkajs';
import { registerCodecs } from '../../src/kafka/codecs.js';

export interface RawRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
}

export function kafkaFor(bootstrap: string) {
  return new kafkajs.Kafka({ clientId: 'streamctl-test', brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING });
}

/** Reads a topic from the beginning until `count` records arrived (or the timeout), in partition/offset order. */
export async function readTopic(
  bootstrap: string,
  topic: string,
  count: number,
  options: { timeoutMs?: number; readUncommitted?: boolean } = {},
): Promise<RawRecord[]> {
  await registerCodecs();
  const consumer = kafkaFor(bootstrap).consumer({
    groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 100,
    readUncommitted: options.readUncommitted ?? false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: RawRecord[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.timeoutMs ?? 20_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value! });
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return got.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** Sum of the high watermarks of a topic (0 when it doesn't exist). */
export async function topicSize(bootstrap: string, topic: string): Promise<number> {
  const admin = kafkaFor(bootstrap).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
