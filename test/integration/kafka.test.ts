import kafkajs, { type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, runningPlatform, unique } from '../helpers/platform.js';

const { Kafka, logLevel } = kafkajs;

let kafka: InstanceType<typeof Kafka>;
let bootstrap: string;
const toClose: (Producer | Consumer | { disconnect(): Promise<void> })[] = [];

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  kafka = new Kafka({ clientId: 'streamctl-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  for (const c of toClose) await c.disconnect().catch(() => {});
});

async function consumeAll(topic: string, count: number, options: { readUncommitted?: boolean; timeoutMs?: number } = {}) {
  const consumer = kafka.consumer({ groupId: unique('g'), readUncommitted: options.readUncommitted ?? false, maxWaitTimeInMs: 200 });
  toClose.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: { partition: number; key: string | undefined; value: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => resolve(), options.timeoutMs ?? 20_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          got.push({ partition, key: message.key?.toString(), value: message.value!.toString() });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { got };
}

describe('Kafka 4 with kafkajs', () => {
  it('creates a 3-partition topic, produces and consumes it in a group with committed offsets', async () => {
    const topic = unique('it-basic');
    const admin = kafka.admin();
    toClose.push(admin);
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);

    const producer = kafka.producer();
    toClose.push(producer);
    await producer.connect();
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic, messages });

    const groupId = unique('it-group');
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    toClose.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Set<string>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
          if (seen.size === 30) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen.size).toBe(30);

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
    expect(committed).toBe(30);
    const groups = await admin.describeGroups([groupId]);
    expect(groups.groups[0]!.groupId).toBe(groupId);
    await admin.deleteTopics({ topics: [topic] });
  });

  it('writes with the idempotent producer (acks=all)', async () => {
    const topic = unique('it-idem');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
    toClose.push(producer);
    await producer.connect();
    const admin = kafka.admin();
    toClose.push(admin);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, j) => ({ key: `k${j}`, value: `${i}-${j}` })) });
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(100);
  });

  it('commits and aborts transactions; read_committed sees only committed records', async () => {
    const topic = unique('it-tx');
    const admin = kafka.admin();
    toClose.push(admin);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ transactionalId: unique('tx'), idempotent: true, maxInFlightRequests: 1 });
    toClose.push(producer);
    await producer.connect();

    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic, messages: [{ value: 'committed-3' }] });
    await last.commit();

    const readCommitted = await consumeAll(topic, 3, { timeoutMs: 8_000 });
    expect(readCommitted.got.map((m) => m.value)).toEqual(['committed-1', 'committed-2', 'committed-3']);
    const readAll = await consumeAll(topic, 4, { readUncommitted: true, timeoutMs: 8_000 });
    expect(readAll.got.map((m) => m.value)).toContain('aborted-1');
  });

  it('is visible to Debian kcat: metadata lists the broker(s) and the records we wrote', async () => {
    const topic = unique('it-kcat');
    const producer = kafka.producer();
    toClose.push(producer);
    await producer.connect();
    const admin = kafka.admin();
    toClose.push(admin);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.send({ topic, messages: [{ key: 'a', value: 'hello-kcat' }] });

    const meta = await run('kcat', ['-b', bootstrap, '-L', '-J', '-m', '10']);
    expect(meta.code).toBe(0);
    const parsed = JSON.parse(meta.stdout) as { brokers: { id: number }[]; topics: { topic: string; partitions: unknown[] }[] };
    expect(parsed.brokers.length).toBe(bootstrap.split(',').length);
    expect(parsed.topics.find((t) => t.topic === topic)?.partitions).toHaveLength(3);

    const consumed = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%k=%s\\n', '-m', '10']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim()).toBe('a=hello-kcat');
  });
});
