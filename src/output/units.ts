/**
 * Number, rate and duration formats shared by the `top` dashboard and the
 * `lag` printers, so both show the same numbers the same way.
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567"; null → "-". */
export function fmtCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '-' : grouped.format(Math.round(n));
}

/** 999 → "999", 12_345 → "12.3k", 4_500_000 → "4.5M": for narrow columns. */
export function fmtCompact(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  const [div, unit] = abs < 1e6 ? [1e3, 'k'] : abs < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const v = n / div;
  return `${Math.abs(v) < 100 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)}${unit}`;
}

/** Messages per second: "0/s", "3.5/s", "200/s", "12.3k/s"; null → "-". */
export function fmtRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined) return '-';
  if (perSec > 0 && perSec < 10) return `${perSec.toFixed(1).replace(/\.0$/, '')}/s`;
  return `${fmtCompact(perSec)}/s`;
}

/** Bytes per second in binary units: "512 B/s", "12.3 KiB/s". */
export function fmtBytesRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = perSec;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v < 100 ? v.toFixed(1) : Math.round(v)} ${units[i]}/s`;
}

/**
 * A duration to the precision an operator needs: "0s", "42s", "4m05s",
 * "2h03m", "3d04h". `atLeast` prefixes "≥" for lower bounds.
 */
export function fmtDuration(ms: number | null | undefined, atLeast = false): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  let text: string;
  if (s < 60) text = `${s}s`;
  else if (s < 3600) text = `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  else if (s < 86_400) text = `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  else text = `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
  return atLeast ? `≥${text}` : text;
}

/** How old data is: "0.4s" under ten seconds, then as fmtDuration. */
export function fmtAge(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : fmtDuration(ms);
}
