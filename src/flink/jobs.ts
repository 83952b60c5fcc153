import { CheckFailedError, UsageError } from '../errors.js';
import { mapLimit, nowOf, sleepOf, type FlinkDeps } from './deps.js';
import { summarizeJavaError } from './java-errors.js';
import {
  TERMINAL_STATES,
  FlinkRestError,
  type CheckpointingStats,
  type FlinkRestApi,
  type JobDetails,
  type JobOverview,
  type JobState,
  type MetricAggregate,
  type VertexDetails,
} from './rest.js';
import type { SubmissionRecord } from './submissions.js';

/** Backpressure as the Flink web UI grades it: over 10% of the time is low, over 50% high. */
export type BackpressureLevel = 'ok' | 'low' | 'high';

export interface Backpressure {
  /** Share of time (0–1) the most backpressured subtask spent backpressured, over the last second. */
  ratio: number;
  level: BackpressureLevel;
}

export interface CheckpointSummary {
  id: number;
  /** When it completed (ms since epoch) and how long ago, at listing time. */
  completedAt: number;
  ageMs: number;
  /** Full state size in bytes (what a restore reads). */
  sizeBytes: number;
  durationMs: number;
  path: string | null;
}

export interface JobSummary {
  id: string;
  name: string;
  state: JobState;
  startTime: number;
  endTime: number | null;
  /** Running: time since start; ended: how long it ran. */
  uptimeMs: number;
  /** Highest parallelism of its operators. */
  parallelism: number | null;
  /** Records its sources emit per second (source operators' output; null when not running). */
  recordsInPerSecond: number | null;
  /** Records its sinks receive per second (sink writers' input; null when not running). */
  recordsOutPerSecond: number | null;
  backpressure: Backpressure | null;
  lastCheckpoint: CheckpointSummary | null;
  failedCheckpoints: number | null;
}

export interface ListJobsOptions {
  /** Include finished, canceled and long-ago failed jobs. Default: false — active jobs and those that failed within recentFailureMs. */
  all?: boolean;
  /** How long a failed job stays in the default listing. Default: 1 hour. */
  recentFailureMs?: number;
  /** Fetch rates, backpressure and checkpoints of running jobs (a few REST calls per job). Default: true. */
  metrics?: boolean;
  /** Reference time for ages and uptimes. Default: Date.now(). */
  now?: number;
  /** At most this many ended jobs (finished, canceled, failed, suspended), newest first, after the active ones. Default: no limit. */
  maxEnded?: number;
  /**
   * Read details only of running jobs, and of at most this many of them
   * (newest first); the other jobs keep their overview fields. For a poller
   * that must stay cheap. Default: every listed job's details are read.
   */
  maxDetailed?: number;
  /** Details of running jobs kept from one call to the next (see JobDetailsCache). Default: none, read on every call. */
  cache?: JobDetailsCache;
  /**
   * A job whose details can't be read for any reason, a timeout too, keeps
   * its overview fields instead of failing the listing. Default: false — only
   * a job whose details vanished (an HTTP error) does.
   */
  bestEffort?: boolean;
}

/**
 * Job details (vertices and plan) by job id, so that a poller reads them once
 * per running job rather than on every call. The plan doesn't change while a
 * job runs; vertex statuses and parallelism (after a rescale) in it may be as
 * old as the entry. Entries of jobs no longer running are dropped by listJobs.
 */
export type JobDetailsCache = Map<string, JobDetails>;

export const RECENT_FAILURE_MS = 60 * 60_000;

const TASK_METRICS = ['numRecordsInPerSecond', 'numRecordsOutPerSecond', 'backPressuredTimeMsPerSecond'];

/**
 * How the metric system names an operator: cut to 80 characters, then
 * spaces, dots, colons and commas become underscores ("Source: gen[1]" →
 * "Source__gen[1]").
 */
export function operatorMetricName(operator: string): string {
  return operator.slice(0, 80).replace(/[ .:,]/g, '_');
}

/** The operators chained into a vertex, in order, from its name ("Source: g[1] -> Calc[2]"). */
function chainOf(vertex: VertexDetails): string[] {
  return vertex.name.split(' -> ').map((s) => s.trim());
}

/** The writer of a sink chain (a committer after it counts committables, not records). */
function sinkOperator(chain: string[]): string {
  return [...chain].reverse().find((op) => /Writer$/.test(op)) ?? chain[chain.length - 1]!;
}

