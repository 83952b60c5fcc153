import { UsageError } from '../errors.js';

/**
 * Durations and points in time as people type them on a command line:
 * `500ms`, `10s`, `5m`, `1h`, `2d`, `1m30s`; a bare number is seconds.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Milliseconds in a duration, or undefined when `text` is not one. */
export function durationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  PART_RE.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART_RE.exec(t); m; m = PART_RE.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART_RE.lastIndex;
  }
  if (consumed !== t.length) return undefined;
  return Math.round(total);
}

/** A positive duration for an option (`what` names it in the error), e.g. --timeout 30s. */
export function parseDurationOption(text: string, what: string): number {
  const ms = durationMs(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`invalid ${what} "${text}"`, {
      hint: 'use a duration such as 500ms, 10s, 5m, 1h or 1m30s (a bare number is seconds)',
    });
  }
  return ms;
}

/**
 * A point in time: ISO-8601 (`2026-11-25T10:00:00Z`, `2026-11-25`), epoch
 * milliseconds (`1764064800000`), or a time ago (`-5m`, `-1h30m`, `-2d`).
 * A date-time without a zone is read as UTC, so scripts mean the same
 * everywhere. Returns epoch milliseconds.
 */
export function parseTimePoint(text: string, now: number = Date.now()): number {
  const t = text.trim();
  const fail = () =>
    new UsageError(`invalid time "${text}"`, {
      hint: 'use ISO-8601 (2026-11-25T10:00:00Z), epoch milliseconds, or a time ago such as -5m, -1h, -2d',
    });
  if (t.startsWith('-')) {
    const ago = durationMs(t.slice(1));
    if (ago === undefined || /^\d+(?:\.\d+)?$/.test(t.slice(1))) throw fail();
    return now - ago;
  }
  if (/^\d{10,}$/.test(t)) return Number(t);
  // A date-time without Z or an offset would be local time for Date.parse; make it UTC.
  const zoned = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t) ? `${t}Z` : t;
  if (!/^\d{4}-\d{2}-\d{2}/.test(zoned)) throw fail();
  const ms = Date.parse(zoned);
  if (Number.isNaN(ms)) throw fail();
  return ms;
}

/** `10s`, `1m30s`, `250ms`: the inverse of durationMs, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)}s`;
  const s = ms / 1000;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${m}m` : `${m}m${rest}s`;
}
