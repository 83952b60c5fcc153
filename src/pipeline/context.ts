import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { UsageError, describeCause } from '../errors.js';
import { nowOf, sleepOf, type FlinkDeps } from '../flink/deps.js';
import { allTasksRunning, rootCause } from '../flink/jobs.js';
import { FlinkRestError, TERMINAL_STATES, type JobDetails, type JobOverview } from '../flink/rest.js';
import { submitJob, type SubmitResult } from '../flink/submit.js';
import type { ProgressSink } from '../progress.js';
import type { RegistryClient } from '../registry/client.js';
import { COUNT_WINDOW_JAR, schemaFileFor, type PipelineJobDef } from './definition.js';
import { ensureJar, type JarBuildResult, type MavenRunner } from './build.js';
import type { PipelineDb } from './postgres.js';
import { countWindowArgs, renderJobSql, templateValues, type JobEndpoints, type PipelineSettings } from './render.js';
import { localDir, findRestorePoint, type RestorePoint } from './restore.js';
import type { PipelineStateStore } from './state.js';

/**
 * Everything the pipeline operations talk to, passed in so tests can swap any of it.
 * Submitting, waiting, stopping and cancelling go through src/flink (the same code as
 * `streamctl flink submit|stop|cancel`), so pipeline jobs are recorded like any other.
 */
export interface PipelineDeps {
  flink: FlinkDeps;
  kafka: Pick<Kafka, 'admin'>;
  registry: Pick<RegistryClient, 'register' | 'lookup'>;
  db: PipelineDb;
  state: PipelineStateStore;
  /** Where the jobs connect, as the Flink cluster sees it. */
  endpoints: JobEndpoints;
  /** The jobs/ folder (templates, postgres.sql, the count-window Maven project). */
  jobsDir: string;
  /** Finds the project's schemas/ (else the bundled ones). */
  cwd: string;
  maven?: MavenRunner;
  progress?: ProgressSink;
}

export const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`unable to read ${file}: ${describeCause(err)}`, {
      hint: 'the pipeline needs the jobs/ and schemas/ folders shipped with streamctl',
    });
  }
};

/** The schema files the pipeline registers and the SQL jobs embed. */
export function pipelineSchemaFiles(cwd: string): { transactionEvent: string; userEvent: string; symbolStats: string } {
  return {
    transactionEvent: schemaFileFor(cwd, 'transaction_event.avsc'),
    userEvent: schemaFileFor(cwd, 'user_event.avsc'),
    symbolStats: schemaFileFor(cwd, 'symbol_stats.avsc'),
  };
}

/** The active (not terminal) cluster job of this name; the newest when several are. */
export function activeJobNamed(jobs: JobOverview[], name: string): JobOverview | undefined {
  return jobs.filter((j) => j.name === name && !TERMINAL_STATES.has(j.state)).sort((a, b) => b['start-time'] - a['start-time'])[0];
}

/** A job ready to submit: the SQL text, or the jar and its arguments. */
export type PreparedJob = { kind: 'sql'; sql: string; file: string } | { kind: 'jar'; jar: string; args: string[]; build: JarBuildResult };

/** Renders a SQL job, or builds (when needed) a jar job and works out its arguments. */
export async function prepareJob(deps: PipelineDeps, job: PipelineJobDef, settings: PipelineSettings): Promise<PreparedJob> {
  if (job.kind === 'sql') {
    const file = join(deps.jobsDir, job.path);
    const schemas = pipelineSchemaFiles(deps.cwd);
    const values = templateValues(settings, deps.endpoints, {
      transactionEvent: readText(schemas.transactionEvent),
      symbolStats: readText(schemas.symbolStats),
    });
    return { kind: 'sql', sql: renderJobSql(job, readText(file), values), file };
  }
  const projectDir = join(deps.jobsDir, job.path);
  const build = await ensureJar(projectDir, COUNT_WINDOW_JAR, {
    // The pom bundles the platform's transaction schema as the reader schema.
    extraInputs: [join(projectDir, '..', '..', 'schemas', 'transaction_event.avsc')],
    ...(deps.maven ? { maven: deps.maven } : {}),
    ...(deps.progress ? { progress: deps.progress } : {}),
  });
  return { kind: 'jar', jar: build.jar, args: countWindowArgs(job, settings, deps.endpoints), build };
}

/** Submits a prepared job through src/flink without waiting for it to run. */
export async function submitPrepared(
  deps: PipelineDeps,
  job: PipelineJobDef,
  prepared: PreparedJob,
  name: string,
  fromSavepoint: string | undefined,
): Promise<SubmitResult> {
  const common = { name, parallelism: 1, wait: false, ...(fromSavepoint ? { fromSavepoint } : {}) };
  return prepared.kind === 'sql'
    ? submitJob(deps.flink, { ...common, kind: 'sql', file: prepared.file, sql: prepared.sql })
    : submitJob(deps.flink, { ...common, kind: 'jar', file: prepared.jar, args: prepared.args });
}

/** The cluster's checkpoint directory, where retained checkpoints of forgotten jobs may still be. */
export async function checkpointDir(deps: PipelineDeps): Promise<string | undefined> {
  try {
    const config = await deps.flink.rest.clusterConfig();
    return localDir(config['execution.checkpointing.dir'] ?? config['state.checkpoints.dir']);
  } catch (err) {
    if (err instanceof FlinkRestError) return undefined;
    throw err;
  }
}

export async function restorePointFor(deps: PipelineDeps, jobName: string, dir: string | undefined): Promise<RestorePoint | undefined> {
  return findRestorePoint(deps.flink.rest, deps.state.get(jobName), dir ? { checkpointDir: dir } : {});
}

/**
 * Waits until every task of the job runs. Unlike a fresh submission, a job that is
 * restarting (its TaskManager died and is coming back) is waited for, not failed: that is
 * the recovery `up` is there to see through. Terminal states fail at once.
 */
export async function waitForRunning(deps: PipelineDeps, jobId: string, timeoutMs: number): Promise<JobDetails> {
  const sleep = sleepOf(deps.flink);
  const now = nowOf(deps.flink);
  const deadline = now() + timeoutMs;
  for (;;) {
    let details: JobDetails | undefined;
    try {
      details = await deps.flink.rest.job(jobId);
    } catch (err) {
      if (!(err instanceof FlinkRestError && err.status === 404)) throw err;
    }
    if (details && allTasksRunning(details)) return details;
    if (details && TERMINAL_STATES.has(details.state)) {
      const cause = await rootCause(deps.flink.rest, jobId);
      throw new UsageError(`job ${jobId} (${details.name}) is ${details.state}${cause ? `: ${cause}` : ''}`, {
        hint: '`streamctl flink describe <job>` shows its exceptions; `streamctl pipeline up` starts it again',
      });
    }
    if (now() > deadline) {
      const running = details
        ? `${details.vertices.filter((v) => v.status === 'RUNNING').length}/${details.vertices.length} operators running`
        : 'not listed';
      const cause = details?.state === 'RESTARTING' ? await rootCause(deps.flink.rest, jobId) : undefined;
      throw new UsageError(
        `job ${jobId}${details ? ` (${details.name})` : ''} is not running after ${Math.round(timeoutMs / 1000)}s: ${details?.state ?? 'unknown'}, ${running}${cause ? `; last failure: ${cause}` : ''}`,
        { hint: 'the cluster may be out of task slots (the pipeline needs 3): see `streamctl flink jobs` and `streamctl dev status`' },
      );
    }
    await sleep(500);
  }
}