export interface VertexRates {
  id: string;
  name: string;
  parallelism: number;
  status: string;
  tasks: Record<string, number>;
  source: boolean;
  sink: boolean;
  /** Records entering the vertex per second; for a source vertex, what its source emits. */
  recordsInPerSecond: number | null;
  /** Records leaving it per second; for a sink vertex, what its writer receives. */
  recordsOutPerSecond: number | null;
  backpressureRatio: number | null;
}

export interface JobRates {
  vertices: VertexRates[];
  recordsInPerSecond: number | null;
  recordsOutPerSecond: number | null;
  backpressure: Backpressure | null;
}

export function backpressureOf(ratio: number): Backpressure {
  return { ratio, level: ratio > 0.5 ? 'high' : ratio > 0.1 ? 'low' : 'ok' };
}

/** Sources have no inputs in the plan; sinks feed no other vertex. Without a plan: first and last vertex. */
export function topology(details: JobDetails): { sources: Set<string>; sinks: Set<string> } {
  const nodes = details.plan?.nodes;
  if (!nodes || nodes.length === 0) {
    const ids = details.vertices.map((v) => v.id);
    return { sources: new Set(ids.slice(0, 1)), sinks: new Set(ids.slice(-1)) };
  }
  const fed = new Set(nodes.flatMap((n) => (n.inputs ?? []).map((i) => i.id)));
  return {
    sources: new Set(nodes.filter((n) => !n.inputs || n.inputs.length === 0).map((n) => n.id)),
    sinks: new Set(nodes.filter((n) => !fed.has(n.id)).map((n) => n.id)),
  };
}

