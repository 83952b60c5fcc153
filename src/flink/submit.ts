import { existsSync, readFileSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { CheckFailedError, ConfigError, UsageError, describeCause } from '../errors.js';
import { nowOf, sleepOf, type FlinkDeps } from './deps.js';
import { SqlStatementError, type SqlGatewayApi } from './gateway.js';
import { sqlErrorPosition } from './java-errors.js';
import { allTasksRunning, rootCause } from './jobs.js';
import { FlinkRestError, TERMINAL_STATES, type JobDetails, type JobState } from './rest.js';
import { requireSavepoint, savepointPathForFlink } from './savepoints.js';
import {
  SqlSplitError,
  planSqlScript,
  singleStatementText,
  sourcePosition,
  statementSetText,
  type SqlScript,
  type StatementSetText,
} from './sql-split.js';
import type { SubmissionRecord } from './submissions.js';

/** Default wait for a submitted job to have every task RUNNING. */
export const START_TIMEOUT_MS = 120_000;

/** Flink 2.x names of the restore options (1.x: execution.savepoint.path / .ignore-unclaimed-state). */
export const STATE_RECOVERY_PATH = 'execution.state-recovery.path';
export const IGNORE_UNCLAIMED_STATE = 'execution.state-recovery.ignore-unclaimed-state';
const LEGACY_RECOVERY_PATH = 'execution.savepoint.path';

export type JobKind = 'sql' | 'jar';

/** What makes a job: the file, and for jars how to call its main. */
export interface JobArtifact {
  kind: JobKind;
  /** The .sql or .jar file (absolute, or relative to deps.cwd). */
  file: string;
  /** SQL text to run instead of reading `file` (a recorded submission). Default: the file's content. */
  sql?: string;
  /** The jar to upload instead of `file` (a kept copy). Default: `file`. */
  jarPath?: string;
  /** Jar main class. Default: the manifest's Main-Class. */
  entryClass?: string;
  /** Jar program arguments. Default: none. */
  args?: string[];
  /** Default: the cluster's parallelism.default (SQL: or the file's SET). */
  parallelism?: number;
  /** pipeline.name. Default: SQL: the file's SET, else Flink's generated name; jar: what main gives execute(). */
  name?: string;
}

export interface SubmitOptions extends JobArtifact {
  /** Restore from this savepoint or retained checkpoint. Default: start without state (SQL: unless the file SETs it). */
  fromSavepoint?: string;
  /** Start even if some savepoint state maps to no operator. Default: false. */
  allowNonRestoredState?: boolean;
  /** Return only once every task is RUNNING (failing with the job's root cause if it fails first). Default: true. */
  wait?: boolean;
  /** How long to wait for RUNNING. Default: START_TIMEOUT_MS (2 min). */
  waitTimeoutMs?: number;
  /** Recorded with the submission: the job this one replaces. */
  upgradedFrom?: string;
}

export interface SubmitResult {
  jobId: string;
  name: string;
  state: JobState;
  kind: JobKind;
  file: string;
  fromSavepoint: string | null;
  parallelism: number | null;
  /** SQL: how many INSERTs went into the job's statement set. */
  inserts?: number;
}

/** A job that started and then failed, or never started; carries its id and one-line cause. Exit 1. */
export class JobFailedError extends CheckFailedError {
  constructor(
    message: string,
    readonly jobId: string,
    readonly state: JobState,
    readonly reason: string,
    options: { hint?: string } = {},
  ) {
    super(message, options);
  }
}

export function jobKindOf(file: string): JobKind {
  const ext = extname(file).toLowerCase();
  if (ext === '.sql') return 'sql';
  if (ext === '.jar') return 'jar';
  throw new UsageError(`unable to submit ${file}: not a .sql or .jar file`, {
    hint: 'Flink SQL goes in a .sql file; a DataStream job in a .jar',
  });
}

/**
 * Splits `--args "<args>"` like a shell: whitespace separates, single and
 * double quotes group, a backslash escapes the next character (outside single quotes).
 */
export function splitArgs(input: string): string[] {
  const args: string[] = [];
  let current = '';
  let has = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < input.length) current += input[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < input.length) {
      current += input[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) args.push(current);
      current = '';
      has = false;
    } else {
      current += c;
      has = true;
    }
  }
  if (quote) throw new UsageError(`unbalanced ${quote} in --args`, { hint: 'close the quote, e.g. --args "--name \'my job\'"' });
  if (has) args.push(current);
  return args;
}

