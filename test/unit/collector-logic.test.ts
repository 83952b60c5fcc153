import { describe, expect, it } from 'vitest';
import { partitionLag, totalLag } from '../../src/collector/lag.js';
import { rateOver, sumKnown } from '../../src/collector/rates.js';
import { Series, SeriesMap } from '../../src/collector/ring.js';
import { sparkline } from '../../src/collector/sparkline.js';
import { breaches, parseFailAbove } from '../../src/collector/threshold.js';
import { appendTime, estimateTimeLag, groupTimeLag } from '../../src/collector/time-lag.js';
import { verdict, verdictRule } from '../../src/collector/verdict.js';
import { StreamctlError } from '../../src/errors.js';
import { fmtBytesRate, fmtCompact, fmtCount, fmtDuration, fmtRate } from '../../src/output/units.js';

function series(points: [number, number][], capacity = 16): Series {
  const s = new Series(capacity);
  for (const [t, v] of points) s.push(t, v);
  return s;
}

describe('Series (ring buffer)', () => {
  it('keeps the newest points, oldest first, in fixed memory', () => {
    const s = series(
      [
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ],
      3,
    );
    expect(s.length).toBe(3);
    expect(s.values()).toEqual([20, 30, 40]);
    expect(s.points()[0]).toEqual({ t: 2, v: 20 });
    expect(s.last()).toEqual({ t: 4, v: 40 });
    expect(new Series(2).last()).toBeUndefined();
    expect(() => new Series(0)).toThrow(RangeError);
  });

  it('SeriesMap forgets keys that are no longer seen', () => {
    const m = new SeriesMap(4);
    m.push('a', 1, 1);
    m.push('b', 1, 1);
    m.retain(new Set(['b']));
    expect(m.get('a')).toBeUndefined();
    expect(m.get('b')?.length).toBe(1);
    expect(m.size).toBe(1);
  });
});

describe('rates from offset deltas', () => {
  it('averages over the window, from the oldest point inside it', () => {
    const s = series([
      [0, 0],
      [1000, 100],
      [2000, 300],
      [3000, 600],
      [4000, 1000],
    ]);
    expect(rateOver(s, 2000)).toBe(350); // (1000 - 300) / 2 s
    expect(rateOver(s, 10_000)).toBe(250); // whole history
  });

  it('uses the previous point after a gap longer than the window', () => {
    const s = series([
      [0, 0],
      [60_000, 6000],
    ]);
    expect(rateOver(s, 5000)).toBe(100);
  });

  it('is unknown with one point, and when the counter went down (reset, re-created topic)', () => {
    expect(rateOver(series([[0, 5]]), 5000)).toBeNull();
    expect(
      rateOver(
        series([
          [0, 500],
          [1000, 10],
        ]),
        5000,
      ),
    ).toBeNull();
  });

  it('sums known rates and keeps "unknown" distinct from 0', () => {
    expect(sumKnown([1, null, 2])).toBe(3);
    expect(sumKnown([null, null])).toBeNull();
    expect(sumKnown([])).toBeNull();
  });
});

describe('lag', () => {
  it('is log end minus committed, never negative, unknown without a commit', () => {
    expect(partitionLag(40, 100)).toBe(60);
    expect(partitionLag(100, 100)).toBe(0);
    expect(partitionLag(105, 100)).toBe(0);
    expect(partitionLag(null, 100)).toBeNull();
    expect(partitionLag(-1, 100)).toBeNull();
    expect(totalLag([60, null, 5])).toBe(65);
  });
});

