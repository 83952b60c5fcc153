import { describe, expect, it } from 'vitest';
import { resetStrategy } from '../../src/commands/groups/reset-offsets.js';
import { isActive, parseTopicSelection, planReset, type PartitionState } from '../../src/kafka/groups.js';

const states: PartitionState[] = [
  { topic: 't', partition: 0, current: 40, logStart: 10, logEnd: 100, atTime: 70 },
  { topic: 't', partition: 1, current: 95, logStart: 0, logEnd: 100, atTime: -1 },
  { topic: 'u', partition: 0, current: null, logStart: 5, logEnd: 5 },
];
const targets = (s: Parameters<typeof planReset>[0], rows = states) => planReset(s, rows).map((r) => r.target);

describe('planReset', () => {
  it.each([
    ['to-earliest', { kind: 'earliest' } as const, [10, 0, 5]],
    ['to-latest', { kind: 'latest' } as const, [100, 100, 5]],
    ['to-offset, clamped into each log', { kind: 'offset', offset: 7 } as const, [10, 7, 5]],
    ['to-datetime: the first offset at or after it, else the end', { kind: 'datetime', ms: 1 } as const, [70, 100, 5]],
  ])('%s', (_name, strategy, expected) => expect(targets(strategy)).toEqual(expected));

  it('shifts from the committed offset, clamped, and says when it clamped', () => {
    const rows = planReset({ kind: 'shift', by: 10 }, states.slice(0, 2));
    expect(rows.map((r) => [r.target, r.change, r.clampedFrom])).toEqual([
      [50, 10, undefined],
      [100, 5, 105],
    ]);
    expect(planReset({ kind: 'shift', by: -35 }, states.slice(0, 1))[0]).toMatchObject({ target: 10, change: -30, clampedFrom: 5 });
  });

  it('refuses to shift partitions without a committed offset, naming them', () => {
    expect(() => planReset({ kind: 'shift', by: 1 }, states)).toThrow(
      /needs a committed offset to shift from, and the group has none for u:0$/,
    );
  });

  it('reports current, new and the change', () => {
    expect(planReset({ kind: 'earliest' }, states)).toEqual([
      { topic: 't', partition: 0, current: 40, target: 10, logStart: 10, logEnd: 100, change: -30 },
      { topic: 't', partition: 1, current: 95, target: 0, logStart: 0, logEnd: 100, change: -95 },
      { topic: 'u', partition: 0, current: null, target: 5, logStart: 5, logEnd: 5, change: null },
    ]);
  });
});

describe('reset-offsets flags', () => {
  it('parses --topic with and without partitions', () => {
    expect(parseTopicSelection('orders')).toEqual({ topic: 'orders' });
    expect(parseTopicSelection('orders:2,0,2')).toEqual({ topic: 'orders', partitions: [0, 2] });
    expect(() => parseTopicSelection('orders:')).toThrow(/invalid --topic/);
    expect(() => parseTopicSelection('orders:a')).toThrow(/invalid --topic/);
    expect(() => parseTopicSelection(':1')).toThrow(/invalid --topic/);
  });

  it('takes exactly one target', () => {
    const none = { toEarliest: false, toLatest: false };
    expect(resetStrategy({ ...none, toEarliest: true })).toEqual({ kind: 'earliest' });
    expect(resetStrategy({ ...none, shiftBy: -5 })).toEqual({ kind: 'shift', by: -5 });
    expect(resetStrategy({ ...none, toOffset: 0 })).toEqual({ kind: 'offset', offset: 0 });
    expect(resetStrategy({ ...none, toDatetime: '2026-11-25T00:00:00Z' })).toEqual({
      kind: 'datetime',
      ms: Date.parse('2026-11-25T00:00:00Z'),
    });
    expect(() => resetStrategy(none)).toThrow(/say where to reset to/);
    expect(() => resetStrategy({ ...none, toEarliest: true, toLatest: true })).toThrow(/give one place/);
  });

  it('counts a group as active while it has members or is rebalancing', () => {
    expect(isActive('Empty', 0)).toBe(false);
    expect(isActive('Dead', 0)).toBe(false);
    expect(isActive('Stable', 1)).toBe(true);
    expect(isActive('PreparingRebalance', 0)).toBe(true);
  });
});