const display = (file: string, cwd: string): string => {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
};

/** Session options from the flags, applied after the file's own SETs so flags win. */
export function flagSettings(options: SubmitOptions, cwd: string): Record<string, string> {
  const settings: Record<string, string> = {};
  if (options.name) settings['pipeline.name'] = options.name;
  if (options.parallelism !== undefined) settings['parallelism.default'] = String(options.parallelism);
  if (options.fromSavepoint) settings[STATE_RECOVERY_PATH] = savepointPathForFlink(options.fromSavepoint, cwd);
  if (options.allowNonRestoredState) settings[IGNORE_UNCLAIMED_STATE] = 'true';
  // streamctl submits detached; a synchronous INSERT would hold the statement until the job ends.
  settings['table.dml-sync'] = 'false';
  return settings;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

async function submitSql(gateway: SqlGatewayApi, options: SubmitOptions, file: string, shown: string, cwd: string) {
  let text = options.sql;
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`unable to read ${shown}: ${describeCause(err)}`);
    }
  }
  let script: SqlScript;
  try {
    script = planSqlScript(text);
  } catch (err) {
    if (err instanceof SqlSplitError) throw new UsageError(`unable to submit ${shown}: line ${err.line}: ${err.message}`);
    throw err;
  }
  const flags = flagSettings(options, cwd);
  const recovery = options.fromSavepoint ?? script.settings[STATE_RECOVERY_PATH] ?? script.settings[LEGACY_RECOVERY_PATH];
  if (recovery) requireSavepoint(recovery, cwd);

  const fail = (sent: StatementSetText, err: SqlStatementError): never => {
    const where = sourcePosition(sent, sqlErrorPosition(err.reason));
    const at = where.column !== undefined ? ` (${shown}:${where.line}:${where.column})` : '';
    throw new SqlStatementError(
      `unable to submit ${shown}: the statement at line ${where.statement.line} failed: ${err.reason}${at}`,
      err.reason,
      {
        hint: 'fix the statement; `streamctl flink submit` runs the file statement by statement through the SQL Gateway',
        cause: err,
      },
    );
  };

  const session = await gateway.openSession({ name: `streamctl ${shown}` });
  try {
    for (const step of script.steps) {
      try {
        await gateway.execute(session, step.statement.text);
      } catch (err) {
        if (err instanceof SqlStatementError) fail(singleStatementText(step.statement), err);
        throw err;
      }
    }
    for (const [key, value] of Object.entries(flags)) await gateway.execute(session, `SET ${quote(key)} = ${quote(value)}`);
    const sent = statementSetText(script.inserts);
    let jobId: string | undefined;
    try {
      jobId = (await gateway.execute(session, sent.text)).jobId;
    } catch (err) {
      if (err instanceof SqlStatementError) fail(sent, err);
      throw err;
    }
    if (!jobId) throw new UsageError(`unable to submit ${shown}: the SQL Gateway started no job`);
    return { jobId, inserts: script.inserts.length, name: flags['pipeline.name'] ?? script.settings['pipeline.name'], sql: text };
  } finally {
    await gateway.closeSession(session);
  }
}