describe('time lag', () => {
  const now = 100_000;
  const history = [
    { t: 10_000, offset: 100 },
    { t: 20_000, offset: 200 },
    { t: 30_000, offset: 200 },
    { t: 40_000, offset: 400 },
  ];

  it('is 0 when caught up', () => {
    expect(estimateTimeLag({ now, committed: 400, logEnd: 400, history })).toEqual({ ms: 0, method: 'caught-up' });
  });

  it('prefers the timestamp of the record at the committed offset', () => {
    expect(estimateTimeLag({ now, committed: 150, logEnd: 400, recordTimestamp: 85_000, history })).toEqual({
      ms: 15_000,
      method: 'record',
    });
    // A producer clock ahead of ours is not a negative lag.
    expect(estimateTimeLag({ now, committed: 150, logEnd: 400, recordTimestamp: 101_000, history }).ms).toBe(0);
  });

  it('interpolates between the log-end samples around the committed offset', () => {
    // Record 149 was appended between t=10s (log end 100) and t=20s (log end 200): at 15 s.
    expect(estimateTimeLag({ now, committed: 149, logEnd: 400, history })).toEqual({ ms: 85_000, method: 'history' });
    // Record 200 was appended after t=30s (log end still 200) and by t=40s: placed at 30s + 1/200 of 10s.
    expect(estimateTimeLag({ now, committed: 200, logEnd: 400, history }).ms).toBe(69_950);
  });

  it('is a lower bound for offsets older than the history', () => {
    expect(estimateTimeLag({ now, committed: 50, logEnd: 400, history })).toEqual({ ms: 90_000, method: 'bound' });
    expect(appendTime(history, 50)).toEqual({ t: 10_000, bound: true });
  });

  it('is unknown without a commit or any sample past it', () => {
    expect(estimateTimeLag({ now, committed: null, logEnd: 400, history }).method).toBe('unknown');
    expect(estimateTimeLag({ now, committed: 450, logEnd: 500, history })).toEqual({ ms: null, method: 'unknown' });
  });

  it('takes the slowest partition for a group, flagging lower bounds', () => {
    const exact = { lag: 10, timeLag: { ms: 5000, method: 'record' as const } };
    const bound = { lag: 10, timeLag: { ms: 3000, method: 'bound' as const } };
    const caughtUp = { lag: 0, timeLag: { ms: 0, method: 'caught-up' as const } };
    expect(groupTimeLag([exact, caughtUp])).toEqual({ ms: 5000, atLeast: false });
    expect(groupTimeLag([exact, bound])).toEqual({ ms: 5000, atLeast: true });
    expect(groupTimeLag([caughtUp])).toEqual({ ms: 0, atLeast: false });
    expect(groupTimeLag([])).toEqual({ ms: null, atLeast: false });
  });
});

describe('health verdict', () => {
  const base = { members: 2, lag: 100, timeLagMs: 1000, sinceCommitMs: 2000, watchedMs: 60_000 };

  it('EMPTY: no members and nothing committed recently', () => {
    expect(verdict({ ...base, members: 0, sinceCommitMs: null })).toBe('EMPTY');
    expect(verdict({ ...base, members: 0, sinceCommitMs: 45_000 })).toBe('EMPTY');
    expect(verdict({ ...base, members: 0, lag: 0, sinceCommitMs: null, watchedMs: 0 })).toBe('EMPTY');
  });

  it('a member-less consumer that commits (Flink, assign()) is judged by its lag', () => {
    expect(verdict({ ...base, members: 0, sinceCommitMs: 5000 })).toBe('OK');
    expect(verdict({ ...base, members: 0, sinceCommitMs: 5000, timeLagMs: 40_000 })).toBe('LAGGING');
  });

  it('OK without lag, whatever else', () => {
    expect(verdict({ ...base, lag: 0, sinceCommitMs: null, timeLagMs: null })).toBe('OK');
  });

  it('STALLED: messages wait and offsets stood still for the stall window', () => {
    expect(verdict({ ...base, sinceCommitMs: 30_000 })).toBe('STALLED');
    expect(verdict({ ...base, sinceCommitMs: null, watchedMs: 31_000 })).toBe('STALLED');
    // Watched too briefly to tell.
    expect(verdict({ ...base, sinceCommitMs: null, watchedMs: 5000 })).toBe('OK');
  });

  it('LAGGING from the time-lag threshold; unknown time lag is not lagging', () => {
    expect(verdict({ ...base, timeLagMs: 30_000 })).toBe('LAGGING');
    expect(verdict({ ...base, timeLagMs: 29_999 })).toBe('OK');
    expect(verdict({ ...base, timeLagMs: null })).toBe('OK');
    expect(verdict({ ...base, timeLagMs: 5000 }, { laggingMs: 5000 })).toBe('LAGGING');
  });

  it('states its rule with the thresholds in use', () => {
    expect(verdictRule({ stallMs: 60_000, laggingMs: 10_000 })).toContain('no committed offset moved for 60s');
    expect(verdictRule()).toContain('LAGGING  time lag 30s or more');
  });
});

