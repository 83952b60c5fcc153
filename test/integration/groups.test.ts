import kafkajs, { type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaFor } from '../helpers/kafka.js';
import { cli, runningPlatform, unique } from '../helpers/platform.js';

let bootstrap: string;
let admin: Admin;
let producer: Producer;
const consumers: Consumer[] = [];

beforeAll(async () => {
  bootstrap = (await runningPlatform()).kafka.bootstrap;
  const kafka = kafkaFor(bootstrap);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  for (const c of consumers) await c.disconnect().catch(() => {});
  await producer.disconnect();
  await admin.disconnect();
});

/** A topic with `perPartition` records in each of its partitions; record i of partition p has value "p:i". */
async function filledTopic(partitions: number, perPartition: number, timestamp?: (i: number) => number): Promise<string> {
  const topic = unique('it-groups');
  const r = await cli(['topics', 'create', topic, '-p', String(partitions)]);
  expect(r.code, r.stderr).toBe(0);
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < perPartition; i++) {
      messages.push({ partition: p, value: `${p}:${i}`, ...(timestamp ? { timestamp: String(timestamp(i)) } : {}) });
    }
  }
  await producer.send({ topic, messages });
  return topic;
}

/** What `consume --group` reads now: the group's committed offsets are where it starts. */
async function readAsGroup(topic: string, group: string): Promise<{ partition: number; offset: number; value: string }[]> {
  const r = await cli(['consume', topic, '-g', group]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { partition: number; offset: number; value: string });
}

async function committed(group: string, topic: string): Promise<Record<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return Object.fromEntries(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** A kafkajs consumer that stays in the group (an active member) until disconnected. */
async function activeMember(group: string, topic: string, clientId: string): Promise<Consumer> {
  // The client id belongs to the Kafka client, so the member gets a client of its own.
  const c = new kafkajs.Kafka({ clientId, brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING }).consumer({
    groupId: group,
    maxWaitTimeInMs: 100,
  });
  consumers.push(c);
  const joined = new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()));
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({ eachMessage: async () => {} });
  await joined;
  return c;
}

