import type { Backpressure } from '../flink/jobs.js';
import type { TimeLagMethod } from './time-lag.js';
import type { Verdict } from './verdict.js';

/**
 * What the collector hands to its readers (the `top` dashboard, the `lag`
 * printers, tests): plain, JSON-serialisable data only, so a frame can be
 * recorded, replayed or fed to a component without a cluster.
 */
export interface Snapshot {
  /** Epoch ms when the sample started. */
  at: number;
  /** 1 for the first sample of a collector, then counting up. */
  seq: number;
  /** Milliseconds between samples (the refresh interval). */
  intervalMs: number;
  /** Which cluster this is: "local" (the local platform) or its bootstrap address. */
  context: string;
  sources: { kafka: SourceStatus; registry: SourceStatus; flink: SourceStatus };
  cluster: ClusterInfo | null;
  groups: GroupView[];
  topics: TopicView[];
  flink: FlinkJobView[];
  /** Cluster-wide rates in messages/s; null until two samples exist. */
  totals: { produceRate: number | null; consumeRate: number | null };
}

export type SourceName = 'kafka' | 'registry' | 'flink';

export interface SourceStatus {
  /** Whether this source is sampled at all (e.g. `lag` skips Flink). */
  enabled: boolean;
  /** The latest attempt succeeded; otherwise the data shown is from `lastSuccessAt` (or there is none). */
  ok: boolean;
  /** One line: why the latest attempt failed. */
  error: string | null;
  /** What to check about that failure, when known. Default: absent. */
  hint?: string;
  /** The kind of Kafka failure (auth, tls, unreachable, timeout…), when it was classified. Default: absent. */
  errorKind?: string;
  /** Epoch ms of the latest successful sample; null if none yet. */
  lastSuccessAt: number | null;
  /** Failed attempts in a row. */
  failures: number;
  /** Short fact when healthy ("12 subjects"). */
  detail: string | null;
}

export interface ClusterInfo {
  clusterId: string | null;
  brokers: { nodeId: number; host: string; port: number }[];
  /** Brokers that answer metadata now. */
  brokersUp: number;
  /** Every broker seen during this session: a broker that went away still counts here. */
  brokersKnown: number;
  controller: number | null;
}

export interface PartitionView {
  topic: string;
  partition: number;
  /** Null when the group has no committed offset on this partition. */
  committed: number | null;
  logEnd: number;
  logStart: number;
  lag: number | null;
  timeLagMs: number | null;
  timeLagMethod: TimeLagMethod;
  /** The member the partition is assigned to; null when unassigned (e.g. the group is empty). */
  member: { memberId: string; clientId: string; host: string } | null;
  /** Committed-offset advance in messages/s; null until known. */
  consumeRate: number | null;
}

export interface GroupView {
  groupId: string;
  /** Kafka's group state: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  protocolType: string;
  members: number;
  topics: string[];
  /** Total lag in messages (partitions without a commit don't count). */
  lag: number;
  /** Slowest partition's time lag; null when unknown. */
  timeLagMs: number | null;
  /** True when timeLagMs is only a lower bound ("≥"). */
  timeLagAtLeast: boolean;
  /** Messages/s the group commits; null until two samples exist. */
  consumeRate: number | null;
  /** Messages/s produced to the partitions it reads. */
  produceRate: number | null;
  verdict: Verdict;
  /** Total lag at each recent sample, oldest first, for the sparkline. */
  lagHistory: number[];
  partitions: PartitionView[];
  /** Why this group's offsets could not be read this time; its numbers are from the previous sample. */
  error: string | null;
}

export interface TopicView {
  topic: string;
  partitions: number;
  /** Messages currently in the log (log end − log start, summed). */
  messages: number;
  produceRate: number | null;
  /** Estimated bytes/s: produce rate × the average size of recently sampled records; null when not sampled. */
  bytesRate: number | null;
  /** Produce rate at each recent sample, oldest first. */
  rateHistory: number[];
  error: string | null;
}

export type { BackpressureLevel } from '../flink/jobs.js';

export interface FlinkJobView {
  id: string;
  name: string;
  state: string;
  /** Epoch ms. */
  startTime: number;
  durationMs: number;
  /** Records/s read by the job's sources; null when not running or not reported. */
  recordsInPerSec: number | null;
  /** Records/s reaching its sinks. */
  recordsOutPerSec: number | null;
  /** Highest share of time any subtask spends back-pressured (0–1), and Flink's own level for it. */
  backpressure: Backpressure | null;
  /** Age of the latest completed checkpoint; null when none. */
  lastCheckpointAgeMs: number | null;
  checkpointsFailed: number;
}
