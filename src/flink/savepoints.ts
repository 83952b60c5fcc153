import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckFailedError, UsageError } from '../errors.js';
import { nowOf, sleepOf, type FlinkDeps } from './deps.js';
import { summarizeJavaError } from './java-errors.js';
import { TERMINAL_STATES, type JobState } from './rest.js';

/** Default wait for a savepoint to complete. */
export const SAVEPOINT_TIMEOUT_MS = 5 * 60_000;

/** What a local look at a savepoint path found. */
export interface SavepointCheck {
  path: string;
  /** The path on this machine, for file: URIs and plain paths; null for other schemes. */
  localPath: string | null;
  /** true: a savepoint (its _metadata) is there; false: it is not; null: not checked (not a local path). */
  exists: boolean | null;
  note?: string;
}

/**
 * Looks for a savepoint (or retained checkpoint) on the local file system: a
 * directory holding `_metadata`, or the `_metadata` file itself. Flink writes
 * `file:/x`; people type `file:///x` or `/x`. Other schemes (s3://, hdfs://)
 * are not checked.
 */
export function checkSavepointPath(path: string, cwd: string = process.cwd()): SavepointCheck {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(path)?.[1]?.toLowerCase();
  let localPath: string;
  if (scheme === 'file') {
    try {
      localPath = fileURLToPath(path.replace(/^file:\/(?!\/)/i, 'file:///'));
    } catch {
      return { path, localPath: null, exists: false, note: 'not a valid file: URI' };
    }
  } else if (scheme && scheme.length > 1) {
    return { path, localPath: null, exists: null, note: `not checked: ${scheme}: paths are not on this machine` };
  } else {
    localPath = isAbsolute(path) ? path : resolve(cwd, path);
  }
  if (!existsSync(localPath)) return { path, localPath, exists: false };
  const isDir = statSync(localPath).isDirectory();
  const exists = isDir ? existsSync(join(localPath, '_metadata')) : basename(localPath) === '_metadata';
  return { path, localPath, exists, ...(exists ? {} : { note: 'no _metadata there: not a savepoint or checkpoint' }) };
}

