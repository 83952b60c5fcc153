import { UsageError } from '../errors.js';
import { parseDuration } from '../produce/rate.js';
import { fmtCount, fmtDuration } from '../output/units.js';

/** `--fail-above`: a lag in messages (`1000`) or in time (`30s`, `5m`, `1m30s`). */
export type FailAbove = { kind: 'messages'; messages: number } | { kind: 'time'; ms: number };

const HINT = 'use a number of messages (e.g. 1000) or a duration (e.g. 30s, 5m, 1m30s)';

export function parseFailAbove(text: string): FailAbove {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { kind: 'messages', messages: Number(t) };
  // A bare number is messages above, so only durations with a unit reach the duration parser (where a bare number means seconds).
  if (/^[\d.]+(ms|h|m|s)/.test(t)) {
    try {
      return { kind: 'time', ms: parseDuration(t) };
    } catch {
      // fall through to our own message, which names the flag
    }
  }
  throw new UsageError(`invalid --fail-above "${text}"`, { hint: HINT });
}

export function describeThreshold(f: FailAbove): string {
  return f.kind === 'messages' ? `${fmtCount(f.messages)} messages` : fmtDuration(f.ms);
}

export interface LagFigures {
  group: string;
  lag: number;
  timeLagMs: number | null;
  timeLagAtLeast: boolean;
}

export interface Breach {
  group: string;
  /** What is above the threshold, e.g. "1,234 messages" or "≥5m00s" or "unknown". */
  value: string;
}

/**
 * Groups whose lag is strictly above the threshold. For a time threshold, a
 * group with messages waiting whose time lag is unknown, or only known to be
 * at least something below the threshold, counts as above: an alert that
 * cannot be checked should fire rather than stay silent.
 */
export function breaches(groups: readonly LagFigures[], f: FailAbove): Breach[] {
  const out: Breach[] = [];
  for (const g of groups) {
    if (f.kind === 'messages') {
      if (g.lag > f.messages) out.push({ group: g.group, value: `${fmtCount(g.lag)} messages` });
    } else if (g.lag > 0 && g.timeLagMs === null) {
      out.push({ group: g.group, value: 'unknown time lag' });
    } else if (g.timeLagMs !== null && g.timeLagMs > f.ms) {
      out.push({ group: g.group, value: fmtDuration(g.timeLagMs, g.timeLagAtLeast) });
    } else if (g.lag > 0 && g.timeLagAtLeast) {
      out.push({ group: g.group, value: `${fmtDuration(g.timeLagMs, true)}, not known to be below` });
    }
  }
  return out;
}