describe('sparkline', () => {
  it('scales from 0 to the largest value, newest on the right', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([7, 0], 2)).toBe('█▁');
  });

  it('pads on the left when there are fewer values than columns, and draws unknowns blank', () => {
    expect(sparkline([1, 1], 4)).toBe('  ██');
    expect(sparkline([null, 4], 2)).toBe(' █');
    expect(sparkline([], 3)).toBe('   ');
  });

  it('buckets by maximum so spikes survive narrowing', () => {
    const values = Array.from({ length: 100 }, () => 0);
    values[50] = 9;
    const line = sparkline(values, 10);
    expect(line).toHaveLength(10);
    expect(line).toContain('█');
  });

  it('draws a flat zero line low and respects an explicit max', () => {
    expect(sparkline([0, 0, 0], 3)).toBe('▁▁▁');
    expect(sparkline([5], 1, { max: 10 })).toBe('▅');
    expect(sparkline([1, 2], 0)).toBe('');
  });
});

describe('--fail-above', () => {
  it('parses messages and durations', () => {
    expect(parseFailAbove('1000')).toEqual({ kind: 'messages', messages: 1000 });
    expect(parseFailAbove('0')).toEqual({ kind: 'messages', messages: 0 });
    expect(parseFailAbove('30s')).toEqual({ kind: 'time', ms: 30_000 });
    expect(parseFailAbove('5m')).toEqual({ kind: 'time', ms: 300_000 });
    expect(parseFailAbove('1m30s')).toEqual({ kind: 'time', ms: 90_000 });
    expect(parseFailAbove('500ms')).toEqual({ kind: 'time', ms: 500 });
  });

  it('rejects anything else as a usage error (exit 2)', () => {
    for (const bad of ['', 'abc', '-5', '1.5', '10x', '30s5m', 'm']) {
      let err: unknown;
      try {
        parseFailAbove(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(StreamctlError);
      expect((err as StreamctlError).exitCode).toBe(2);
      expect((err as StreamctlError).message).toContain('--fail-above');
    }
  });

  it('finds groups strictly above, failing safe when time lag is unknown', () => {
    const groups = [
      { group: 'a', lag: 1000, timeLagMs: 10_000, timeLagAtLeast: false },
      { group: 'b', lag: 1001, timeLagMs: 31_000, timeLagAtLeast: false },
      { group: 'c', lag: 5, timeLagMs: null, timeLagAtLeast: false },
      { group: 'd', lag: 0, timeLagMs: 0, timeLagAtLeast: false },
      { group: 'e', lag: 5, timeLagMs: 20_000, timeLagAtLeast: true },
    ];
    expect(breaches(groups, { kind: 'messages', messages: 1000 }).map((b) => b.group)).toEqual(['b']);
    expect(breaches(groups, { kind: 'time', ms: 30_000 })).toEqual([
      { group: 'b', value: '31s' },
      { group: 'c', value: 'unknown time lag' },
      { group: 'e', value: '≥20s, not known to be below' },
    ]);
  });
});

describe('units', () => {
  it('formats counts, rates, bytes and durations for narrow columns', () => {
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(fmtCount(null)).toBe('-');
    expect(fmtCompact(999)).toBe('999');
    expect(fmtCompact(12_345)).toBe('12.3k');
    expect(fmtCompact(4_000_000)).toBe('4M');
    expect(fmtRate(3.25)).toBe('3.3/s');
    expect(fmtRate(0)).toBe('0/s');
    expect(fmtRate(1500)).toBe('1.5k/s');
    expect(fmtRate(null)).toBe('-');
    expect(fmtBytesRate(512)).toBe('512 B/s');
    expect(fmtBytesRate(48_000)).toBe('46.9 KiB/s');
    expect(fmtDuration(0)).toBe('0s');
    expect(fmtDuration(42_400)).toBe('42s');
    expect(fmtDuration(245_000)).toBe('4m05s');
    expect(fmtDuration(7_380_000)).toBe('2h03m');
    expect(fmtDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d04h');
    expect(fmtDuration(600_000, true)).toBe('≥10m00s');
    expect(fmtDuration(null)).toBe('-');
  });
});