/** A savepoint path for Flink: relative paths are made absolute (the JobManager has its own working directory). */
export function savepointPathForFlink(path: string, cwd: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(path)?.[1];
  if (scheme && scheme.length > 1) return path;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** Fails with exit 2 unless a savepoint is where `path` says (when it can be checked here). */
export function requireSavepoint(path: string, cwd: string): SavepointCheck {
  const check = checkSavepointPath(path, cwd);
  if (check.exists === false) {
    throw new UsageError(`savepoint ${path} does not exist${check.note ? ` (${check.note})` : ''}`, {
      hint: 'give the directory Flink reported (savepoint-… or chk-N), or `streamctl flink describe <job>` for its latest savepoint',
    });
  }
  return check;
}

export interface SavepointOptions {
  /** Where Flink writes it. Default: the cluster's execution.checkpointing.savepoint-dir. */
  targetDirectory?: string;
  /** How long to wait for it to complete. Default: SAVEPOINT_TIMEOUT_MS (5 min). */
  timeoutMs?: number;
}

export interface StopOptions extends SavepointOptions {
  /** Let event time run to the end (MAX_WATERMARK) before stopping, firing every window. Default: false. */
  drain?: boolean;
}

export interface SavepointResult {
  jobId: string;
  name: string;
  /** The savepoint as Flink reports it (what `--from-savepoint` takes). */
  location: string;
  check: SavepointCheck;
  /** The job's state afterwards: RUNNING after `savepoint`, FINISHED after `stop`. */
  jobState: JobState;
}

/** Flink refuses a savepoint while tasks are still deploying; that passes, so it is retried. */
const NOT_ALL_RUNNING = /not being executed at the moment|Not all required tasks are currently running/i;

async function ensureTarget(deps: FlinkDeps, options: SavepointOptions): Promise<string | undefined> {
  if (options.targetDirectory) return savepointPathForFlink(options.targetDirectory, deps.cwd ?? process.cwd());
  const config = await deps.rest.clusterConfig();
  if (!config['execution.checkpointing.savepoint-dir'] && !config['state.savepoints.dir']) {
    throw new UsageError('the Flink cluster has no default savepoint directory (execution.checkpointing.savepoint-dir)', {
      hint: 'pass --savepoint-dir <dir>',
    });
  }
  return undefined;
}

async function runSavepoint(
  deps: FlinkDeps,
  jobId: string,
  action: string,
  trigger: () => Promise<string>,
  timeoutMs: number,
): Promise<string> {
  const sleep = sleepOf(deps);
  const now = nowOf(deps);
  const deadline = now() + timeoutMs;
  for (;;) {
    const triggerId = await trigger();
    let delay = 200;
    for (;;) {
      const status = await deps.rest.savepointStatus(jobId, triggerId);
      if (status.status.id === 'COMPLETED') {
        const location = status.operation?.location;
        if (location) return location;
        const trace = status.operation?.['failure-cause']?.['stack-trace'] ?? status.operation?.['failure-cause']?.class ?? 'no details';
        const reason = summarizeJavaError(trace);
        if (NOT_ALL_RUNNING.test(reason) && now() + 1000 < deadline) break;
        throw new CheckFailedError(`unable to ${action}: ${reason}`, {
          hint: 'the job keeps running; `streamctl flink describe <job>` shows its checkpoints and exceptions',
        });
      }
      if (now() > deadline) {
        throw new CheckFailedError(`unable to ${action}: not complete after ${Math.round(timeoutMs / 1000)}s`, {
          hint: 'large state takes longer: raise --timeout; the savepoint may still complete in the background',
        });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
    await sleep(1000);
  }
}

async function waitForEnd(deps: FlinkDeps, jobId: string, timeoutMs: number): Promise<JobState> {
  const sleep = sleepOf(deps);
  const now = nowOf(deps);
  const deadline = now() + timeoutMs;
  for (;;) {
    const d = await deps.rest.job(jobId);
    if (TERMINAL_STATES.has(d.state) || now() > deadline) return d.state;
    await sleep(300);
  }
}

/** Takes a savepoint of a running job, which keeps running; waits for it and returns where it is. */
export async function takeSavepoint(deps: FlinkDeps, jobId: string, options: SavepointOptions = {}): Promise<SavepointResult> {
  const job = await deps.rest.job(jobId);
  if (job.state !== 'RUNNING')
    throw new UsageError(`unable to take a savepoint of job ${jobId} (${job.name}): it is ${job.state}, not RUNNING`);
  const targetDirectory = await ensureTarget(deps, options);
  const location = await runSavepoint(
    deps,
    jobId,
    `take a savepoint of job ${jobId} (${job.name})`,
    () => deps.rest.triggerSavepoint(jobId, { cancelJob: false, ...(targetDirectory ? { targetDirectory } : {}) }),
    options.timeoutMs ?? SAVEPOINT_TIMEOUT_MS,
  );
  return { jobId, name: job.name, location, check: checkSavepointPath(location), jobState: job.state };
}

/**
 * Stops a job with a savepoint (sources stop, a final savepoint is taken, the
 * job ends FINISHED); waits for both and returns where the savepoint is.
 */
export async function stopWithSavepoint(deps: FlinkDeps, jobId: string, options: StopOptions = {}): Promise<SavepointResult> {
  const job = await deps.rest.job(jobId);
  if (job.state !== 'RUNNING') throw new UsageError(`unable to stop job ${jobId} (${job.name}): it is ${job.state}, not RUNNING`);
  const targetDirectory = await ensureTarget(deps, options);
  const location = await runSavepoint(
    deps,
    jobId,
    `stop job ${jobId} (${job.name}) with a savepoint`,
    () => deps.rest.stopWithSavepoint(jobId, { drain: options.drain ?? false, ...(targetDirectory ? { targetDirectory } : {}) }),
    options.timeoutMs ?? SAVEPOINT_TIMEOUT_MS,
  );
  // The savepoint is complete before the job has ended; its slots are free only once it has.
  const jobState = await waitForEnd(deps, jobId, 60_000);
  return { jobId, name: job.name, location, check: checkSavepointPath(location), jobState };
}
