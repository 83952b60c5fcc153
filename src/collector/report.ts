import type { FailAbove, Breach } from './threshold.js';
import type { Snapshot } from './types.js';
import type { TimeLagMethod } from './time-lag.js';
import type { Verdict } from './verdict.js';

/**
 * What `streamctl lag -o json` prints: the contract for scripts. Times are in
 * seconds (fractional), offsets and lags in messages; null means unknown.
 */
export interface LagReport {
  /** ISO-8601 time of the sample. */
  at: string;
  context: string;
  groups: LagReportGroup[];
  /** The --fail-above threshold, or null. */
  failAbove: FailAbove | null;
  /** Groups above the threshold (empty without one). */
  above: Breach[];
}

export interface LagReportGroup {
  group: string;
  state: string;
  members: number;
  topics: string[];
  lag: number;
  timeLagSeconds: number | null;
  /** true: timeLagSeconds is a lower bound. */
  timeLagAtLeast: boolean;
  /** Messages/s committed; null from a single sample (use --watch). */
  consumeRate: number | null;
  verdict: Verdict;
  partitions: LagReportPartition[];
}

export interface LagReportPartition {
  topic: string;
  partition: number;
  committed: number | null;
  logEnd: number;
  lag: number | null;
  timeLagSeconds: number | null;
  /** How the time lag was found: caught-up, record, history, bound or unknown (docs/lag.md). */
  timeLagMethod: TimeLagMethod;
  /** The member the partition is assigned to, or null. */
  member: { clientId: string; host: string; memberId: string } | null;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);
const rounded = (r: number | null) => (r === null ? null : Math.round(r * 100) / 100);

export function lagReport(snapshot: Snapshot, failAbove: FailAbove | null, above: Breach[]): LagReport {
  return {
    at: new Date(snapshot.at).toISOString(),
    context: snapshot.context,
    groups: snapshot.groups.map((g) => ({
      group: g.groupId,
      state: g.state,
      members: g.members,
      topics: g.topics,
      lag: g.lag,
      timeLagSeconds: seconds(g.timeLagMs),
      timeLagAtLeast: g.timeLagAtLeast,
      consumeRate: rounded(g.consumeRate),
      verdict: g.verdict,
      partitions: g.partitions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        committed: p.committed,
        logEnd: p.logEnd,
        lag: p.lag,
        timeLagSeconds: seconds(p.timeLagMs),
        timeLagMethod: p.timeLagMethod,
        member: p.member ? { clientId: p.member.clientId, host: p.member.host, memberId: p.member.memberId } : null,
      })),
    })),
    failAbove,
    above,
  };
}