const valueOf = (metrics: MetricAggregate[], id: string, agg: 'sum' | 'max'): number | undefined => {
  const v = metrics.find((m) => m.id === id)?.[agg];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * Rates of a running job's vertices. Task-level counters miss records that
 * stay inside a chain (a source chained to its sink shows 0 in and 0 out), so
 * a source vertex's rate is its source operator's output and a sink vertex's
 * its writer's input, when the metric system has them.
 */
export async function jobRates(rest: FlinkRestApi, details: JobDetails): Promise<JobRates> {
  const { sources, sinks } = topology(details);
  const vertices = await mapLimit(details.vertices, 4, async (v): Promise<VertexRates> => {
    const chain = chainOf(v);
    const sourceMetric = `${operatorMetricName(chain[0]!)}.numRecordsOutPerSecond`;
    const sinkMetric = `${operatorMetricName(sinkOperator(chain))}.numRecordsInPerSecond`;
    const isSource = sources.has(v.id);
    const isSink = sinks.has(v.id);
    let metrics: MetricAggregate[] = [];
    try {
      metrics = await rest.vertexMetrics(details.jid, v.id, [
        ...TASK_METRICS,
        ...(isSource ? [sourceMetric] : []),
        ...(isSink ? [sinkMetric] : []),
      ]);
    } catch (err) {
      // A vertex that just finished or restarted has no metrics; that is not the listing's failure.
      if (!(err instanceof FlinkRestError)) throw err;
    }
    const taskIn = valueOf(metrics, 'numRecordsInPerSecond', 'sum');
    const taskOut = valueOf(metrics, 'numRecordsOutPerSecond', 'sum');
    const bp = valueOf(metrics, 'backPressuredTimeMsPerSecond', 'max');
    return {
      id: v.id,
      name: v.name,
      parallelism: v.parallelism,
      status: v.status,
      tasks: v.tasks,
      source: isSource,
      sink: isSink,
      recordsInPerSecond: (isSource ? (valueOf(metrics, sourceMetric, 'sum') ?? taskOut) : taskIn) ?? null,
      recordsOutPerSecond: (isSink ? (valueOf(metrics, sinkMetric, 'sum') ?? taskIn) : taskOut) ?? null,
      backpressureRatio: bp === undefined ? null : Math.min(1, bp / 1000),
    };
  });
  const sum = (xs: (number | null)[]): number | null => {
    const known = xs.filter((x): x is number => x !== null);
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
  };
  const ratios = vertices.map((v) => v.backpressureRatio).filter((r): r is number => r !== null);
  return {
    vertices,
    recordsInPerSecond: sum(vertices.filter((v) => v.source).map((v) => v.recordsInPerSecond)),
    recordsOutPerSecond: sum(vertices.filter((v) => v.sink).map((v) => v.recordsOutPerSecond)),
    backpressure: ratios.length === 0 ? null : backpressureOf(Math.max(...ratios)),
  };
}

function checkpointSummary(stats: CheckpointingStats, now: number): CheckpointSummary | null {
  const c = stats.latest.completed;
  if (!c) return null;
  return {
    id: c.id,
    completedAt: c.latest_ack_timestamp,
    ageMs: Math.max(0, now - c.latest_ack_timestamp),
    sizeBytes: c.state_size,
    durationMs: c.end_to_end_duration,
    path: c.external_path ?? null,
  };
}

const isActive = (state: string): boolean => !TERMINAL_STATES.has(state);

const parallelismOf = (details: JobDetails | undefined): number | null =>
  details && details.vertices.length > 0 ? Math.max(...details.vertices.map((v) => v.parallelism)) : null;

/**
 * The cluster's jobs as plain data, active ones first (newest first), for
 * `streamctl flink jobs` and `streamctl top`. A job whose details vanish
 * mid-listing keeps its overview fields and nulls for the rest.
 */
export async function listJobs(rest: FlinkRestApi, options: ListJobsOptions = {}): Promise<JobSummary[]> {
  const now = options.now ?? Date.now();
  const recent = options.recentFailureMs ?? RECENT_FAILURE_MS;
  const { cache } = options;
  const overview = await rest.jobsOverview();
  const listed = overview
    .filter((j) => options.all || isActive(j.state) || (j.state === 'FAILED' && now - j['end-time'] <= recent))
    .sort((a, b) => Number(isActive(b.state)) - Number(isActive(a.state)) || b['start-time'] - a['start-time']);
  const ended = listed.filter((j) => !isActive(j.state)).slice(0, options.maxEnded ?? Infinity);
  const shown = [...listed.filter((j) => isActive(j.state)), ...ended];
  const running = shown.filter((j) => j.state === 'RUNNING').map((j) => j.jid);
  const detailed = options.maxDetailed === undefined ? undefined : new Set(running.slice(0, options.maxDetailed));
  if (cache) {
    // A long session sees many jobs come and go; only running ones stay.
    const keep = new Set(running);
    for (const jid of cache.keys()) if (!keep.has(jid)) cache.delete(jid);
  }
  const detailsOf = async (j: JobOverview): Promise<JobDetails> => {
    const cached = j.state === 'RUNNING' ? cache?.get(j.jid) : undefined;
    if (cached) return cached;
    const details = await rest.job(j.jid);
    if (cache && j.state === 'RUNNING' && details.state === 'RUNNING') cache.set(j.jid, details);
    return details;
  };
  return mapLimit(shown, 4, async (j): Promise<JobSummary> => {
    const summary: JobSummary = {
      id: j.jid,
      name: j.name,
      state: j.state,
      startTime: j['start-time'],
      endTime: j['end-time'] > 0 ? j['end-time'] : null,
      uptimeMs: j['end-time'] > 0 ? j.duration : Math.max(0, now - j['start-time']),
      parallelism: null,
      recordsInPerSecond: null,
      recordsOutPerSecond: null,
      backpressure: null,
      lastCheckpoint: null,
      failedCheckpoints: null,
    };
    if (detailed && !detailed.has(j.jid)) return summary;
    try {
      const details = await detailsOf(j);
      summary.parallelism = parallelismOf(details);
      if (options.metrics === false || j.state !== 'RUNNING') return summary;
      const [rates, checkpoints] = await Promise.all([jobRates(rest, details), rest.checkpoints(j.jid)]);
      summary.recordsInPerSecond = rates.recordsInPerSecond;
      summary.recordsOutPerSecond = rates.recordsOutPerSecond;
      summary.backpressure = rates.backpressure;
      summary.lastCheckpoint = checkpointSummary(checkpoints, now);
      summary.failedCheckpoints = checkpoints.counts.failed;
    } catch (err) {
      if (!options.bestEffort && !(err instanceof FlinkRestError)) throw err;
    }
    return summary;
  });
}

/**
 * Finds one job from what a person types: a full job id, a unique id prefix
 * of at least 4 characters, or an exact job name (several jobs of one name:
 * the one still active, else the newest). Pure.
 */
export function matchJobRef(ref: string, jobs: JobOverview[]): JobOverview {
  const r = ref.trim();
  const hint = 'name a job by its id, a unique id prefix (4+ characters) or its exact name; `streamctl flink jobs --all` lists them';
  if (/^[0-9a-f]{32}$/i.test(r)) {
    const job = jobs.find((j) => j.jid === r.toLowerCase());
    if (!job)
      throw new UsageError(`no Flink job with id ${r.toLowerCase()}`, {
        hint: '`streamctl flink jobs --all` lists the jobs the cluster knows',
      });
    return job;
  }
  if (/^[0-9a-f]{4,31}$/i.test(r)) {
    const matches = jobs.filter((j) => j.jid.startsWith(r.toLowerCase()));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const list = matches
        .slice(0, 5)
        .map((j) => `${j.jid} (${j.name}, ${j.state})`)
        .join(', ');
      throw new UsageError(`job id prefix "${r}" matches ${matches.length} jobs: ${list}`, { hint: 'type more of the id' });
    }
  }
  const named = jobs.filter((j) => j.name === r);
  const active = named.filter((j) => isActive(j.state));
  if (active.length === 1) return active[0]!;
  if (active.length > 1) {
    throw new UsageError(`${active.length} active jobs are named "${r}": ${active.map((j) => j.jid).join(', ')}`, {
      hint: 'name the job by its id',
    });
  }
  if (named.length > 0) return [...named].sort((a, b) => b['start-time'] - a['start-time'])[0]!;
  if (/^[0-9a-f]{1,3}$/i.test(r)) throw new UsageError(`job id prefix "${r}" is too short`, { hint });
  throw new UsageError(`no Flink job matches "${r}"`, { hint });
}

