import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveLine, summaryView } from '../../src/commands/produce/view.js';
import { main } from '../../src/main.js';
import { makeStyle } from '../../src/output/style.js';
import { planStreams } from '../../src/produce/plan.js';
import type { ProduceResult } from '../../src/produce/run.js';
import { captureIo } from '../helpers/io.js';

const plain = makeStyle(false);

function result(overrides: Partial<ProduceResult['summary']> = {}): ProduceResult {
  return {
    topics: [
      { topic: 'transactions', subject: 'transactions-value', schemaId: 3, partitions: 3, created: true, events: 804 },
      { topic: 'user-events', subject: 'user-events-value', schemaId: 4, partitions: 3, created: false, events: 196 },
    ],
    seed: 7,
    format: 'avro',
    acks: -1,
    compression: 'none',
    client: 'platformatic',
    transactional: null,
    endReason: 'events',
    summary: {
      shape: '100/s',
      elapsedMs: 10_000,
      sent: 1000,
      acked: 1000,
      failed: 0,
      bytes: 120_000,
      targetRate: 100,
      achievedRate: 100,
      ackedRate: 100,
      expectedEvents: 1000,
      totalDeviationPct: 0,
      windows: { count: 10, minEvents: 100, maxEvents: 100, meanEvents: 100, minDeviationPct: 0, maxDeviationPct: 0, withinTolerance: 10 },
      tolerancePct: 1,
      targetReached: true,
      forgivenEvents: 0,
      behind: null,
      latencyMs: { count: 1000, min: 0.3, mean: 1, p50: 0.6, p95: 2, p99: 4.5, p999: 20, max: 42.9 },
      ...overrides,
    },
  };
}

describe('produce printers', () => {
  it('summarises a run: topics, pacing, delivery', () => {
    const text = summaryView(result(), plain);
    expect(text).toContain('TOPIC');
    expect(text).toMatch(/transactions \(created\)\s+transactions-value\s+3\s+3\s+804/);
    expect(text).toContain('sent 1,000 events in 10.0s: target 100/s, achieved 100.0/s');
    expect(text).toContain('10/10 within ±1% of target');
    expect(text).toContain('acked 1,000 (ack latency p50 0.6 ms, p95 2 ms, p99 4.5 ms, max 42.9 ms), failed 0; 117.2 KiB (11.7 KiB/s)');
    expect(text).toContain('idempotent, acks=all');
    expect(text).not.toContain('target not reached');
  });

  it('says so when the target was not reached', () => {
    const text = summaryView(result({ targetReached: false, forgivenEvents: 2500, targetRate: 10000 }), plain);
    expect(text).toContain('target not reached');
  });

  it('renders the live line, flagging a producer behind its target', () => {
    const live = {
      elapsedMs: 3200,
      sent: 3000,
      acked: 2950,
      failed: 0,
      inFlight: 50,
      bytes: 1,
      sentRate: 1000,
      ackedRate: 1000,
      latencyP99: 2.25,
    };
    const pacer = {
      elapsedMs: 3200,
      done: false,
      endReason: undefined,
      released: 3000,
      targetEvents: 3200,
      targetRate: 1000,
      behind: { events: 0, ms: 0 },
      backlogEvents: 0,
      forgivenEvents: 0,
    };
    expect(liveLine({ stats: live, pacer, limits: { events: 10_000, durationMs: null } }, plain)).toBe(
      '   3.2s  sent 3,000 (1,000/s target 1,000/s)  acked 2,950  in flight 50  p99 2.3 ms  ETA 7s',
    );
    expect(
      liveLine({ stats: live, pacer: { ...pacer, behind: { events: 200, ms: 200 } }, limits: { events: null, durationMs: null } }, plain),
    ).toContain('behind by 200 events: target not reached');
  });
});

