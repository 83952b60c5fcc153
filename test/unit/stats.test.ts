import { describe, expect, it } from 'vitest';
import { Pacer, type Clock } from '../../src/produce/pacer.js';
import { constantShape, parseShape, type LoadShape } from '../../src/produce/rate.js';
import { RunStats } from '../../src/produce/stats.js';

function fakeClock(startMs = 50_000): Clock & { advance(ms: number): void } {
  let t = startMs;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * A producer loop on a fake clock: each batch is acked `ackMs` after it is sent and takes
 * the caller `costMs(n)` to send.
 */
async function produce(
  shape: LoadShape,
  run: { events?: number; durationMs?: number },
  costMs: (n: number) => number = () => 0,
  ackMs = 2,
): Promise<{ stats: RunStats; pacer: Pacer }> {
  const clock = fakeClock();
  const pacer = new Pacer({ shape, ...run, clock });
  const stats = new RunStats({ startMs: pacer.start(), shape, events: run.events });
  for await (const n of pacer) {
    const sentAt = clock.now();
    stats.recordSent(n, n * 200, sentAt);
    stats.recordAcked(n, ackMs, sentAt + ackMs);
    clock.advance(costMs(n));
  }
  return { stats, pacer };
}

describe('RunStats', () => {
  it('counts per 1 s window aligned to the start', () => {
    const stats = new RunStats({ startMs: 10_000 });
    stats.recordSent(5, 500, 10_000);
    stats.recordSent(1, 100, 10_999.9);
    stats.recordSent(2, 200, 11_000);
    stats.recordAcked(5, 3, 11_003);
    stats.recordFailed(1, 13_500);
    expect(stats.windows()).toEqual([
      { index: 0, startMs: 0, sent: 6, acked: 0, failed: 0, bytes: 600 },
      { index: 1, startMs: 1000, sent: 2, acked: 5, failed: 0, bytes: 200 },
      { index: 2, startMs: 2000, sent: 0, acked: 0, failed: 0, bytes: 0 },
      { index: 3, startMs: 3000, sent: 0, acked: 0, failed: 1, bytes: 0 },
    ]);
  });

  it.each([1000, 10_000])('summarises an exact 30 s run at %d/s', async (rate) => {
    const { stats, pacer } = await produce(constantShape(rate), { durationMs: 30_000 });
    const s = stats.summary(pacer.status());
    expect(s).toMatchObject({
      shape: `${rate}/s`,
      elapsedMs: 30_000,
      sent: rate * 30,
      acked: rate * 30,
      failed: 0,
      bytes: rate * 30 * 200,
      targetRate: rate,
      achievedRate: rate,
      expectedEvents: rate * 30,
      totalDeviationPct: 0,
      windows: {
        count: 30,
        minEvents: rate,
        maxEvents: rate,
        meanEvents: rate,
        minDeviationPct: 0,
        maxDeviationPct: 0,
        withinTolerance: 30,
      },
      targetReached: true,
      forgivenEvents: 0,
      behind: { events: 0, ms: 0 },
    });
    expect(s.latencyMs).toMatchObject({ count: rate * 30, p50: 2, p99: 2, max: 2 });
  });

  it('says the target was not reached when the producer cannot keep up', async () => {
    const { stats, pacer } = await produce(constantShape(10_000), { durationMs: 30_000 }, (n) => n / 5);
    const s = stats.summary(pacer.status());
    expect(s.targetReached).toBe(false);
    expect(s.achievedRate).toBeGreaterThan(4900);
    expect(s.achievedRate).toBeLessThan(5100);
    expect(s.targetRate).toBe(10_000);
    expect(s.totalDeviationPct).toBeCloseTo(-50, 0);
    expect(s.windows.minDeviationPct).toBeLessThan(-40);
    expect(s.windows.withinTolerance).toBe(0);
    expect(s.forgivenEvents).toBeGreaterThan(0);
    expect(s.behind!.events).toBeGreaterThan(140_000);
    expect(s.behind!.ms).toBeGreaterThan(14_000);
  });

  it('measures each window of a ramp against its own target', async () => {
    const shape = parseShape('ramp:1k..10k/s', { durationMs: 10_000 });
    const { stats, pacer } = await produce(shape, { durationMs: 10_000 });
    const report = stats.windowReport(pacer.status().elapsedMs);
    expect(report.map((w) => w.expected)).toEqual(report.map((w) => w.sent));
    expect(report[0]!.expected).toBe(1450);
    expect(report[9]!.expected).toBe(9550);
    const s = stats.summary(pacer.status());
    expect(s.targetRate).toBe(5500);
    expect(s.windows).toMatchObject({ count: 10, minEvents: 1450, maxEvents: 9550, minDeviationPct: 0, maxDeviationPct: 0 });
    expect(s.targetReached).toBe(true);
  });

  it('ends an --events run when its last slot ends, so every window counts', async () => {
    const { stats, pacer } = await produce(constantShape(100), { events: 1000 });
    const s = stats.summary(pacer.status());
    expect(s.elapsedMs).toBeCloseTo(10_000, 3);
    expect(s.achievedRate).toBe(100);
    expect(s.windows).toMatchObject({ count: 10, minEvents: 100, maxEvents: 100 });
  });

  it('leaves a trailing partial window out of the window statistics', async () => {
    const { stats, pacer } = await produce(constantShape(1000), { durationMs: 2500 });
    const s = stats.summary(pacer.status());
    expect(s.sent).toBe(2500);
    expect(s.windows.count).toBe(2);
    expect(stats.windowReport(2500)[2]).toMatchObject({ complete: false, sent: 500, expected: 500, deviationPct: 0 });
  });

  it('has no target at max', async () => {
    const { stats, pacer } = await produce(parseShape('max'), { events: 5000 }, (n) => n / 10);
    const s = stats.summary(pacer.status());
    expect(s).toMatchObject({
      shape: 'max',
      sent: 5000,
      targetRate: null,
      expectedEvents: null,
      totalDeviationPct: null,
      targetReached: null,
    });
    expect(s.windows).toMatchObject({ count: 0, minDeviationPct: null, withinTolerance: null });
    expect(s.achievedRate).toBe(10_000);
  });

  it('is plain JSON data', async () => {
    const { stats, pacer } = await produce(parseShape('max'), { durationMs: 1500 }, (n) => n / 10);
    const s = stats.summary(pacer.status());
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    const empty = new RunStats({ startMs: 0, shape: constantShape(10) }).summary({ elapsedMs: 0 });
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    expect(empty).toMatchObject({ sent: 0, achievedRate: 0, latencyMs: null, behind: null, expectedEvents: 0, totalDeviationPct: null });
  });

  it('gives ack latency percentiles in ms with microsecond resolution', () => {
    const stats = new RunStats({ startMs: 0 });
    for (let ms = 1; ms <= 100; ms++) stats.recordAcked(1, ms, ms);
    stats.recordAcked(100, 0.25, 200);
    const l = stats.latency()!;
    expect(l.count).toBe(200);
    expect(l.min).toBe(0.25);
    expect(l.p50).toBe(0.25);
    expect(l.p95).toBeCloseTo(90, 0);
    expect(l.p99).toBeCloseTo(98, 0);
    expect(l.max).toBeCloseTo(100, 1);
    expect(l.mean).toBeCloseTo((5050 + 25) / 200, 1);
  });

  it('gives the live view totals and the rate of the last complete window', () => {
    const stats = new RunStats({ startMs: 0 });
    stats.recordSent(900, 9000, 500);
    stats.recordAcked(800, 4, 900);
    expect(stats.live(999)).toMatchObject({ sentRate: 0, sent: 900, inFlight: 100 });
    expect(stats.live(999).latencyP99).toBeCloseTo(4, 2);
    stats.recordSent(1000, 10_000, 1500);
    stats.recordFailed(50, 1600);
    expect(stats.live(1999)).toMatchObject({
      elapsedMs: 1999,
      sent: 1900,
      acked: 800,
      failed: 50,
      inFlight: 1050,
      sentRate: 900,
      ackedRate: 800,
    });
    expect(stats.live(2500)).toMatchObject({ sentRate: 1000, ackedRate: 0 });
    expect(new RunStats({ startMs: 0 }).live(10).latencyP99).toBeNull();
  });
});