/** A job from a reference (see matchJobRef), looked up on the cluster. */
export async function resolveJob(rest: FlinkRestApi, ref: string): Promise<JobOverview> {
  return matchJobRef(ref, await rest.jobsOverview());
}

export interface JobException {
  timestamp: number;
  /** One line: the cause in the exception chain. */
  message: string;
  exception: string;
  task: string | null;
}

/** The job's exceptions, newest first, each boiled down to one line. */
export async function jobExceptions(rest: FlinkRestApi, jobId: string, max = 5): Promise<JobException[]> {
  const entries = await rest.exceptions(jobId, max);
  return entries.map((e) => ({
    timestamp: e.timestamp,
    message: summarizeJavaError(e.stacktrace || e.exceptionName),
    exception: e.exceptionName,
    task: e.taskName ?? null,
  }));
}

/** The newest exception of a job as one line, or undefined when it has none. */
export async function rootCause(rest: FlinkRestApi, jobId: string): Promise<string | undefined> {
  try {
    return (await jobExceptions(rest, jobId, 1))[0]?.message;
  } catch (err) {
    if (err instanceof FlinkRestError) return undefined;
    throw err;
  }
}

/** A job's summary (the same fields, same meanings) and its details. */
export interface JobDescription extends Pick<
  JobSummary,
  | 'id'
  | 'name'
  | 'state'
  | 'startTime'
  | 'endTime'
  | 'uptimeMs'
  | 'parallelism'
  | 'recordsInPerSecond'
  | 'recordsOutPerSecond'
  | 'backpressure'
> {
  type: string | null;
  vertices: VertexRates[];
  checkpoints: {
    completed: number;
    failed: number;
    inProgress: number;
    restored: number;
    latest: CheckpointSummary | null;
    latestSavepoint: CheckpointSummary | null;
    latestFailure: { id: number; at: number; message: string | null } | null;
    restoredFrom: { id: number; path: string | null; savepoint: boolean; at: number } | null;
  } | null;
  exceptions: JobException[];
  /** How streamctl submitted it, when it did. */
  submission: Omit<SubmissionRecord, 'sql'> | null;
}

function omitSql(record: SubmissionRecord): Omit<SubmissionRecord, 'sql'> {
  const copy: Partial<SubmissionRecord> = { ...record };
  delete copy.sql;
  return copy as Omit<SubmissionRecord, 'sql'>;
}

