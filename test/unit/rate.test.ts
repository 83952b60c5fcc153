import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  constantShape,
  parseDuration,
  parseRate,
  parseShape,
  scheduledCount,
  timeOfCount,
  timeOfIntegral,
} from '../../src/produce/rate.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseRate', () => {
  it.each([
    ['100/sec', 100],
    ['100/s', 100],
    ['100/second', 100],
    ['100', 100],
    ['5k/s', 5000],
    ['1.5k/s', 1500],
    ['5K/s', 5000],
    ['2M/min', 2e6 / 60],
    ['6000/min', 100],
    ['6000/minute', 100],
    ['0.5/s', 0.5],
    [' 10k/S ', 10_000],
  ])('%s is %d events/s', (text, rate) => {
    expect(parseRate(text)).toBeCloseTo(rate, 9);
  });

  it('max is unlimited', () => {
    expect(parseRate('max')).toBe(Infinity);
    expect(parseRate('MAX')).toBe(Infinity);
  });

  it('names the bad value and shows the syntax', () => {
    const err = usageError(() => parseRate('10/hour'));
    expect(err.message).toBe('invalid rate "10/hour"');
    expect(err.hint).toBe('use N/s, N/sec, N/min, Nk/s or max');
    expect(err.exitCode).toBe(2);
    for (const bad of ['', 'fast', '10/h', '-5/s', '5x/s', '1e3/s', '10//s', '/s', 'k/s']) {
      expect(usageError(() => parseRate(bad)).message).toBe(`invalid rate "${bad}"`);
    }
  });

  it('refuses a lower-case m multiplier as ambiguous', () => {
    const err = usageError(() => parseRate('2m/s'));
    expect(err.message).toBe('invalid rate "2m/s"');
    expect(err.hint).toMatch(/use M for million \(e\.g\. 2M\/s\)/);
  });

  it('refuses 0', () => {
    expect(usageError(() => parseRate('0/s')).hint).toMatch(/above 0/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2s250ms', 2250],
    ['30', 30_000],
    ['0.25', 250],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('names the bad value and shows the syntax', () => {
    for (const bad of ['', 'soon', '5x', '30s5m', '5m5m', '1d', '-1s', 's', '1m 30s']) {
      const err = usageError(() => parseDuration(bad));
      expect(err.message).toBe(`invalid duration "${bad}"`);
      expect(err.hint).toBe('use e.g. 30s, 5m, 1h, 1m30s, 500ms, or a number of seconds');
    }
  });
});

/** Integral over each 1 s window [i s, (i+1) s). */
const perSecond = (shape: ReturnType<typeof parseShape>, seconds: number) =>
  Array.from({ length: seconds }, (_, i) => shape.expectedCount(i * 1000, (i + 1) * 1000));

describe('parseShape', () => {
  it('reads a bare rate or constant:<rate> as a constant shape', () => {
    for (const text of ['5k/s', 'constant:5k/s', 'constant:300000/min']) {
      const s = parseShape(text);
      expect(s.kind).toBe('constant');
      expect(s.rateAt(12_345)).toBe(5000);
      expect(s.expectedCount(0, 30_000)).toBeCloseTo(150_000, 6);
      expect(s.expectedCount(-1000, 1000)).toBeCloseTo(5000, 6);
    }
    expect(parseShape('max').peakRate).toBe(Infinity);
    expect(parseShape('constant:max').expectedCount(0, 1)).toBe(Infinity);
  });

  it('ramps linearly over the run, then holds the end rate', () => {
    const s = parseShape('ramp:100..10k/s', { durationMs: 30_000 });
    expect(s.rateAt(0)).toBe(100);
    expect(s.rateAt(15_000)).toBeCloseTo(5050, 9);
    expect(s.rateAt(30_000)).toBe(10_000);
    expect(s.rateAt(60_000)).toBe(10_000);
    expect(s.durationMs).toBe(30_000);
    // (100 + 10 000) / 2 × 30 s
    expect(s.expectedCount(0, 30_000)).toBeCloseTo(151_500, 6);
    // Window i has the rate at its middle: 100 + 9900 × (i + 0.5) / 30.
    perSecond(s, 30).forEach((n, i) => expect(n).toBeCloseTo(100 + (9900 * (i + 0.5)) / 30, 6));
    expect(s.expectedCount(30_000, 31_000)).toBeCloseTo(10_000, 6);
  });

  it('ramps over its own duration, with the unit borrowed from the end rate', () => {
    const s = parseShape('ramp:600..6000/min:10s', { durationMs: 999_999 });
    expect(s.durationMs).toBe(10_000);
    expect(s.rateAt(0)).toBe(10);
    expect(s.rateAt(10_000)).toBe(100);
    expect(s.expectedCount(0, 10_000)).toBeCloseTo(550, 9);
    expect(parseShape('ramp:10k..0/s:10s').expectedCount(0, 20_000)).toBeCloseTo(50_000, 6);
  });

  it('steps through rates, then holds the last', () => {
    const s = parseShape('step:1k,2k,5k/s:10s');
    expect(s.durationMs).toBe(30_000);
    expect(perSecond(s, 40).map(Math.round)).toEqual([
      ...Array<number>(10).fill(1000),
      ...Array<number>(10).fill(2000),
      ...Array<number>(20).fill(5000),
    ]);
    expect(s.expectedCount(9_500, 10_500)).toBeCloseTo(1500, 9);
  });

  it('bursts to the peak for <for> every <every>, first after <every>', () => {
    const s = parseShape('burst:100/s,5k/s:10s/2s');
    const expected = Array.from({ length: 35 }, (_, i) => (i >= 10 && i % 10 < 2 ? 5000 : 100));
    perSecond(s, 35).forEach((n, i) => expect(n).toBeCloseTo(expected[i]!, 6));
    expect(s.rateAt(9_999)).toBe(100);
    expect(s.rateAt(10_000)).toBe(5000);
    expect(s.rateAt(12_000)).toBe(100);
    expect(s.expectedCount(11_500, 12_500)).toBeCloseTo(2550, 6);
  });

  it('waves between min and max, averaging their middle over a period', () => {
    const s = parseShape('sine:1k..5k/s:20s');
    expect(s.rateAt(0)).toBeCloseTo(1000, 9);
    expect(s.rateAt(10_000)).toBeCloseTo(5000, 9);
    expect(s.expectedCount(0, 20_000)).toBeCloseTo(60_000, 6);
    expect(s.expectedCount(20_000, 60_000)).toBeCloseTo(120_000, 6);
    // The rising half carries exactly half.
    expect(s.expectedCount(0, 10_000)).toBeCloseTo(30_000, 6);
  });

  it('agrees with a numerical integral of its rate, for every shape', () => {
    const shapes = [
      parseShape('ramp:0..10k/s:7s'),
      parseShape('step:3,7,1/s:333ms'),
      parseShape('burst:10/s,1k/s:3s/700ms'),
      parseShape('sine:0..2k/s:4.5s'),
    ];
    for (const s of shapes) {
      for (const [t0, t1] of [
        [0, 1000],
        [123, 4567],
        [2999, 9001],
      ] as const) {
        let sum = 0;
        const dt = 0.05;
        for (let t = t0 + dt / 2; t < t1; t += dt) sum += (s.rateAt(t) * dt) / 1000;
        expect(s.expectedCount(t0, t1)).toBeCloseTo(sum, 1);
      }
    }
  });

  it('names the bad shape and shows the syntax', () => {
    const hint = /^use constant:<rate>, ramp:<from>\.\.<to>\[:<duration>\], step:/;
    for (const bad of ['wave:1..2/s:1s', 'ramp', 'ramp:100-200/s:1s', 'step:1k/s', 'burst:1k/s:10s/2s', 'sine:1..2/s', 'constant:1:2']) {
      const err = usageError(() => parseShape(bad));
      expect(err.message).toBe(`invalid shape "${bad}"`);
      expect(err.hint).toMatch(hint);
    }
  });

  it('names the bad part of a shape', () => {
    expect(usageError(() => parseShape('ramp:abc..10k/s:30s')).message).toBe('invalid rate "abc" in shape "ramp:abc..10k/s:30s"');
    expect(usageError(() => parseShape('step:1k,2k/h:10s')).message).toBe('invalid rate "2k/h" in shape "step:1k,2k/h:10s"');
    const d = usageError(() => parseShape('step:1k/s:10x'));
    expect(d.message).toBe('invalid duration "10x" in shape "step:1k/s:10x"');
    expect(d.hint).toMatch(/^use e\.g\. 30s/);
    expect(usageError(() => parseShape('ramp:max..10k/s:1s')).hint).toBe('max stands alone: --rate max or constant:max');
    expect(usageError(() => parseShape('constant:10/hour')).message).toBe('invalid rate "10/hour"');
  });

  it('asks a ramp for a duration when the run has none', () => {
    const err = usageError(() => parseShape('ramp:100..10k/s'));
    expect(err.message).toBe('shape "ramp:100..10k/s" needs a duration');
    expect(err.hint).toBe('give the ramp its own (e.g. ramp:100..10k/s:30s) or give the run a --duration');
  });

  it('refuses shapes that never send or have impossible timing', () => {
    expect(usageError(() => parseShape('ramp:0..0/s:10s')).hint).toMatch(/never sends/);
    expect(usageError(() => parseShape('burst:1/s,2/s:2s/2s')).hint).toMatch(/shorter than its interval/);
    expect(usageError(() => parseShape('step:1k/s:0s')).hint).toBe('each step must be longer than 0');
    expect(usageError(() => parseShape('constant:0/s')).hint).toMatch(/above 0/);
  });
});

describe('the schedule', () => {
  it('puts event 0 at the start and exactly N events into each aligned second at N/s', () => {
    const s = constantShape(10_000);
    expect(scheduledCount(s, 0)).toBe(0);
    expect(scheduledCount(s, 0.0001)).toBe(1);
    expect(scheduledCount(s, 1000)).toBe(10_000);
    expect(scheduledCount(s, 1000.05)).toBe(10_001);
    expect(scheduledCount(s, 30_000)).toBe(300_000);
    expect(scheduledCount(s, 30_000, 1234)).toBe(1234);
    // 1/3 s steps accumulate float error; the count must not slip.
    const third = constantShape(3);
    for (let k = 1; k <= 300; k++) expect(scheduledCount(third, k * 1000)).toBe(3 * k);
  });

  it('finds the time an event is due and the time a count is complete', () => {
    const s = constantShape(100);
    const t = timeOfCount(s, 101);
    expect(t).toBeGreaterThan(1000);
    expect(t).toBeLessThan(1000.001);
    expect(timeOfIntegral(s, 1000)).toBeCloseTo(10_000, 3);
    expect(timeOfCount(parseShape('ramp:100..0/s:10s'), 10_000)).toBe(Infinity);
  });
});
