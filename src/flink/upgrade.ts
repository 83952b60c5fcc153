import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CheckFailedError, StreamctlError, UsageError, describeCause } from '../errors.js';
import { nowOf, sleepOf, type FlinkDeps } from './deps.js';
import { cancelJob, rootCause } from './jobs.js';
import { TERMINAL_STATES } from './rest.js';
import { stopWithSavepoint, type SavepointCheck } from './savepoints.js';
import { SqlSplitError, planSqlScript } from './sql-split.js';
import { JobFailedError, artifactFromRecord, jobKindOf, submitJob, type JobArtifact } from './submit.js';

/** Default time the new version must keep running without a failure or restart. */
export const GRACE_MS = 30_000;

export interface UpgradeOptions {
  /** The running job's id. */
  jobId: string;
  /** The new version. Its name and parallelism default to what streamctl recorded for the old job. */
  next: JobArtifact;
  /**
   * The version running now, to restart if the new one fails. Default: what
   * streamctl recorded when it submitted the job; required otherwise.
   */
  old?: JobArtifact;
  /** How long the new version must stay RUNNING with no exception. Default: GRACE_MS (30 s). */
  graceMs?: number;
  /** Where the savepoint goes. Default: the cluster's savepoint directory. */
  savepointDir?: string;
  /** Drain (fire all windows) when stopping the old version. Default: false. */
  drain?: boolean;
  /** Let the new version drop state no operator claims. Default: false. */
  allowNonRestoredState?: boolean;
  /** Wait for each start. Default: START_TIMEOUT_MS. */
  startTimeoutMs?: number;
  /** Wait for the savepoint. Default: SAVEPOINT_TIMEOUT_MS. */
  savepointTimeoutMs?: number;
}

export interface UpgradeResult {
  outcome: 'upgraded' | 'rolled-back' | 'failed';
  oldJobId: string;
  name: string;
  savepoint: string;
  savepointCheck: SavepointCheck;
  /** The new version's job, if it got as far as being one. */
  newJobId: string | null;
  /** Why the new version was rejected. */
  failure: string | null;
  /** The old version, running again after a rollback. */
  restoredJobId: string | null;
  graceMs: number;
}

/** An upgrade that did not happen; `result` says what state things were left in. Exit 1. */
export class UpgradeFailedError extends CheckFailedError {
  constructor(
    message: string,
    readonly result: UpgradeResult,
    hint: string,
  ) {
    super(message, { hint });
  }
}

/**
 * Watches a job for `graceMs`: it must stay RUNNING and record no exception
 * (a restart leaves one). A bounded job that FINISHES passes.
 */
export async function watchHealthy(deps: FlinkDeps, jobId: string, graceMs: number): Promise<void> {
  const sleep = sleepOf(deps);
  const now = nowOf(deps);
  const end = now() + graceMs;
  while (now() < end) {
    await sleep(Math.max(0, Math.min(1000, end - now())));
    const d = await deps.rest.job(jobId);
    if (d.state === 'FINISHED') return;
    const cause = await rootCause(deps.rest, jobId);
    if (d.state !== 'RUNNING' || cause) {
      const what = TERMINAL_STATES.has(d.state) || d.state === 'FAILING' ? `went ${d.state}` : 'failed and restarted';
      throw new JobFailedError(
        `job ${jobId} (${d.name}) ${what} within the ${Math.round(graceMs / 1000)}s grace period: ${cause ?? d.state}`,
        jobId,
        d.state,
        cause ?? d.state,
      );
    }
  }
}

/** Reads what has to be read before anything is stopped, so a typo never costs a stop and restore. */
function preflight(artifact: JobArtifact, cwd: string, role: 'new' | 'old'): JobArtifact {
  if (artifact.kind === 'jar') {
    const jar = resolve(cwd, artifact.jarPath ?? artifact.file);
    if (!existsSync(jar)) throw new UsageError(`unable to upgrade: the ${role} version's jar ${jar} does not exist`);
    return artifact;
  }
  let sql = artifact.sql;
  if (sql === undefined) {
    try {
      sql = readFileSync(resolve(cwd, artifact.file), 'utf8');
    } catch (err) {
      throw new UsageError(`unable to upgrade: cannot read the ${role} version ${artifact.file}: ${describeCause(err)}`);
    }
  }
  try {
    planSqlScript(sql);
  } catch (err) {
    if (err instanceof SqlSplitError)
      throw new UsageError(`unable to upgrade: the ${role} version ${artifact.file}, line ${err.line}: ${err.message}`);
    throw err;
  }
  return { ...artifact, sql };
}

function failureText(err: unknown): string {
  if (err instanceof JobFailedError) return err.reason;
  if (err instanceof StreamctlError) return err.message.replace(/^unable to submit [^:]+: /, '');
  return describeCause(err);
}

/**
 * Upgrades a running job with its state: stop with a savepoint, check the
 * savepoint is there, start the new version from it, and watch it for a grace
 * period. If the new version fails to start or fails within the grace period,
 * it is canceled and the old version is started again from the same savepoint
 * (never from an older checkpoint), and UpgradeFailedError is thrown.
 */
