/**
 * The health verdict of a consumer group. The rule is deliberately short so
 * that it can be stated in `--help` and trusted at a glance; it is checked in
 * this order, the first match wins:
 *
 *   EMPTY    nothing consumes: no members, and no committed offset moved
 *            in the last stall window (members-less consumers that commit —
 *            Flink's Kafka source, assign()-based clients — count as active
 *            while their offsets move)
 *   OK       no lag
 *   STALLED  messages wait and no committed offset moved for the stall window
 *   LAGGING  the time lag is at or above the lagging threshold
 *   OK       otherwise (consuming, and less than the threshold behind)
 */
export type Verdict = 'OK' | 'LAGGING' | 'STALLED' | 'EMPTY';

export const VERDICTS: readonly Verdict[] = ['OK', 'LAGGING', 'STALLED', 'EMPTY'];

export interface VerdictOptions {
  /** How long committed offsets may stand still while messages wait before a group is STALLED. Default: 30 s. */
  stallMs?: number;
  /** Time lag from which a group is LAGGING. Default: 30 s. */
  laggingMs?: number;
}

export const DEFAULT_STALL_MS = 30_000;
export const DEFAULT_LAGGING_MS = 30_000;

export interface VerdictInput {
  members: number;
  /** Total lag in messages. */
  lag: number;
  /** Time lag of the slowest partition; null when unknown. */
  timeLagMs: number | null;
  /** Milliseconds since a committed offset of the group last moved; null when no move was seen. */
  sinceCommitMs: number | null;
  /** How long the group has been watched (0 for a single sample). */
  watchedMs: number;
}

export function verdict(input: VerdictInput, options: VerdictOptions = {}): Verdict {
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const laggingMs = options.laggingMs ?? DEFAULT_LAGGING_MS;
  const movedRecently = input.sinceCommitMs !== null && input.sinceCommitMs < stallMs;
  // Without a move seen, offsets have stood still for at least as long as we watched.
  const stillForMs = input.sinceCommitMs ?? input.watchedMs;
  if (input.members === 0 && !movedRecently) return 'EMPTY';
  if (input.lag === 0) return 'OK';
  if (stillForMs >= stallMs) return 'STALLED';
  if (input.timeLagMs !== null && input.timeLagMs >= laggingMs) return 'LAGGING';
  return 'OK';
}

/** The rule as shown in `streamctl top` and `streamctl lag` help. */
export function verdictRule(options: VerdictOptions = {}): string {
  const stall = Math.round((options.stallMs ?? DEFAULT_STALL_MS) / 1000);
  const lagging = Math.round((options.laggingMs ?? DEFAULT_LAGGING_MS) / 1000);
  return [
    `EMPTY    no members and no committed offset moved in the last ${stall}s (nothing consumes)`,
    `OK       no lag`,
    `STALLED  messages wait and no committed offset moved for ${stall}s`,
    `LAGGING  time lag ${lagging}s or more`,
    `OK       otherwise; the first matching line wins`,
  ].join('\n');
}