describe('produce stream planning', () => {
  it('defaults to the platform mix: transactions keyed by account, user events keyed by user', async () => {
    const streams = await planStreams({ cwd: mkdtempSync(join(tmpdir(), 'plan-')) }, undefined);
    expect(streams.map((s) => [s.topic, s.subject, s.key, s.weight])).toEqual([
      ['transactions', 'transactions-value', 'account_id', 4],
      ['user-events', 'user-events-value', 'user_id', 1],
    ]);
    expect(JSON.parse(streams[0]!.schemaText).name).toBe('TransactionEvent');
  });

  it('prefers the project schemas/ over the bundled ones, and names subjects by record on request', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'plan-'));
    mkdirSync(join(cwd, 'schemas'));
    writeFileSync(
      join(cwd, 'schemas', 'transaction_event.avsc'),
      JSON.stringify({ type: 'record', name: 'Mine', namespace: 'x.y', fields: [{ name: 'account_id', type: 'string' }] }),
    );
    const [tx] = await planStreams({ cwd, topic: 'transactions', subjectStrategy: 'record' }, undefined);
    expect(tx).toMatchObject({ topic: 'transactions', subject: 'x.y.Mine', key: 'account_id' });
  });

  it('takes a schema file with its topic from the file name', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'plan-'));
    writeFileSync(
      join(cwd, 'order_line.avsc'),
      JSON.stringify({ type: 'record', name: 'OrderLine', fields: [{ name: 'id', type: 'string' }] }),
    );
    const [s] = await planStreams({ cwd, schema: 'order_line.avsc', key: 'id' }, undefined);
    expect(s).toMatchObject({ topic: 'order-line', subject: 'order-line-value', key: 'id' });
  });

  it('refuses a missing file and an unknown topic without a registry', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'plan-'));
    await expect(planStreams({ cwd, schema: 'nope.avsc' }, undefined)).rejects.toThrow(/unable to read schema/);
    await expect(planStreams({ cwd, topic: 'orders' }, undefined)).rejects.toThrow(/no schema for topic orders/);
  });
});

describe('produce flags', () => {
  it('rejects bad values with exit 2 before touching Kafka', async () => {
    for (const args of [
      ['--events', '0'],
      ['--rate', 'fast'],
      ['--rate', '10/s', '--shape', 'ramp:1..2/s:1s'],
      ['--acks', '2'],
      ['--compression', 'brotli'],
      ['--duration', 'soon'],
    ]) {
      const io = captureIo({ STREAMCTL_BROKERS: '127.0.0.1:1', STREAMCTL_REGISTRY_URL: 'http://127.0.0.1:1' });
      expect(await main(['node', 'streamctl', 'produce', ...args], io), args.join(' ')).toBe(2);
      expect(io.err()).toMatch(/error/);
    }
  });

  it('documents rates, shapes and defaults in --help', async () => {
    const io = captureIo();
    expect(await main(['node', 'streamctl', 'produce', '--help'], io)).toBe(0);
    expect(io.out()).toContain('streamctl produce --events 1000 --rate 100/sec');
    expect(io.out()).toContain('burst:<base>,<peak>:<every>/<for>');
  });
});

describe('produce --dry-run', () => {
  it('prints events as JSON lines without connecting anywhere, reproducibly with --seed', async () => {
    const env = { STREAMCTL_BROKERS: '127.0.0.1:1', STREAMCTL_REGISTRY_URL: 'http://127.0.0.1:1' };
    const a = captureIo(env);
    expect(await main(['node', 'streamctl', 'produce', '--dry-run', '--events', '5', '--seed', '3'], a)).toBe(0);
    const lines = a
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(['transactions', 'user-events']).toContain(l.topic);
    const tx = lines.find((l) => l.topic === 'transactions');
    if (tx) expect(tx.key).toBe(tx.value.account_id);
    const b = captureIo(env);
    await main(['node', 'streamctl', 'produce', '--dry-run', '--events', '5', '--seed', '3'], b);
    expect(b.out()).toBe(a.out());
  });
});
