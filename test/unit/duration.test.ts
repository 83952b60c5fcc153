import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { durationMs, formatDuration, parseDurationOption, parseTimePoint } from '../../src/config/duration.js';

describe('durationMs', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['30', 30_000],
  ])('%s = %i ms', (text, ms) => expect(durationMs(text)).toBe(ms));

  it.each(['', 'soon', '10x', '5 m', 'm5', '-5m', '1m30'])('rejects %j', (text) => expect(durationMs(text)).toBeUndefined());

  it('parseDurationOption names the option', () => {
    expect(parseDurationOption('2s', '--timeout')).toBe(2000);
    expect(() => parseDurationOption('0s', '--timeout')).toThrow(/invalid --timeout "0s"/);
    expect(() => parseDurationOption('x', '--timeout')).toThrow(UsageError);
    try {
      parseDurationOption('x', '--timeout');
    } catch (err) {
      expect((err as UsageError).hint).toMatch(/500ms, 10s/);
    }
  });

  it('formats for messages', () => {
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(120_000)).toBe('2m');
  });
});

describe('parseTimePoint (--from-time, --to-datetime)', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00.250', '2026-11-25T10:00:00.250Z'],
    ['2026-11-25T11:00:00+01:00', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25', '2026-11-25T00:00:00.000Z'],
    ['1764064800000', '2025-11-25T10:00:00.000Z'],
    ['-5m', '2026-11-25T11:55:00.000Z'],
    ['-1h30m', '2026-11-25T10:30:00.000Z'],
    ['-2d', '2026-11-23T12:00:00.000Z'],
    ['-500ms', '2026-11-25T11:59:59.500Z'],
  ])('%s', (text, iso) => expect(new Date(parseTimePoint(text, now)).toISOString()).toBe(iso));

  it.each(['yesterday', '-5', '-', '12:00', '2026-13-45T99:00:00Z', '123'])('rejects %j with a hint', (text) => {
    expect(() => parseTimePoint(text, now)).toThrow(/invalid time/);
  });
});
