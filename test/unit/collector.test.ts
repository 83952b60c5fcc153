import { describe, expect, it } from 'vitest';
import { Collector, describeHttpError } from '../../src/collector/collector.js';
import { flinkReader } from '../../src/collector/flink.js';
import { ConnectionError } from '../../src/errors.js';
import { FlinkRestError } from '../../src/flink/rest.js';
import { FakeFlink } from '../helpers/fake-flink.js';
import type { GroupDescription, KafkaReader } from '../../src/collector/kafka.js';
import { peekKey, type Peeked } from '../../src/collector/peek.js';

/**
 * A scripted cluster: tests change its offsets, groups and failures between
 * samples. The collector's bookkeeping is what is under test here; the real
 * kafkajs reader is exercised against Kafka by the integration tier.
 */
class FakeCluster implements KafkaReader {
  logEnd = new Map<string, number>([
    ['orders:0', 100],
    ['orders:1', 100],
  ]);
  committed = new Map<string, Map<string, number>>([
    [
      'billing',
      new Map([
        ['orders:0', 40],
        ['orders:1', 100],
      ]),
    ],
  ]);
  groups: GroupDescription[] = [
    {
      groupId: 'billing',
      state: 'Stable',
      protocolType: 'consumer',
      members: [{ memberId: 'm1', clientId: 'billing-1', host: '10.0.0.7', assignment: { orders: [0, 1] } }],
    },
  ];
  records = new Map<string, number>();
  fail: Error | null = null;
  hang = false;
  resets = 0;
  peeks = 0;

  private async gate(): Promise<void> {
    if (this.hang) await new Promise(() => {});
    if (this.fail) throw this.fail;
  }
  /** What each call asked for, to check that a selective collector asks for nothing else. */
  calls: { describe: (string[] | 'all')[]; topicOffsets: string[][]; committed: [string, string[] | 'all'][] } = {
    describe: [],
    topicOffsets: [],
    committed: [],
  };
  async describeCluster(scope?: readonly string[]) {
    await this.gate();
    this.calls.describe.push(scope ? [...scope] : 'all');
    const topics = new Map<string, number>();
    for (const k of this.logEnd.keys()) topics.set(k.split(':')[0]!, (topics.get(k.split(':')[0]!) ?? 0) + 1);
    return {
      clusterId: 'c1',
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
      controller: 1,
      topics: [...topics].filter(([name]) => !scope || scope.includes(name)).map(([name, partitions]) => ({ name, partitions })),
    };
  }
  async listGroups() {
    await this.gate();
    return this.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
  }
  async describeGroups(ids: string[]) {
    return this.groups.filter((g) => ids.includes(g.groupId));
  }
  offsetReads = 0;
  async committedOffsets(groupId: string, scope?: readonly { topic: string; partitions: number }[]) {
    this.offsetReads++;
    this.calls.committed.push([groupId, scope ? scope.map((t) => t.topic) : 'all']);
    return [...(this.committed.get(groupId) ?? new Map<string, number>())]
      .map(([k, offset]) => {
        const [topic, p] = k.split(':');
        return { topic: topic!, partition: Number(p), offset };
      })
      .filter((o) => !scope || scope.some((t) => t.topic === o.topic && o.partition < t.partitions));
  }
  async topicOffsets(topics: string[]) {
    this.calls.topicOffsets.push([...topics]);
    const out = new Map<string, { partition: number; high: number; low: number }[] | Error>();
    for (const topic of topics) {
      const partitions = [...this.logEnd]
        .filter(([k]) => k.startsWith(`${topic}:`))
        .map(([k, high]) => ({ partition: Number(k.split(':')[1]), high, low: 0 }));
      out.set(topic, partitions.length ? partitions : new Error('This server does not host this topic-partition'));
    }
    return out;
  }
  async peek(requests: readonly { topic: string; partition: number; offset: number }[]) {
    this.peeks++;
    const out = new Map<string, Peeked>();
    for (const r of requests) {
      const ts = this.records.get(`${r.topic}:${r.partition}:${r.offset}`);
      if (ts !== undefined)
        out.set(peekKey(r.topic, r.partition, r.offset), {
          records: [{ offset: r.offset, timestamp: ts, bytes: 100 }],
          onlyMarkers: false,
        });
    }
    return out;
  }
  async reset() {
    this.resets++;
  }
  async close() {}
}

