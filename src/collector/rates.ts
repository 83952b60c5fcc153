import type { Series } from './ring.js';

/**
 * Per-second rate of a counter (a log-end or committed offset) over about the
 * last `windowMs`: from the oldest point inside the window to the newest.
 * When no earlier point is inside the window (a gap after an outage), the
 * point just before the newest is used, so a rate is an average over what
 * was seen rather than nothing. A counter that went down (topic re-created,
 * offsets reset) has no meaningful rate: null, as with fewer than two points.
 */
export function rateOver(series: Series, windowMs: number): number | null {
  const n = series.length;
  if (n < 2) return null;
  const tLast = series.time(n - 1);
  const vLast = series.value(n - 1);
  let i = n - 2;
  while (i > 0 && tLast - series.time(i - 1) <= windowMs) i--;
  const dt = tLast - series.time(i);
  if (dt <= 0) return null;
  const dv = vLast - series.value(i);
  if (dv < 0) return null;
  return (dv * 1000) / dt;
}

/** Sum of the known rates; null when none is known (so "unknown" never reads as 0/s). */
export function sumKnown(values: Iterable<number | null>): number | null {
  let sum = 0;
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    any = true;
  }
  return any ? sum : null;
}