async function submitJar(deps: FlinkDeps, options: SubmitOptions, file: string, shown: string, cwd: string) {
  const jar = options.jarPath ?? file;
  if (!existsSync(jar)) throw new UsageError(`unable to submit ${shown}: no such file`);
  if (options.fromSavepoint) requireSavepoint(options.fromSavepoint, cwd);
  const savepointPath = options.fromSavepoint ? savepointPathForFlink(options.fromSavepoint, cwd) : undefined;
  let jarId: string;
  try {
    jarId = await deps.rest.uploadJar(jar);
  } catch (err) {
    if (err instanceof FlinkRestError) throw new UsageError(`unable to submit ${shown}: upload refused: ${err.reason}`, { cause: err });
    throw err;
  }
  try {
    const jobId = await deps.rest.runJar(jarId, {
      ...(options.entryClass ? { entryClass: options.entryClass } : {}),
      programArgsList: options.args ?? [],
      ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
      ...(savepointPath ? { savepointPath, allowNonRestoredState: options.allowNonRestoredState ?? false } : {}),
      ...(options.name ? { flinkConfiguration: { 'pipeline.name': options.name } } : {}),
    });
    return { jobId, name: options.name };
  } catch (err) {
    if (err instanceof FlinkRestError) {
      const noMain = /Main-Class|program-class|entry ?class/i.test(err.reason);
      throw new UsageError(`unable to submit ${shown}: ${err.reason}`, {
        hint: noMain
          ? 'name the main class with --class <fully.qualified.Main>'
          : 'the jar ran on the JobManager and failed before submitting a job',
        cause: err,
      });
    }
    throw err;
  } finally {
    // The cluster keeps uploaded jars until deleted; streamctl keeps its own copy for rollbacks.
    await deps.rest.deleteJar(jarId).catch(() => {});
  }
}

function failureHint(state: JobState, cause: string | undefined): string {
  if (cause && /NoResourceAvailable|Could not acquire the minimum required resources/i.test(cause)) {
    return 'the cluster has no free task slot: `streamctl flink jobs` shows what holds them (cancel the job, or free a slot and submit again)';
  }
  if (TERMINAL_STATES.has(state)) return '`streamctl flink describe <job>` shows its exceptions';
  return 'cancel it with `streamctl flink cancel <job>`, fix, and submit again';
}

/**
 * Waits until every task of a job is RUNNING (a bounded job may also just
 * FINISH). Fails with the job's root cause when it fails, restarts or is
 * canceled first, and after `timeoutMs` (default START_TIMEOUT_MS).
 */
export async function waitUntilRunning(deps: FlinkDeps, jobId: string, options: { timeoutMs?: number } = {}): Promise<JobDetails> {
  const sleep = sleepOf(deps);
  const now = nowOf(deps);
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS;
  const deadline = now() + timeoutMs;
  let last: JobDetails | undefined;
  for (;;) {
    try {
      last = await deps.rest.job(jobId);
    } catch (err) {
      // Right after submission the dispatcher may not list the job yet.
      if (!(err instanceof FlinkRestError && err.status === 404) || now() > deadline) throw err;
    }
    if (last) {
      const failedState = ['FAILING', 'FAILED', 'RESTARTING', 'CANCELLING', 'CANCELED', 'SUSPENDED'].includes(last.state);
      const ready = allTasksRunning(last) || last.state === 'FINISHED';
      const cause = failedState || ready ? await rootCause(deps.rest, jobId) : undefined;
      if (failedState || (ready && cause)) {
        const what =
          last.state === 'CANCELED' || last.state === 'CANCELLING'
            ? 'was canceled'
            : TERMINAL_STATES.has(last.state) || last.state === 'FAILING'
              ? 'failed'
              : 'failed and is restarting';
        throw new JobFailedError(
          `job ${jobId} (${last.name}) ${what}: ${cause ?? 'no exception recorded'}`,
          jobId,
          last.state,
          cause ?? last.state,
          { hint: failureHint(last.state, cause) },
        );
      }
      if (ready) return last;
    }
    if (now() > deadline) {
      const tasks = last
        ? `${last.vertices.filter((v) => v.status === 'RUNNING').length}/${last.vertices.length} operators running`
        : 'not listed yet';
      throw new JobFailedError(
        `job ${jobId} did not start within ${Math.round(timeoutMs / 1000)}s (${last?.state ?? 'unknown'}, ${tasks})`,
        jobId,
        last?.state ?? 'CREATED',
        'start timeout',
        { hint: 'the cluster may be out of task slots: see `streamctl flink jobs` and `streamctl dev status`' },
      );
    }
    await sleep(500);
  }
}