function setup(options: ConstructorParameters<typeof Collector>[1] = {}) {
  const cluster = new FakeCluster();
  let t = 1_000_000;
  const clock = {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
  const collector = new Collector({ kafka: cluster }, { now: clock.now, timeoutMs: 200, ...options });
  return { cluster, clock, collector };
}

describe('Collector', () => {
  it('turns one sample into groups, partitions and topics with lag and member assignment', async () => {
    const { cluster, collector } = setup();
    cluster.records.set('orders:0:40', 1_000_000 - 8000);
    const s = await collector.sample();
    expect(s.seq).toBe(1);
    expect(s.sources.kafka).toMatchObject({ ok: true, error: null, failures: 0 });
    expect(s.sources.flink.enabled).toBe(false);
    expect(s.cluster).toMatchObject({ brokersUp: 1, brokersKnown: 1, controller: 1 });
    const g = s.groups[0]!;
    expect(g).toMatchObject({ groupId: 'billing', state: 'Stable', members: 1, topics: ['orders'], lag: 60, verdict: 'OK' });
    expect(g.partitions.map((p) => [p.partition, p.committed, p.logEnd, p.lag, p.member?.clientId])).toEqual([
      [0, 40, 100, 60, 'billing-1'],
      [1, 100, 100, 0, 'billing-1'],
    ]);
    // The record at the committed offset dates the lag exactly.
    expect(g.partitions[0]).toMatchObject({ timeLagMs: 8000, timeLagMethod: 'record' });
    expect(g.timeLagMs).toBe(8000);
    expect(s.topics).toEqual([expect.objectContaining({ topic: 'orders', partitions: 2, messages: 200, produceRate: null })]);
    expect(s.totals.produceRate).toBeNull();
  });

  it('computes produce and consume rates from offset deltas between samples', async () => {
    const { cluster, clock, collector } = setup();
    await collector.sample();
    clock.advance(1000);
    cluster.logEnd.set('orders:0', 300);
    cluster.committed.get('billing')!.set('orders:0', 140);
    const s = await collector.sample();
    expect(s.topics[0]!.produceRate).toBeCloseTo(200, 0);
    expect(s.groups[0]!.consumeRate).toBeCloseTo(100, 0);
    expect(s.groups[0]!.lag).toBe(160);
    expect(s.groups[0]!.lagHistory).toEqual([60, 160]);
    expect(s.totals).toEqual({ produceRate: expect.closeTo(200, 0), consumeRate: expect.closeTo(100, 0) });
  });

  it('dates committed offsets from its log-end history when no record is read', async () => {
    const { cluster, clock, collector } = setup();
    Object.defineProperty(cluster, 'peek', { value: undefined });
    cluster.committed.get('billing')!.set('orders:0', 100);
    await collector.sample(); // t0: log end 100
    clock.advance(10_000);
    cluster.logEnd.set('orders:0', 200);
    await collector.sample(); // t0+10s: log end 200
    clock.advance(10_000);
    const s = await collector.sample(); // t0+20s: committed 100 was appended in (t0, t0+10s]
    const p = s.groups[0]!.partitions[0]!;
    expect(p.lag).toBe(100);
    expect(p.timeLagMethod).toBe('history');
    expect(p.timeLagMs).toBe(19_900);
  });

  it('falls back to a lower bound for offsets older than its history', async () => {
    const { cluster, collector } = setup();
    Object.defineProperty(cluster, 'peek', { value: undefined });
    const s = await collector.sample();
    expect(s.groups[0]!.partitions[0]).toMatchObject({ timeLagMethod: 'bound', timeLagMs: expect.any(Number) });
    expect(s.groups[0]!.timeLagAtLeast).toBe(true);
  });

  it('reads each committed record once and reuses its date', async () => {
    const { cluster, clock, collector } = setup();
    cluster.records.set('orders:0:40', 1_000_000 - 8000);
    await collector.sample();
    clock.advance(1000);
    const s = await collector.sample();
    expect(s.groups[0]!.partitions[0]).toMatchObject({ timeLagMs: 9000, timeLagMethod: 'record' });
    expect(cluster.peeks).toBe(1);
  });

  it('marks Kafka stale with the error, keeps the last data, resets the connection and recovers', async () => {
    const { cluster, clock, collector } = setup();
    const first = await collector.sample();
    clock.advance(1000);
    cluster.fail = new Error('connect ECONNREFUSED 127.0.0.1:9092');
    const stale = await collector.sample();
    expect(stale.sources.kafka).toMatchObject({ ok: false, failures: 1, lastSuccessAt: first.sources.kafka.lastSuccessAt });
    expect(stale.sources.kafka.error).toMatch(/ECONNREFUSED|connection refused/);
    expect(stale.groups).toEqual(first.groups);
    expect(cluster.resets).toBe(1);
    clock.advance(1000);
    const again = await collector.sample();
    expect(again.sources.kafka.failures).toBe(2);
    cluster.fail = null;
    clock.advance(1000);
    const back = await collector.sample();
    expect(back.sources.kafka).toMatchObject({ ok: true, failures: 0, error: null });
  });

  it('never waits longer than its timeout for a source that hangs', async () => {
    const { cluster, collector } = setup({ timeoutMs: 50 });
    cluster.hang = true;
    const started = Date.now();
    const s = await collector.sample();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.sources.kafka.ok).toBe(false);
    expect(s.sources.kafka.error).toMatch(/timed out/);
    expect(s.cluster).toBeNull();
  });

  it('keeps Kafka data when Flink or the registry fail, and says which failed', async () => {
    const cluster = new FakeCluster();
    const collector = new Collector(
      {
        kafka: cluster,
        flink: {
          jobs: async () => {
            throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
          },
        },
        registry: async () => '3 subjects',
      },
      { timeoutMs: 200 },
    );
    const s = await collector.sample();
    expect(s.sources.kafka.ok).toBe(true);
    expect(s.sources.registry).toMatchObject({ ok: true, detail: '3 subjects' });
    expect(s.sources.flink).toMatchObject({ enabled: true, ok: false, error: 'connection refused', lastSuccessAt: null });
    expect(s.groups).toHaveLength(1);
  });

  it('judges a group STALLED once its offsets stood still for the stall window with messages waiting', async () => {
    const { clock, collector } = setup({ verdict: { stallMs: 30_000 } });
    expect((await collector.sample()).groups[0]!.verdict).toBe('OK');
    clock.advance(31_000);
    expect((await collector.sample()).groups[0]!.verdict).toBe('STALLED');
  });

  it('judges a group without members EMPTY, and one that commits without members by its lag', async () => {
    const { cluster, clock, collector } = setup();
    cluster.groups[0]!.members = [];
    cluster.groups[0]!.state = 'Empty';
    const s = await collector.sample();
    expect(s.groups[0]).toMatchObject({ verdict: 'EMPTY', members: 0 });
    expect(s.groups[0]!.partitions[0]!.member).toBeNull();
    clock.advance(1000);
    cluster.committed.get('billing')!.set('orders:0', 50);
    expect((await collector.sample()).groups[0]!.verdict).toBe('OK');
  });

  it('re-reads the offsets of an idle group only every 10 s, and every sample again once it moves', async () => {
    const { cluster, clock, collector } = setup();
    cluster.groups[0]!.members = [];
    cluster.groups[0]!.state = 'Empty';
    for (let i = 0; i < 32; i++) {
      await collector.sample();
      clock.advance(1000);
    }
    const before = cluster.offsetReads;
    for (let i = 0; i < 20; i++) {
      await collector.sample();
      clock.advance(1000);
    }
    expect(cluster.offsetReads - before).toBe(2);
    // A member joins: from the next sample on, read every time.
    cluster.groups[0]!.state = 'Stable';
    await collector.sample();
    clock.advance(1000);
    const joined = cluster.offsetReads;
    for (let i = 0; i < 3; i++) {
      await collector.sample();
      clock.advance(1000);
    }
    expect(cluster.offsetReads - joined).toBe(3);
  });

  it('filters groups and topics, and forgets what disappears', async () => {
    const { cluster, clock, collector } = setup({ groups: ['billing'], topics: ['orders'] });
    cluster.groups.push({ groupId: 'other', state: 'Empty', protocolType: 'consumer', members: [] });
    cluster.logEnd.set('payments:0', 5);
    const s = await collector.sample();
    expect(s.groups.map((g) => g.groupId)).toEqual(['billing']);
    expect(s.topics.map((t) => t.topic)).toEqual(['orders']);
    cluster.groups = [];
    clock.advance(1000);
    expect((await collector.sample()).groups).toEqual([]);
  });

  it('with a topic selection, reads only those topics and shows only the groups that read them (top/lag --topic)', async () => {
    const { cluster, collector } = setup({ topics: ['orders'], allTopics: false });
    cluster.logEnd.set('payments:0', 5);
    cluster.committed.set('ledger', new Map([['payments:0', 2]]));
    cluster.committed.get('billing')!.set('payments:0', 1);
    cluster.groups.push({ groupId: 'ledger', state: 'Empty', protocolType: 'consumer', members: [] });
    const s = await collector.sample();
    expect(s.groups.map((g) => [g.groupId, g.topics])).toEqual([['billing', ['orders']]]);
    expect(s.topics.map((t) => t.topic)).toEqual(['orders']);
    // Nothing about payments was asked for: metadata, log ends and commits are those of orders only.
    expect(cluster.calls.describe).toEqual([['orders']]);
    expect(cluster.calls.topicOffsets).toEqual([['orders']]);
    expect(cluster.calls.committed).toEqual([
      ['billing', ['orders']],
      ['ledger', ['orders']],
    ]);
  });

  it('with a group selection, reads those groups and the topics they read, and lists no other topic', async () => {
    const { cluster, clock, collector } = setup({ groups: ['billing'], allTopics: false });
    cluster.logEnd.set('payments:0', 5);
    cluster.committed.set('ledger', new Map([['payments:0', 2]]));
    cluster.groups.push({ groupId: 'ledger', state: 'Empty', protocolType: 'consumer', members: [] });
    const s = await collector.sample();
    expect(s.groups.map((g) => g.groupId)).toEqual(['billing']);
    expect(s.topics.map((t) => t.topic)).toEqual(['orders']);
    expect(cluster.calls.committed).toEqual([['billing', 'all']]);
    expect(cluster.calls.topicOffsets).toEqual([['orders']]);
    // Brokers and controller come with any metadata: once a topic is known, only it is asked for.
    clock.advance(6000);
    await collector.sample();
    expect(cluster.calls.describe).toEqual(['all', ['orders']]);
  });

  it('keeps a group asked for by name that reads none of the selected topics, and reads named groups whole', async () => {
    const { cluster, collector } = setup({ groups: ['billing', 'ledger'], topics: ['payments'], allTopics: false });
    cluster.logEnd.set('payments:0', 5);
    cluster.committed.set('ledger', new Map([['payments:0', 2]]));
    cluster.groups.push({ groupId: 'ledger', state: 'Empty', protocolType: 'consumer', members: [] });
    const s = await collector.sample();
    expect(s.groups.map((g) => [g.groupId, g.partitions.length, g.lag])).toEqual([
      ['billing', 0, 0],
      ['ledger', 1, 3],
    ]);
    expect(s.topics.map((t) => t.topic)).toEqual(['payments']);
    // A named group's own commits are what Kafka answers cheapest: all of them, not every selected partition.
    expect(cluster.calls.committed).toEqual([
      ['billing', 'all'],
      ['ledger', 'all'],
    ]);
    expect(cluster.calls.topicOffsets).toEqual([['payments']]);
  });

  it('reports a selected topic that does not exist without asking Kafka for its offsets', async () => {
    const { cluster, clock, collector } = setup({ topics: ['orders', 'nope'], allTopics: false });
    const s = await collector.sample();
    expect(s.sources.kafka.ok).toBe(true);
    expect(s.topics.find((t) => t.topic === 'nope')).toMatchObject({ partitions: 0, error: expect.stringMatching(/does not host/) });
    expect(s.groups[0]!.lag).toBe(60);
    expect(cluster.calls.topicOffsets).toEqual([['orders']]);
    expect(cluster.calls.committed).toEqual([['billing', ['orders']]]);
    // Created later: looked for every sample while missing, so it shows at the next one.
    cluster.logEnd.set('nope:0', 3);
    clock.advance(1000);
    const later = await collector.sample();
    expect(later.topics.find((t) => t.topic === 'nope')).toMatchObject({ partitions: 1, messages: 3, error: null });
    expect(cluster.calls.describe).toEqual([
      ['orders', 'nope'],
      ['orders', 'nope'],
    ]);
    // Then the description is cached again (re-read every 5 s).
    clock.advance(1000);
    await collector.sample();
    expect(cluster.calls.describe).toHaveLength(2);
  });

  it('shows Flink jobs from the REST listing of `flink jobs`: state, rates, backpressure, checkpoint age', async () => {
    const flink = new FakeFlink('/nonexistent');
    flink.clock = 5_000_000;
    const job = flink.addJob('enricher', { start: flink.clock - 60_000 });
    job.metrics[job.vertices[0]!.id] = [
      { id: 'Source__gen[1].numRecordsOutPerSecond', sum: 200, max: 100 },
      { id: 'backPressuredTimeMsPerSecond', sum: 300, max: 250 },
    ];
    job.metrics[job.vertices[1]!.id] = [{ id: 'out[4]__Writer.numRecordsInPerSecond', sum: 190, max: 95 }];
    flink.addJob('nightly', { state: 'FINISHED', start: flink.clock - 90_000, end: flink.clock - 80_000 });
    const reads: string[] = [];
    const rest = Object.assign(Object.create(flink) as FakeFlink, {
      job: (jid: string) => {
        reads.push(jid);
        return flink.job(jid);
      },
    });
    const collector = new Collector({ kafka: new FakeCluster(), flink: flinkReader(rest) }, { now: () => flink.clock, timeoutMs: 200 });
    const s = await collector.sample();
    expect(s.sources.flink).toMatchObject({ ok: true, detail: '1 running' });
    expect(s.flink).toEqual([
      {
        id: job.jid,
        name: 'enricher',
        state: 'RUNNING',
        startTime: flink.clock - 60_000,
        durationMs: 60_000,
        recordsInPerSec: 200,
        recordsOutPerSec: 190,
        backpressure: { ratio: 0.25, level: 'low' },
        lastCheckpointAgeMs: 2000,
        checkpointsFailed: 0,
      },
      expect.objectContaining({ name: 'nightly', state: 'FINISHED', durationMs: 10_000, recordsInPerSec: null, lastCheckpointAgeMs: null }),
    ]);
    await collector.sample();
    // The job's plan is read once; ended jobs never.
    expect(reads).toEqual([job.jid]);
  });

  it('says why Flink failed in a few words: refused, timed out, or the HTTP status and reason', async () => {
    const failing = (error: unknown) =>
      new Collector({ kafka: new FakeCluster(), flink: { jobs: async () => Promise.reject(error) } }, { timeoutMs: 200 })
        .sample()
        .then((s) => s.sources.flink.error);
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(await failing(new ConnectionError('unable to list Flink jobs: Flink JobManager at x unreachable', { cause: refused }))).toBe(
      'connection refused',
    );
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(await failing(new ConnectionError('unable to list Flink jobs: no answer within 3s', { cause: timeout }))).toBe('timed out');
    expect(await failing(new FlinkRestError('unable to list Flink jobs: Service Unavailable (HTTP 503)', 503, 'Service Unavailable'))).toBe(
      'HTTP 503: Service Unavailable',
    );
  });

  it('publishes each snapshot to subscribers, and a failing subscriber does not stop the others', async () => {
    const { collector } = setup();
    const seen: number[] = [];
    collector.subscribe(() => {
      throw new Error('bug in a reader');
    });
    const off = collector.subscribe((s) => seen.push(s.seq));
    await collector.sample();
    off();
    await collector.sample();
    expect(seen).toEqual([1]);
    expect(collector.latest()?.seq).toBe(2);
  });

  it('samples on its own every interval once started, until stopped', async () => {
    const cluster = new FakeCluster();
    const collector = new Collector({ kafka: cluster }, { intervalMs: 20 });
    const seen: number[] = [];
    collector.subscribe((s) => seen.push(s.seq));
    collector.start();
    await new Promise((r) => setTimeout(r, 150));
    await collector.stop();
    const count = seen.length;
    expect(count).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(seen.length).toBe(count);
  });

  it('words HTTP failures in one short line', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8082'), { code: 'ECONNREFUSED' });
    expect(describeHttpError(Object.assign(new TypeError('fetch failed'), { cause: refused }))).toBe('connection refused');
    expect(describeHttpError(refused)).toBe('connection refused');
    expect(describeHttpError(Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') }))).toBe(
      'fetch failed: bad port',
    );
    expect(describeHttpError(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe(
      'timed out',
    );
    expect(describeHttpError(new Error('HTTP 503 from /jobs/overview'))).toBe('HTTP 503 from /jobs/overview');
  });
});
