/**
 * Time lag: how far behind a consumer is in time — the age of the next record
 * it will read (the record at its committed offset). See docs/lag.md for the
 * method and its limits; in short, in order of preference:
 *
 *   caught-up  committed ≥ log end: nothing waits, 0.
 *   record     the timestamp of the record at the committed offset, read from
 *              the log: exact, up to producer clocks (CreateTime).
 *   history    interpolated from our own samples of the partition's log-end
 *              offset over time: the record at offset C was appended between
 *              the last sample with log end ≤ C and the first with log end > C
 *              (linearly placed between them). Error: at most the spacing of
 *              those two samples.
 *   bound      C is older than the history: the record was appended before the
 *              first sample, so the time lag is at least that sample's age.
 *   unknown    none of the above is available.
 */
export type TimeLagMethod = 'caught-up' | 'record' | 'history' | 'bound' | 'unknown';

export interface TimeLag {
  /** Milliseconds behind; a lower bound when method is "bound"; null when unknown. */
  ms: number | null;
  method: TimeLagMethod;
}

/** A sample of a partition's log-end offset. */
export interface OffsetPoint {
  t: number;
  offset: number;
}

export interface TimeLagInput {
  now: number;
  committed: number | null;
  logEnd: number;
  /** Timestamp (epoch ms) of the record at the committed offset, when it was read. */
  recordTimestamp?: number | null;
  /** Log-end samples of the partition, oldest first, including the current one. */
  history: readonly OffsetPoint[];
}

export function estimateTimeLag(input: TimeLagInput): TimeLag {
  const { now, committed, logEnd, history } = input;
  if (committed === null || committed < 0) return { ms: null, method: 'unknown' };
  if (committed >= logEnd) return { ms: 0, method: 'caught-up' };
  if (input.recordTimestamp !== undefined && input.recordTimestamp !== null) {
    return { ms: Math.max(0, now - input.recordTimestamp), method: 'record' };
  }
  const fromHistory = appendTime(history, committed);
  if (fromHistory === undefined) return { ms: null, method: 'unknown' };
  if (fromHistory.bound) return { ms: Math.max(0, now - fromHistory.t), method: 'bound' };
  return { ms: Math.max(0, now - fromHistory.t), method: 'history' };
}

/**
 * When the record at `offset` was appended, according to log-end samples:
 * undefined when no sample has passed it yet; `bound` when it was already
 * there at the first sample (so it is at least as old as that).
 */
export function appendTime(history: readonly OffsetPoint[], offset: number): { t: number; bound: boolean } | undefined {
  let b = -1;
  for (let i = 0; i < history.length; i++) {
    if (history[i]!.offset > offset) {
      b = i;
      break;
    }
  }
  if (b < 0) return undefined;
  const after = history[b]!;
  if (b === 0) return { t: after.t, bound: true };
  const before = history[b - 1]!;
  const span = after.offset - before.offset;
  const frac = Math.min(1, Math.max(0, (offset + 1 - before.offset) / span));
  return { t: before.t + frac * (after.t - before.t), bound: false };
}

/** Whether a partition's time lag still needs the record at its committed offset to be known exactly. */
export function needsRecord(t: TimeLag): boolean {
  return t.method === 'bound' || t.method === 'unknown';
}

/**
 * A group's time lag: its slowest partition. When a lagging partition's
 * value is only a lower bound or unknown, so is the group's ("≥").
 */
export function groupTimeLag(parts: readonly { lag: number | null; timeLag: TimeLag }[]): { ms: number | null; atLeast: boolean } {
  let ms: number | null = null;
  // A bound or unknown partition may be further behind than the slowest exact one.
  let uncertain = false;
  for (const p of parts) {
    if (p.lag === null || p.lag === 0) {
      if (p.timeLag.ms !== null && ms === null) ms = 0;
      continue;
    }
    if (p.timeLag.method === 'bound' || p.timeLag.ms === null) uncertain = true;
    if (p.timeLag.ms !== null && (ms === null || p.timeLag.ms > ms)) ms = p.timeLag.ms;
  }
  return { ms, atLeast: ms !== null && uncertain };
}