/** Everything `flink describe` shows about one job. */
export async function describeJob(deps: FlinkDeps, jobId: string): Promise<JobDescription> {
  const now = nowOf(deps)();
  const details = await deps.rest.job(jobId);
  const running = details.state === 'RUNNING';
  const [rates, checkpoints, exceptions] = await Promise.all([
    running ? jobRates(deps.rest, details) : Promise.resolve(undefined),
    deps.rest.checkpoints(jobId).catch((err: unknown) => {
      if (err instanceof FlinkRestError) return undefined;
      throw err;
    }),
    jobExceptions(deps.rest, jobId, 5),
  ]);
  const record = deps.store?.get(jobId);
  // The SQL text is for rollbacks; describe shows where it came from.
  const submission: JobDescription['submission'] = record ? omitSql(record) : null;
  const savepoint = checkpoints?.latest.savepoint;
  const failed = checkpoints?.latest.failed;
  const restored = checkpoints?.latest.restored;
  return {
    id: details.jid,
    name: details.name,
    state: details.state,
    type: details['job-type'] ?? null,
    startTime: details['start-time'],
    endTime: details['end-time'] > 0 ? details['end-time'] : null,
    uptimeMs: details['end-time'] > 0 ? details.duration : Math.max(0, now - details['start-time']),
    parallelism: parallelismOf(details),
    recordsInPerSecond: rates?.recordsInPerSecond ?? null,
    recordsOutPerSecond: rates?.recordsOutPerSecond ?? null,
    backpressure: rates?.backpressure ?? null,
    vertices:
      rates?.vertices ??
      details.vertices.map((v) => ({
        id: v.id,
        name: v.name,
        parallelism: v.parallelism,
        status: v.status,
        tasks: v.tasks,
        source: false,
        sink: false,
        recordsInPerSecond: null,
        recordsOutPerSecond: null,
        backpressureRatio: null,
      })),
    checkpoints: checkpoints
      ? {
          completed: checkpoints.counts.completed,
          failed: checkpoints.counts.failed,
          inProgress: checkpoints.counts.in_progress,
          restored: checkpoints.counts.restored,
          latest: checkpointSummary(checkpoints, now),
          latestSavepoint: savepoint
            ? {
                id: savepoint.id,
                completedAt: savepoint.latest_ack_timestamp,
                ageMs: Math.max(0, now - savepoint.latest_ack_timestamp),
                sizeBytes: savepoint.state_size,
                durationMs: savepoint.end_to_end_duration,
                path: savepoint.external_path ?? null,
              }
            : null,
          latestFailure: failed
            ? { id: failed.id, at: failed.failure_timestamp ?? failed.trigger_timestamp, message: failed.failure_message ?? null }
            : null,
          restoredFrom: restored
            ? { id: restored.id, path: restored.external_path ?? null, savepoint: restored.is_savepoint, at: restored.restore_timestamp }
            : null,
        }
      : null,
    exceptions,
    submission,
  };
}

/** Every task of the job runs (or has finished, for bounded sources). */
export function allTasksRunning(details: JobDetails): boolean {
  return details.state === 'RUNNING' && details.vertices.every((v) => v.status === 'RUNNING' || v.status === 'FINISHED');
}

export interface CancelResult {
  jobId: string;
  name: string;
  state: JobState;
  /** It was already canceled; nothing was done. */
  alreadyCanceled: boolean;
}

/** Cancels a job and waits until it is CANCELED. Default timeout: 60 s. */
export async function cancelJob(deps: FlinkDeps, jobId: string, options: { timeoutMs?: number } = {}): Promise<CancelResult> {
  const sleep = sleepOf(deps);
  const now = nowOf(deps);
  const before = await deps.rest.job(jobId);
  if (before.state === 'CANCELED') return { jobId, name: before.name, state: before.state, alreadyCanceled: true };
  if (TERMINAL_STATES.has(before.state)) {
    throw new UsageError(`unable to cancel job ${jobId} (${before.name}): it is already ${before.state}`);
  }
  await deps.rest.cancel(jobId);
  const deadline = now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const d = await deps.rest.job(jobId);
    if (TERMINAL_STATES.has(d.state)) {
      if (d.state !== 'CANCELED') throw new CheckFailedError(`job ${jobId} (${d.name}) ended ${d.state} instead of CANCELED`);
      return { jobId, name: d.name, state: d.state, alreadyCanceled: false };
    }
    if (now() > deadline) {
      throw new CheckFailedError(
        `unable to cancel job ${jobId} (${d.name}): still ${d.state} after ${Math.round((options.timeoutMs ?? 60_000) / 1000)}s`,
        {
          hint: 'its tasks may be stuck; see `streamctl dev logs flink-taskmanager`',
        },
      );
    }
    await sleep(500);
  }
}
