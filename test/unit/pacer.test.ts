import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { Pacer, createRealClock, type Clock, type PacerOptions } from '../../src/produce/pacer.js';
import { constantShape, parseShape, scheduledCount, type LoadShape } from '../../src/produce/rate.js';

/** A clock that only moves when someone sleeps or the test advances it. */
function fakeClock(startMs = 1_000_000): Clock & { advance(ms: number): void } {
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

interface Drive {
  pacer: Pacer;
  /** Events released per 1 s window aligned to the start. */
  windows: number[];
  batches: number[];
  total: number;
  /** Largest backlog the pacer owed at any release. */
  maxBacklog: number;
  /** Largest `behind.events` seen between releases. */
  maxBehind: number;
}

/**
 * Runs a pacer to its end on a fake clock. `costMs(n, tMs)` is how long the caller takes to
 * send a batch of n released at tMs after the start (0: it takes batches instantly).
 */
async function drive(options: Omit<PacerOptions, 'clock'>, costMs: (n: number, tMs: number) => number = () => 0): Promise<Drive> {
  const clock = fakeClock();
  const pacer = new Pacer({ ...options, clock });
  const start = pacer.start();
  const windows: number[] = [];
  const batches: number[] = [];
  let maxBacklog = 0;
  let maxBehind = 0;
  for await (const n of pacer) {
    const t = clock.now() - start;
    const w = Math.floor(t / 1000);
    while (windows.length <= w) windows.push(0);
    windows[w]! += n;
    batches.push(n);
    maxBacklog = Math.max(maxBacklog, pacer.status().backlogEvents + n);
    clock.advance(costMs(n, t));
    maxBehind = Math.max(maxBehind, pacer.status().behind.events);
  }
  return { pacer, windows, batches, total: batches.reduce((a, b) => a + b, 0), maxBacklog, maxBehind };
}

/** Events the shape schedules in each whole second of the first `seconds`. */
const scheduledPerSecond = (shape: LoadShape, seconds: number) =>
  Array.from({ length: seconds }, (_, i) => scheduledCount(shape, (i + 1) * 1000) - scheduledCount(shape, i * 1000));

describe('Pacer on a fake clock', () => {
  it.each([1000, 10_000])('holds every 1 s window of a 30 s run at %d/s within ±1 pct and the total within ±0.2 pct', async (rate) => {
    const { windows, total, batches, pacer, maxBehind } = await drive({ shape: constantShape(rate), durationMs: 30_000 });
    // Keeping up, it is never reported behind, not even between releases.
    expect(maxBehind).toBe(0);
    expect(windows).toHaveLength(30);
    for (const w of windows) expect(Math.abs(w - rate) / rate).toBeLessThanOrEqual(0.01);
    expect(Math.abs(total - rate * 30) / (rate * 30)).toBeLessThanOrEqual(0.002);
    // The schedule makes it exact, not just close.
    expect(windows).toEqual(Array<number>(30).fill(rate));
    expect(total).toBe(rate * 30);
    // A release per 5 ms tick, a larger one just before each window boundary.
    expect(Math.max(...batches)).toBeLessThanOrEqual(rate / 100);
    expect(batches.length).toBeGreaterThan(30 * 150);
    expect(pacer.status()).toMatchObject({
      done: true,
      endReason: 'duration',
      elapsedMs: 30_000,
      released: rate * 30,
      targetEvents: rate * 30,
      behind: { events: 0, ms: 0 },
      forgivenEvents: 0,
    });
  });

  it('paces a low rate event by event, on time', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer({ shape: constantShape(4), events: 6, clock });
    const times: number[] = [];
    for await (const n of pacer) {
      expect(n).toBe(1);
      times.push(clock.now());
    }
    expect(times.map((t) => Math.round(t))).toEqual([0, 250, 500, 750, 1000, 1250]);
    // The run lasts six 250 ms slots, though the last event goes at 1.25 s.
    expect(pacer.status()).toMatchObject({ done: true, endReason: 'events', released: 6 });
    expect(pacer.status().elapsedMs).toBeCloseTo(1500, 3);
  });

  it('stops at --events or --duration, whichever comes first', async () => {
    const byEvents = await drive({ shape: constantShape(1000), events: 2500, durationMs: 10_000 });
    expect(byEvents.total).toBe(2500);
    expect(byEvents.windows).toEqual([1000, 1000, 500]);
    expect(byEvents.pacer.status().endReason).toBe('events');
    expect(byEvents.pacer.status().elapsedMs).toBeCloseTo(2500, 3);

    const byDuration = await drive({ shape: constantShape(1000), events: 1_000_000, durationMs: 2500 });
    expect(byDuration.total).toBe(2500);
    expect(byDuration.pacer.status().endReason).toBe('duration');
  });

  it('never releases more than maxBatch at once', async () => {
    const { batches, total } = await drive({ shape: constantShape(100_000), durationMs: 2000, maxBatch: 100, tickMs: 20 });
    expect(total).toBe(200_000);
    expect(Math.max(...batches)).toBe(100);
  });

  it('gives batches of maxBatch at max, yielding between them', async () => {
    const clock = fakeClock();
    let sleeps = 0;
    const pacer = new Pacer({
      shape: parseShape('max'),
      events: 1050,
      maxBatch: 100,
      clock: { now: clock.now, sleep: (ms) => (sleeps++, clock.sleep(ms)) },
    });
    const batches: number[] = [];
    for await (const n of pacer) batches.push(n);
    expect(batches).toEqual([...Array<number>(10).fill(100), 50]);
    expect(sleeps).toBeGreaterThanOrEqual(11);
    expect(pacer.status()).toMatchObject({ done: true, released: 1050, targetRate: null, behind: { events: 0, ms: 0 } });
  });

  it('ends a max run at its duration', async () => {
    const { total, pacer } = await drive({ shape: parseShape('max'), durationMs: 1000, maxBatch: 1000 }, (n) => n / 50);
    // The caller's capacity of 50 000/s decides.
    expect(total).toBeGreaterThanOrEqual(49_000);
    expect(total).toBeLessThanOrEqual(51_000);
    expect(pacer.status().endReason).toBe('duration');
  });

  describe('with a caller that cannot keep up', () => {
    it('reports how far behind it is and forgives what is beyond 1 s of backlog', async () => {
      // Capacity 5000/s against a target of 10 000/s.
      const { windows, total, maxBacklog, batches, pacer } = await drive(
        { shape: constantShape(10_000), durationMs: 30_000 },
        (n) => n / 5,
      );
      for (const w of windows.slice(0, 30)) expect(w).toBeLessThanOrEqual(5000 + 500);
      expect(total).toBeGreaterThan(149_000);
      expect(total).toBeLessThan(151_000);
      expect(maxBacklog).toBeLessThanOrEqual(10_000);
      expect(Math.max(...batches)).toBe(500);
      const s = pacer.status();
      expect(s.targetEvents).toBe(300_000);
      expect(s.behind.events).toBe(300_000 - total);
      // Sending 150 000 of a 10k/s schedule by 30 s puts it 15 s behind.
      expect(s.behind.ms).toBeGreaterThan(14_500);
      expect(s.behind.ms).toBeLessThan(15_500);
      // All but the last second's backlog was forgiven.
      expect(s.forgivenEvents).toBeGreaterThan(138_000);
      expect(s.forgivenEvents + total).toBeLessThanOrEqual(300_000);
    });

    it('reports behind while it runs, not only at the end', async () => {
      const clock = fakeClock();
      const pacer = new Pacer({ shape: constantShape(10_000), durationMs: 30_000, clock });
      const seen: Array<{ events: number; ms: number }> = [];
      for await (const n of pacer) {
        clock.advance(n / 5);
        if (pacer.status().elapsedMs > 5000) {
          seen.push(pacer.status().behind);
          pacer.stop();
        }
      }
      expect(seen[0]!.events).toBeGreaterThan(20_000);
      expect(seen[0]!.ms).toBeGreaterThan(2000);
      expect(pacer.status()).toMatchObject({ done: true, endReason: 'stopped' });
    });

    it('after a 5 s stall catches up at most 1 s of backlog, then keeps the pace', async () => {
      const { windows, total, maxBacklog, pacer } = await drive({ shape: constantShape(10_000), durationMs: 20_000 }, (n, t) =>
        t >= 5000 && t < 5010 ? 5000 : 0,
      );
      expect(windows.slice(0, 5)).toEqual(Array<number>(5).fill(10_000));
      // The stall swallowed windows 5–9 (the batch sent as it began counts in window 5).
      expect(windows[5]).toBeLessThanOrEqual(100);
      expect(windows.slice(6, 10)).toEqual([0, 0, 0, 0]);
      // Window 10 gets its own 10 000 plus one second of backlog, not five.
      expect(windows[10]).toBeLessThanOrEqual(20_000);
      expect(windows[10]).toBeGreaterThanOrEqual(19_900);
      expect(windows.slice(11, 20)).toEqual(Array<number>(9).fill(10_000));
      expect(maxBacklog).toBeLessThanOrEqual(10_000);
      expect(pacer.status().forgivenEvents).toBe(200_000 - total);
      expect(pacer.status().forgivenEvents).toBeGreaterThan(39_000);
    });

    it('with --events, still sends them all', async () => {
      const { total, pacer } = await drive({ shape: constantShape(10_000), events: 50_000 }, (n) => n / 5);
      expect(total).toBe(50_000);
      expect(pacer.status().endReason).toBe('events');
      expect(pacer.status().forgivenEvents).toBeGreaterThan(0);
    });

    it('honours a custom backlog bound', async () => {
      const { windows, maxBacklog } = await drive({ shape: constantShape(10_000), durationMs: 10_000, maxBacklogMs: 200 }, (n, t) =>
        t >= 2000 && t < 2010 ? 3000 : 0,
      );
      expect(maxBacklog).toBeLessThanOrEqual(2000);
      expect(windows[5]).toBeLessThanOrEqual(12_000);
    });
  });

  describe('follows its shape window by window', () => {
    const cases: Array<[string, LoadShape, number]> = [
      ['ramp:100..10k/s (over a 30 s run)', parseShape('ramp:100..10k/s', { durationMs: 30_000 }), 30],
      ['step:1k,2k,5k/s:10s', parseShape('step:1k,2k,5k/s:10s'), 30],
      ['burst:100/s,5k/s:10s/2s', parseShape('burst:100/s,5k/s:10s/2s'), 30],
      ['sine:1k..5k/s:7s', parseShape('sine:1k..5k/s:7s'), 30],
      ['ramp:10k..0/s:10s', parseShape('ramp:10k..0/s:10s'), 30],
    ];
    it.each(cases)('%s', async (_name, shape, seconds) => {
      const { windows, total } = await drive({ shape, durationMs: seconds * 1000 });
      const expected = scheduledPerSecond(shape, seconds);
      expect(Array.from({ length: seconds }, (_, i) => windows[i] ?? 0)).toEqual(expected);
      expect(windows.length).toBeLessThanOrEqual(seconds);
      expect(total).toBe(scheduledCount(shape, seconds * 1000));
      // And the schedule is the integral, to within the one event it rounds.
      expected.forEach((n, i) => expect(Math.abs(n - shape.expectedCount(i * 1000, (i + 1) * 1000))).toBeLessThan(1));
    });

    it('step windows are exact', async () => {
      const { windows } = await drive({ shape: parseShape('step:1k,2k,5k/s:10s'), durationMs: 30_000 });
      expect(windows).toEqual([...Array<number>(10).fill(1000), ...Array<number>(10).fill(2000), ...Array<number>(10).fill(5000)]);
    });

    it('burst windows are exact', async () => {
      const { windows } = await drive({ shape: parseShape('burst:100/s,5k/s:10s/2s'), durationMs: 25_000 });
      expect(windows).toEqual(Array.from({ length: 25 }, (_, i) => (i >= 10 && i % 10 < 2 ? 5000 : 100)));
    });
  });

  it('ends when a shape without a duration sends no more', async () => {
    const { total, pacer } = await drive({ shape: parseShape('ramp:1k..0/s:2s') });
    expect(total).toBe(1000);
    expect(pacer.status().endReason).toBe('exhausted');
  });

  it('stop() ends a long sleep promptly', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer({ shape: parseShape('step:1/s,0/s:1s'), durationMs: 3_600_000, clock });
    expect(await pacer.next()).toBe(1);
    const pending = pacer.next();
    pacer.stop();
    expect(await pending).toBe(0);
    expect(clock.now()).toBeLessThanOrEqual(1100);
    expect(pacer.status().endReason).toBe('stopped');
  });

  it('refuses overlapping calls', async () => {
    const pacer = new Pacer({ shape: constantShape(1), clock: fakeClock() });
    await pacer.next();
    const a = pacer.next();
    await expect(pacer.next()).rejects.toThrow(/previous call is pending/);
    pacer.stop();
    await a;
  });

  it('refuses a bad event count or duration as usage errors', () => {
    const shape = constantShape(1);
    for (const events of [0, -1, 1.5]) {
      expect(() => new Pacer({ shape, events })).toThrow(UsageError);
    }
    expect(() => new Pacer({ shape, durationMs: 0 })).toThrow(UsageError);
    expect(() => new Pacer({ shape, maxBatch: 0 })).toThrow(RangeError);
  });
});

describe('Pacer on the real clock', () => {
  it('sends 2000/s for 1 s', async () => {
    const clock = createRealClock();
    const pacer = new Pacer({ shape: constantShape(2000), durationMs: 1000, clock });
    const start = pacer.start();
    let total = 0;
    for await (const n of pacer) total += n;
    const elapsed = clock.now() - start;
    // Exact by construction unless the machine stalls at the very end; the bounds are
    // loose because machines are shared.
    expect(total).toBeGreaterThanOrEqual(1500);
    expect(total).toBeLessThanOrEqual(2000);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(5000);
  });

  it('never wakes early', async () => {
    const clock = createRealClock();
    for (const ms of [0, 0.3, 2.5, 12]) {
      const t0 = clock.now();
      await clock.sleep(ms);
      expect(clock.now() - t0).toBeGreaterThanOrEqual(ms);
    }
  });
});