/**
 * Submits a SQL file through the SQL Gateway (one session; SETs and DDL in
 * order; all INSERTs as one statement set) or a jar through the JobManager,
 * records what was submitted, and by default waits until it runs.
 */
export async function submitJob(deps: FlinkDeps, options: SubmitOptions): Promise<SubmitResult> {
  const cwd = deps.cwd ?? process.cwd();
  const file = resolve(cwd, options.file);
  const shown = display(file, cwd);
  if (options.sql === undefined && !options.jarPath && !existsSync(file)) throw new UsageError(`unable to submit ${shown}: no such file`);
  if (options.parallelism !== undefined && (!Number.isInteger(options.parallelism) || options.parallelism < 1)) {
    throw new UsageError(`invalid parallelism ${options.parallelism}: must be a positive integer`);
  }
  if (options.kind === 'sql' && (options.entryClass || options.args?.length)) {
    throw new UsageError('--class and --args are for jar jobs', { hint: 'a SQL file names everything it needs itself' });
  }
  let submitted: { jobId: string; name: string | undefined; inserts?: number; sql?: string };
  if (options.kind === 'sql') {
    if (!deps.gateway) throw new ConfigError('unable to submit SQL: no SQL Gateway configured', { hint: 'set sqlGateway.url' });
    submitted = await submitSql(deps.gateway, options, file, shown, cwd);
  } else {
    submitted = await submitJar(deps, options, file, shown, cwd);
  }
  const { jobId } = submitted;

  if (deps.store) {
    const record: SubmissionRecord = {
      jobId,
      kind: options.kind,
      file,
      ...(options.kind === 'sql' ? { sql: submitted.sql ?? '' } : { jar: deps.store.keepJar(options.jarPath ?? file) }),
      ...(options.entryClass ? { entryClass: options.entryClass } : {}),
      ...(options.args?.length ? { args: options.args } : {}),
      ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.fromSavepoint ? { fromSavepoint: savepointPathForFlink(options.fromSavepoint, cwd) } : {}),
      ...(options.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
      ...(options.upgradedFrom ? { upgradedFrom: options.upgradedFrom } : {}),
      submittedAt: new Date(nowOf(deps)()).toISOString(),
    };
    deps.store.put(record);
  }

  let details: JobDetails | undefined;
  if (options.wait ?? true) {
    details = await waitUntilRunning(deps, jobId, options.waitTimeoutMs !== undefined ? { timeoutMs: options.waitTimeoutMs } : {});
  } else {
    details = await deps.rest.job(jobId).catch(() => undefined);
  }
  return {
    jobId,
    name: details?.name ?? submitted.name ?? '',
    state: details?.state ?? 'INITIALIZING',
    kind: options.kind,
    file,
    fromSavepoint: options.fromSavepoint ? savepointPathForFlink(options.fromSavepoint, cwd) : null,
    parallelism:
      details && details.vertices.length > 0 ? Math.max(...details.vertices.map((v) => v.parallelism)) : (options.parallelism ?? null),
    ...(submitted.inserts !== undefined ? { inserts: submitted.inserts } : {}),
  };
}

/** The artifact a recorded submission describes, to run that exact version again. */
export function artifactFromRecord(record: SubmissionRecord): JobArtifact {
  return {
    kind: record.kind,
    file: record.file,
    ...(record.sql !== undefined ? { sql: record.sql } : {}),
    ...(record.jar ? { jarPath: record.jar.copy } : {}),
    ...(record.entryClass ? { entryClass: record.entryClass } : {}),
    ...(record.args ? { args: record.args } : {}),
    ...(record.parallelism !== undefined ? { parallelism: record.parallelism } : {}),
    ...(record.name ? { name: record.name } : {}),
  };
}
