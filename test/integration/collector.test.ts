import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector, createCollector } from '../../src/collector/collector.js';
import { kafkaReader, type KafkaReader } from '../../src/collector/kafka.js';
import { kafkaFromEndpoints } from '../../src/kafka/client.js';
import { resolveEndpoints, type ResolvedEndpoints } from '../../src/config/endpoints.js';
import { resolveConfig } from '../../src/config/index.js';
import { kafkaFor } from '../helpers/kafka.js';
import { deleteTopic, laggingGroup, type LaggingGroup } from '../helpers/lagging.js';
import { BIN, runningPlatform, unique } from '../helpers/platform.js';

let bootstrap: string;
let endpoints: ResolvedEndpoints;
let lagging: LaggingGroup;
const topics: string[] = [];
/** Groups to delete with their topic when done, so the shared cluster isn't cluttered. */
const groupsOf = new Map<string, string[]>();
const collectors: Collector[] = [];

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  endpoints = resolveEndpoints(resolveConfig());
  lagging = await laggingGroup(bootstrap, { prefix: 'it-coll' });
  topics.push(lagging.topic);
  groupsOf.set(lagging.topic, [lagging.groupId]);
});

afterAll(async () => {
  for (const c of collectors) await c.stop();
  for (const t of topics) await deleteTopic(bootstrap, t, groupsOf.get(t) ?? []);
});

/** A KafkaReader that notes what each call asked for. */
function recording(reader: KafkaReader) {
  const calls = { describe: [] as (string[] | 'all')[], topicOffsets: [] as string[][], committed: [] as [string, string[] | 'all'][] };
  const wrapped: KafkaReader = {
    ...reader,
    describeCluster: (scope) => {
      calls.describe.push(scope ? [...scope] : 'all');
      return reader.describeCluster(scope);
    },
    topicOffsets: (t) => {
      calls.topicOffsets.push([...t]);
      return reader.topicOffsets(t);
    },
    committedOffsets: (g, scope) => {
      calls.committed.push([g, scope ? scope.map((x) => x.topic) : 'all']);
      return reader.committedOffsets(g, scope);
    },
  };
  return { reader: wrapped, calls };
}