describe('streamctl groups', () => {
  it('lists and describes an active group: members, assigned partitions, committed offsets and lag', async () => {
    const topic = await filledTopic(3, 4);
    const group = unique('it-groups-active');
    const member = await activeMember(group, topic, 'it-active-client');
    // Wait for the member to read and commit everything.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const c = await committed(group, topic);
      if ([0, 1, 2].every((p) => c[p] === 4)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await producer.send({ topic, messages: [{ partition: 0, value: 'late' }] });
    member.pause([{ topic }]);
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: 'lag-1' },
        { partition: 0, value: 'lag-2' },
      ],
    });

    const list = await cli(['groups', 'list', '-o', 'json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ group, state: 'Stable', members: 1, protocolType: 'consumer' }),
    );
    expect((await cli(['groups', 'list'])).stdout).toMatch(new RegExp(`^${group} +Stable +1 +consumer`, 'm'));

    const described = await cli(['groups', 'describe', group, '-o', 'json']);
    expect(described.code).toBe(0);
    const d = JSON.parse(described.stdout);
    expect(d).toMatchObject({ group, state: 'Stable', protocolType: 'consumer' });
    expect(d.members).toHaveLength(1);
    expect(d.members[0]).toMatchObject({ clientId: 'it-active-client', assignments: [{ topic, partitions: [0, 1, 2] }] });
    expect(d.members[0].host).toMatch(/127\.0\.0\.1|localhost|::1/);
    const p0 = d.partitions.find((p: { topic: string; partition: number }) => p.topic === topic && p.partition === 0);
    expect(p0.logEnd).toBe(7);
    expect(p0.committed).toBeGreaterThanOrEqual(4);
    expect(p0.lag).toBe(7 - p0.committed);
    expect(p0.owner).toBe('it-active-client');
    expect(d.totalLag).toBeGreaterThanOrEqual(2);
    const table = await cli(['groups', 'describe', group]);
    expect(table.stdout).toMatch(/^CLIENT ID +HOST +MEMBER ID +ASSIGNED PARTITIONS$/m);
    expect(table.stdout).toMatch(new RegExp(`^${topic} +1 +4 +4 +0 +it-active-client$`, 'm'));

    // An active group: the plan prints, --execute refuses and names the member.
    const plan = await cli(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('dry run: nothing changed');
    expect(plan.stdout).toContain('it-active-client');
    const refused = await cli(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`^error: refusing to reset the offsets of group ${group}: it has 1 active member: it-active-client \\(`),
    );
    expect((await committed(group, topic))[1]).toBe(4);

    const missing = await cli(['groups', 'describe', unique('it-no-group')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/consumer group ".*" does not exist/);
  });

  it('resets offsets to earliest, latest, an offset, a shift and a time; each checked by consuming afterwards', async () => {
    const hour = 3_600_000;
    const now = Date.now();
    // Records 0–5 are three hours old, 6–9 are one minute old.
    const topic = await filledTopic(2, 10, (i) => (i < 6 ? now - 3 * hour : now - 60_000));
    const group = unique('it-groups-reset');
    expect(await readAsGroup(topic, group)).toHaveLength(20);
    expect(await readAsGroup(topic, group)).toHaveLength(0);

    const reset = async (...args: string[]) => {
      const r = await cli(['groups', 'reset-offsets', group, '--topic', topic, ...args, '--execute', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };

    // A dry run changes nothing.
    const dry = await cli(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '-o', 'json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      executed: false,
      plan: [
        { topic, partition: 0, current: 10, target: 0, change: -10 },
        { topic, partition: 1, current: 10, target: 0, change: -10 },
      ],
    });
    expect(await committed(group, topic)).toEqual({ 0: 10, 1: 10 });

    expect(await reset('--to-earliest')).toMatchObject({ executed: true, plan: [{ target: 0 }, { target: 0 }] });
    expect(await committed(group, topic)).toEqual({ 0: 0, 1: 0 });
    expect(await readAsGroup(topic, group)).toHaveLength(20);

    await reset('--to-offset', '7');
    const fromSeven = await readAsGroup(topic, group);
    expect(fromSeven.map((r) => r.value).sort()).toEqual(['0:7', '0:8', '0:9', '1:7', '1:8', '1:9']);

    await reset('--shift-by', '-3');
    expect((await readAsGroup(topic, group)).map((r) => r.value).sort()).toEqual(['0:7', '0:8', '0:9', '1:7', '1:8', '1:9']);

    await reset('--to-datetime', '-1h');
    expect((await readAsGroup(topic, group)).map((r) => r.value).sort()).toEqual(['0:6', '0:7', '0:8', '0:9', '1:6', '1:7', '1:8', '1:9']);

    await reset('--to-earliest');
    await reset('--to-latest');
    expect(await readAsGroup(topic, group)).toHaveLength(0);

    // Only the partitions named; a shift past the start is clamped to it.
    const one = await cli(['groups', 'reset-offsets', group, '--topic', `${topic}:1`, '--shift-by', '-50', '--execute', '-o', 'json']);
    expect(JSON.parse(one.stdout).plan).toEqual([
      { topic, partition: 1, current: 10, target: 0, logStart: 0, logEnd: 10, change: -10, clampedFrom: -40 },
    ]);
    expect((await readAsGroup(topic, group)).every((r) => r.partition === 1)).toBe(true);
  });

  it('refuses bad requests with exit 2', async () => {
    const topic = await filledTopic(1, 1);
    const group = unique('it-groups-bad');
    const cases: [string[], RegExp][] = [
      [['groups', 'reset-offsets', group, '--to-earliest'], /say which topics to reset/],
      [['groups', 'reset-offsets', group, '--topic', topic], /say where to reset to/],
      [['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--to-latest'], /give one place to reset to/],
      [['groups', 'reset-offsets', group, '--topic', `${topic}:3`, '--to-earliest'], new RegExp(`topic ${topic} has no partition 3`)],
      [['groups', 'reset-offsets', group, '--topic', unique('it-missing'), '--to-earliest'], /topic ".*" does not exist/],
      [['groups', 'reset-offsets', group, '--topic', topic, '--shift-by', '1'], /--shift-by needs a committed offset/],
      [['groups', 'reset-offsets', group, '--topic', topic, '--to-datetime', 'noon'], /invalid time "noon"/],
    ];
    for (const [args, error] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(error);
    }
  });
});