export async function upgradeJob(deps: FlinkDeps, options: UpgradeOptions): Promise<UpgradeResult> {
  const cwd = deps.cwd ?? process.cwd();
  const progress = deps.progress ?? (() => {});
  const graceMs = options.graceMs ?? GRACE_MS;
  const { jobId } = options;

  const job = await deps.rest.job(jobId);
  if (job.state !== 'RUNNING') throw new UsageError(`unable to upgrade job ${jobId} (${job.name}): it is ${job.state}, not RUNNING`);
  const record = deps.store?.get(jobId);
  const recorded = record ? artifactFromRecord(record) : undefined;
  if (!options.old && !recorded) {
    throw new UsageError(
      `unable to upgrade job ${jobId} (${job.name}): streamctl did not submit it, so it cannot restart it if the new version fails`,
      {
        hint: 'pass --old <file> (the .sql or .jar the job runs now); nothing was stopped',
      },
    );
  }
  const parallelism = Math.max(1, ...job.vertices.map((v) => v.parallelism));
  const oldVersion = preflight(options.old ? { name: job.name, parallelism, ...options.old } : recorded!, cwd, 'old');
  jobKindOf(options.next.file);
  const read = preflight(options.next, cwd, 'new');
  // A job keeps its name across versions unless --name or a new SQL file that sets pipeline.name says otherwise.
  const fileNames = read.sql !== undefined && 'pipeline.name' in planSqlScript(read.sql).settings;
  const name = options.next.name ?? (fileNames ? undefined : (recorded?.name ?? job.name));
  const newVersion: JobArtifact = {
    ...read,
    ...(name !== undefined ? { name } : {}),
    ...(options.next.parallelism === undefined && recorded?.parallelism !== undefined ? { parallelism: recorded.parallelism } : {}),
  };

  const stopTask = `stop ${job.name} with a savepoint`;
  progress({ task: stopTask, state: 'start' });
  const stopped = await stopWithSavepoint(deps, jobId, {
    ...(options.savepointDir ? { targetDirectory: options.savepointDir } : {}),
    ...(options.drain ? { drain: true } : {}),
    ...(options.savepointTimeoutMs !== undefined ? { timeoutMs: options.savepointTimeoutMs } : {}),
  }).catch((err: unknown) => {
    progress({ task: stopTask, state: 'fail' });
    throw err;
  });
  const savepoint = stopped.location;
  progress({ task: stopTask, state: 'done', detail: savepoint });

  const result: UpgradeResult = {
    outcome: 'failed',
    oldJobId: jobId,
    name: job.name,
    savepoint,
    savepointCheck: stopped.check,
    newJobId: null,
    failure: null,
    restoredJobId: null,
    graceMs,
  };
  if (stopped.check.exists === false) {
    throw new UpgradeFailedError(
      `unable to upgrade job ${jobId} (${job.name}): Flink reported savepoint ${savepoint}, but it is not there${stopped.check.note ? ` (${stopped.check.note})` : ''}`,
      result,
      `the old job is stopped; look for the savepoint where the JobManager writes, then \`streamctl flink submit <old file> --from-savepoint <path>\``,
    );
  }

  const startTask = 'start the new version from the savepoint';
  const watchTask = `watch it for ${Math.round(graceMs / 1000)}s`;
  let newJobId: string | null = null;
  let task = startTask;
  try {
    progress({ task: startTask, state: 'start' });
    const started = await submitJob(deps, {
      ...newVersion,
      fromSavepoint: savepoint,
      ...(options.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
      ...(options.startTimeoutMs !== undefined ? { waitTimeoutMs: options.startTimeoutMs } : {}),
      upgradedFrom: jobId,
    });
    newJobId = started.jobId;
    progress({ task: startTask, state: 'done', detail: `job ${newJobId}` });
    task = watchTask;
    progress({ task: watchTask, state: 'start' });
    await watchHealthy(deps, newJobId, graceMs);
    progress({ task: watchTask, state: 'done' });
    return { ...result, outcome: 'upgraded', newJobId };
  } catch (err) {
    if (err instanceof JobFailedError) newJobId = err.jobId;
    progress({ task, state: 'fail', detail: failureText(err) });
    result.newJobId = newJobId;
    result.failure = failureText(err);
  }

  // The new version failed: take it down and put the old one back, from the same savepoint.
  if (newJobId) {
    await cancelJob(deps, newJobId).catch(() => {});
  }
  const rollbackTask = 'roll back: start the old version from the savepoint';
  progress({ task: rollbackTask, state: 'start' });
  try {
    const restored = await submitJob(deps, {
      ...oldVersion,
      fromSavepoint: savepoint,
      ...(options.startTimeoutMs !== undefined ? { waitTimeoutMs: options.startTimeoutMs } : {}),
      upgradedFrom: newJobId ?? jobId,
    });
    result.outcome = 'rolled-back';
    result.restoredJobId = restored.jobId;
    progress({ task: rollbackTask, state: 'done', detail: `job ${restored.jobId}` });
  } catch (err) {
    progress({ task: rollbackTask, state: 'fail', detail: failureText(err) });
    throw new UpgradeFailedError(
      `unable to upgrade job ${jobId} (${job.name}): the new version failed (${result.failure}), and restarting the old version failed too (${failureText(err)})`,
      result,
      `nothing of this job runs now; its state is in ${savepoint}: \`streamctl flink submit <old file> --from-savepoint ${savepoint}\``,
    );
  }
  throw new UpgradeFailedError(
    `unable to upgrade job ${jobId} (${job.name}): the new version failed: ${result.failure}`,
    result,
    `rolled back: the old version runs again as job ${result.restoredJobId}, restored from ${savepoint}`,
  );
}