/** A port nothing listens on (fetch refuses the "bad ports" such as 1 and 9 before trying). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function collector(options: Parameters<typeof createCollector>[1] = {}): Promise<Collector> {
  const c = await createCollector(endpoints, options);
  collectors.push(c);
  return c;
}

describe('collector against the running platform', () => {
  it('reports per-partition committed offsets, log ends and lag exactly as the Kafka admin API does', async () => {
    const c = await collector();
    const s = await c.sample();
    expect(s.sources.kafka).toMatchObject({ ok: true, error: null });
    expect(s.cluster?.brokersUp).toBeGreaterThanOrEqual(1);
    expect(s.cluster?.controller).not.toBeNull();

    const admin = kafkaFor(bootstrap).admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: lagging.groupId, topics: [lagging.topic] });
    const ends = await admin.fetchTopicOffsets(lagging.topic);
    await admin.disconnect();
    const expected = committed!.partitions
      .map((p) => {
        const high = Number(ends.find((e) => e.partition === p.partition)!.high);
        const offset = Number(p.offset);
        // -1: no commit on that partition, which the collector reports as unknown (null) lag.
        return { partition: p.partition, committed: offset < 0 ? null : offset, logEnd: high, lag: offset < 0 ? null : high - offset };
      })
      .sort((a, b) => a.partition - b.partition);
    expect(expected.every((p) => p.committed !== null)).toBe(true);

    const g = s.groups.find((x) => x.groupId === lagging.groupId)!;
    expect(g).toBeDefined();
    expect(g.partitions.map((p) => ({ partition: p.partition, committed: p.committed, logEnd: p.logEnd, lag: p.lag }))).toEqual(expected);
    expect(g.lag).toBe(60);
    expect(expected.reduce((n, p) => n + (p.lag ?? 0), 0)).toBe(60);
    expect(g).toMatchObject({ state: 'Empty', members: 0, topics: [lagging.topic], verdict: 'EMPTY' });

    // Time lag is the age of the record at each committed offset, all written during the produce call.
    const now = s.at;
    for (const p of g.partitions.filter((x) => x.lag! > 0)) {
      expect(p.timeLagMethod).toBe('record');
      expect(p.timeLagMs!).toBeGreaterThanOrEqual(now - lagging.producedTo - 50);
      expect(p.timeLagMs!).toBeLessThanOrEqual(now - lagging.producedFrom + 50);
    }
    expect(g.timeLagAtLeast).toBe(false);

    const t = s.topics.find((x) => x.topic === lagging.topic)!;
    expect(t).toMatchObject({ partitions: 3, messages: 100, error: null });
  });

  it('reads the same numbers through the public admin API alone (the fallback when kafkajs internals are missing)', async () => {
    const fast = await collector({ groups: [lagging.groupId], flink: false, registry: false });
    const reader = kafkaReader(kafkaFromEndpoints(endpoints, { clientId: 'streamctl-test-admin-only', retries: 0 }), { internal: false });
    const adminOnly = new Collector({ kafka: reader }, { groups: [lagging.groupId] });
    collectors.push(adminOnly);
    const [a, b] = [await fast.sample(), await adminOnly.sample()];
    expect(b.sources.kafka.ok).toBe(true);
    const pick = (s: typeof a) =>
      s.groups.map((g) => ({
        group: g.groupId,
        state: g.state,
        lag: g.lag,
        partitions: g.partitions.map((p) => [p.partition, p.committed, p.logEnd, p.lag]),
      }));
    expect(pick(b)).toEqual(pick(a));
    expect(b.cluster).toEqual(a.cluster);
    expect(b.topics.find((t) => t.topic === lagging.topic)).toMatchObject({ partitions: 3, messages: 100 });
    // Without kafkajs's own connection no record is read: the time lag is known only as a lower bound.
    expect(b.groups[0]!.partitions.filter((p) => p.lag! > 0).every((p) => p.timeLagMethod === 'bound')).toBe(true);
  });

  it('with a selection (top --topic / --group), reads only the selected topics and groups, with the same numbers', async () => {
    const other = await laggingGroup(bootstrap, { prefix: 'it-coll-other', produce: 30, consume: 10 });
    topics.push(other.topic);
    groupsOf.set(other.topic, [other.groupId]);
    const whole = await (await collector({ flink: false, registry: false })).sample();
    const numbers = (s: typeof whole, group: string) =>
      s.groups.find((g) => g.groupId === group)!.partitions.map((p) => [p.topic, p.partition, p.committed, p.logEnd, p.lag]);

    const byTopic = recording(kafkaReader(kafkaFromEndpoints(endpoints, { clientId: 'streamctl-test-selection', retries: 0 })));
    const topicOnly = new Collector({ kafka: byTopic.reader }, { topics: [lagging.topic], allTopics: false });
    collectors.push(topicOnly);
    const s = await topicOnly.sample();
    expect(s.sources.kafka).toMatchObject({ ok: true, error: null });
    expect(s.cluster?.brokersUp).toBe(whole.cluster?.brokersUp);
    expect(s.cluster?.controller).toBe(whole.cluster?.controller);
    // Only the group that reads the topic, with the numbers the whole-cluster collector has for it.
    expect(s.groups.map((g) => g.groupId)).toEqual([lagging.groupId]);
    expect(numbers(s, lagging.groupId)).toEqual(numbers(whole, lagging.groupId));
    expect(s.groups[0]!.lag).toBe(60);
    expect(s.topics.map((t) => [t.topic, t.partitions, t.messages, t.error])).toEqual([[lagging.topic, 3, 100, null]]);
    // Nothing beyond the selection was listed or read: Kafka can't say which groups read a topic,
    // so every group is asked, but for its commits on that topic only.
    expect(byTopic.calls.describe).toEqual([[lagging.topic]]);
    expect(byTopic.calls.topicOffsets).toEqual([[lagging.topic]]);
    expect(byTopic.calls.committed.length).toBeGreaterThanOrEqual(2);
    expect(byTopic.calls.committed.every(([, scope]) => JSON.stringify(scope) === JSON.stringify([lagging.topic]))).toBe(true);

    // A selected topic that doesn't exist is reported as such; the rest of the sample stands.
    const missing = unique('it-coll-missing');
    const withMissing = await collector({ topics: [missing, lagging.topic], allTopics: false, flink: false, registry: false });
    const m = await withMissing.sample();
    expect(m.sources.kafka.ok).toBe(true);
    expect(m.groups.map((x) => [x.groupId, x.lag])).toEqual([[lagging.groupId, 60]]);
    expect(m.topics.find((t) => t.topic === missing)?.error).toMatch(/does not host this topic/);
    expect(m.topics.find((t) => t.topic === lagging.topic)).toMatchObject({ partitions: 3, messages: 100, error: null });

    const byGroup = recording(kafkaReader(kafkaFromEndpoints(endpoints, { clientId: 'streamctl-test-selection', retries: 0 })));
    const groupOnly = new Collector({ kafka: byGroup.reader }, { groups: [other.groupId, lagging.groupId], allTopics: false });
    collectors.push(groupOnly);
    const g = await groupOnly.sample();
    expect(g.groups.map((x) => [x.groupId, x.lag])).toEqual(
      [
        [other.groupId, 20],
        [lagging.groupId, 60],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(numbers(g, other.groupId)).toEqual(numbers(whole, other.groupId));
    expect(g.topics.map((t) => t.topic).sort()).toEqual([lagging.topic, other.topic].sort());
    expect(byGroup.calls.committed.map(([group]) => group).sort()).toEqual([lagging.groupId, other.groupId].sort());
    expect(byGroup.calls.topicOffsets).toEqual([[lagging.topic, other.topic].sort()]);
  });

  it('follows the produce rate of `streamctl produce --rate 200/s` within 5%', async () => {
    const topic = unique('it-coll-rate');
    topics.push(topic);
    const schema = fileURLToPath(new URL('../../schemas/transaction_event.avsc', import.meta.url));
    const producer = spawn(
      process.execPath,
      [BIN, 'produce', '--topic', topic, '--schema', schema, '--rate', '200/s', '--duration', '10s', '-o', 'json'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let producerOut = '';
    producer.stdout.on('data', (d: Buffer) => (producerOut += d.toString()));
    const exited = new Promise<number>((resolve) => producer.on('exit', (code) => resolve(code ?? 1)));

    const c = await collector({ topics: [topic], rateWindowMs: 5000, flink: false, registry: false });
    const samples: { at: number; logEnd: number; rate: number | null }[] = [];
    let firstAt: number | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const s = await c.sample();
      const t = s.topics.find((x) => x.topic === topic);
      if (t && !t.error) {
        const logEnd = t.messages;
        if (logEnd > 0 && firstAt === undefined) firstAt = s.at;
        samples.push({ at: s.at, logEnd, rate: t.produceRate });
        if (logEnd >= 2000) break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(await exited).toBe(0);
    expect(JSON.parse(producerOut).summary.sent).toBe(2000);
    expect(firstAt).toBeDefined();
    // Samples whose whole 5 s window lies inside the steady part of the run (a second after the start, before the end).
    const steady = samples.filter((x) => x.at - 5000 >= firstAt! + 1000 && x.logEnd < 2000);
    expect(steady.length).toBeGreaterThanOrEqual(2);
    for (const x of steady) {
      expect(x.rate, JSON.stringify(samples)).not.toBeNull();
      expect(Math.abs(x.rate! - 200) / 200, `rate ${x.rate} at ${x.logEnd}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('marks a source that is down as stale with its error and keeps sampling the others', async () => {
    const c = await collector({ groups: [lagging.groupId] });
    // The real Kafka, but Flink and the registry at a port nothing listens on.
    const port = await freePort();
    const broken = await createCollector(
      { ...endpoints, flink: { url: `http://127.0.0.1:${port}` }, registry: { url: `http://127.0.0.1:${port}/apis/ccompat/v7` } },
      {
        groups: [lagging.groupId],
      },
    );
    collectors.push(broken);
    const good = await c.sample();
    const s = await broken.sample();
    expect(good.sources.flink.ok).toBe(true);
    expect(s.sources.kafka.ok).toBe(true);
    expect(s.groups.map((g) => g.groupId)).toEqual([lagging.groupId]);
    expect(s.sources.flink).toMatchObject({ enabled: true, ok: false, lastSuccessAt: null });
    expect(s.sources.flink.error).toMatch(/refused/);
    expect(s.sources.registry.ok).toBe(false);
    expect(s.sources.registry.error).toMatch(/refused|unable/);
  });

  it('marks Kafka stale when no broker answers, without throwing, within its timeout', async () => {
    const port = await freePort();
    const c = await createCollector(
      { ...endpoints, kafka: { brokers: [`127.0.0.1:${port}`] } },
      { timeoutMs: 3000, flink: false, registry: false },
    );
    collectors.push(c);
    const started = Date.now();
    const s = await c.sample();
    expect(Date.now() - started).toBeLessThan(8000);
    expect(s.sources.kafka).toMatchObject({ ok: false, lastSuccessAt: null, failures: 1 });
    expect(s.sources.kafka.error).toMatch(/refused|timed out/);
    expect(s.groups).toEqual([]);
  });
});
