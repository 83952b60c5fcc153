import kafkajs, { type Admin } from 'kafkajs';
import { CheckFailedError, StreamctlError, describeCause } from '../errors.js';
import { ensureTopic } from '../kafka/topics.js';
import { join } from 'node:path';
import {
  activeJobNamed,
  checkpointDir,
  pipelineSchemaFiles,
  prepareJob,
  readText,
  restorePointFor,
  submitPrepared,
  waitForRunning,
  type PipelineDeps,
  type PreparedJob,
} from './context.js';
import { pipelineNames, selectJobs, type PipelineJobKey } from './definition.js';
import { DEFAULTS, type PipelineSettings } from './render.js';

export interface UpOptions {
  /** Run a copy of the pipeline with its own names (see PipelineNames). Default: the pipeline itself. */
  suffix?: string;
  /** Only these jobs (keys or names). Default: all three. */
  jobs?: string[];
  /** Partitions of topics `up` creates. Default: 3. */
  partitions?: number;
  /** Replication factor of topics `up` creates; -1: the broker default. Default: -1. */
  replicationFactor?: number;
  watermarkDelayMs?: number;
  idleTimeoutMs?: number;
  windowSize?: number;
  /** How long to wait for every job to run. Default: 3 min. */
  timeoutMs?: number;
}

export interface TopicRow {
  topic: string;
  partitions: number;
  created: boolean;
  /** retention.ms of the topic (-1: kept forever), when it could be read. */
  retentionMs: number | null;
}

export interface SchemaRow {
  subject: string;
  file: string;
  id: number;
  action: 'registered' | 'unchanged';
}

/**
 * running: it was already running and was left alone; restored: started from its newest
 * savepoint or retained checkpoint; started: started without state (its tables were empty);
 * rebuilt: started without state because none could be found, after emptying its tables.
 */
export type JobAction = 'running' | 'restored' | 'started' | 'rebuilt';

export interface JobRow {
  job: PipelineJobKey;
  name: string;
  id: string;
  state: string;
  action: JobAction;
  /** The savepoint or checkpoint it resumed from. */
  from: string | null;
  /** The PostgreSQL tables it writes. */
  tables: string[];
}

export interface UpResult {
  suffix: string;
  topics: TopicRow[];
  schemas: SchemaRow[];
  tables: string[];
  jar: { path: string; action: 'built' | 'fresh'; durationMs?: number } | null;
  jobs: JobRow[];
  warnings: string[];
}

export const UP_TIMEOUT_MS = 180_000;

export function settingsOf(options: UpOptions): PipelineSettings {
  return {
    names: pipelineNames(options.suffix),
    watermarkDelayMs: options.watermarkDelayMs ?? DEFAULTS.watermarkDelayMs,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    windowSize: options.windowSize ?? DEFAULTS.windowSize,
  };
}

async function retentionOf(admin: Admin, topic: string): Promise<number | null> {
  try {
    const r = await admin.describeConfigs({
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    const value = r.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue;
    return value === undefined || value === null ? null : Number(value);
  } catch {
    return null;
  }
}

/**
 * Topics: transactions (the log), user-events, symbol-stats. The log is the projection's
 * source of truth, so a transactions topic created here keeps its records forever
 * (retention.ms=-1): a rebuild can only replay what the topic still has.
 */
async function ensureTopics(deps: PipelineDeps, settings: PipelineSettings, options: UpOptions, warnings: string[]): Promise<TopicRow[]> {
  const { topics } = settings.names;
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const rows: TopicRow[] = [];
    for (const topic of [topics.transactions, topics.userEvents, topics.symbolStats]) {
      const t = await ensureTopic(admin, topic, {
        partitions: options.partitions ?? 3,
        replicationFactor: options.replicationFactor ?? -1,
      });
      if (t.created && topic === topics.transactions) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
        });
      }
      const retentionMs = await retentionOf(admin, topic);
      if (topic === topics.transactions && retentionMs !== null && retentionMs >= 0) {
        warnings.push(
          `topic ${topic} keeps records for ${Math.round(retentionMs / 3_600_000)}h only: a rebuild replays what is left (streamctl topics alter ${topic} --config retention.ms=-1 keeps it all)`,
        );
      }
      rows.push({ topic, partitions: t.partitions, created: t.created, retentionMs });
    }
    return rows;
  } catch (err) {
    if (err instanceof StreamctlError) throw err;
    throw new StreamctlError(`unable to create the pipeline topics: ${describeCause(err)}`, 2, {
      hint: 'check that Kafka is reachable (local platform: `streamctl dev up`)',
      cause: err,
    });
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Registers the three value schemas under <topic>-value (TopicNameStrategy), as `produce` and Flink expect. */
async function registerSchemas(deps: PipelineDeps, settings: PipelineSettings): Promise<SchemaRow[]> {
  const files = pipelineSchemaFiles(deps.cwd);
  const { topics } = settings.names;
  const rows: SchemaRow[] = [];
  for (const [topic, file] of [
    [topics.transactions, files.transactionEvent],
    [topics.userEvents, files.userEvent],
    [topics.symbolStats, files.symbolStats],
  ] as const) {
    // Compact JSON, as `schemas register` and Flink's serializer send it: the same text is the same version.
    const text = JSON.stringify(JSON.parse(readText(file)));
    const subject = `${topic}-value`;
    const existing = await deps.registry.lookup(subject, text);
    if (existing) rows.push({ subject, file, id: existing.id, action: 'unchanged' });
    else rows.push({ subject, file, id: (await deps.registry.register(subject, text)).id, action: 'registered' });
  }
  return rows;
}

/**
 * Brings the pipeline up: topics, schemas, tables, the count-window jar, and its three jobs,
 * then waits until every job runs. Idempotent: a job already running under its name is left
 * alone; a job that is not running resumes from its newest savepoint or retained checkpoint,
 * and only without one starts from scratch (its tables emptied, the log replayed).
 */
export async function pipelineUp(deps: PipelineDeps, options: UpOptions = {}): Promise<UpResult> {
  const settings = settingsOf(options);
  const { names } = settings;
  const jobs = selectJobs(options.jobs);
  const progress = deps.progress ?? (() => {});
  const warnings: string[] = [];

  progress({ task: 'topics', state: 'start' });
  const topics = await ensureTopics(deps, settings, options, warnings);
  progress({ task: 'topics', state: 'done', detail: topics.map((t) => t.topic).join(', ') });

  progress({ task: 'schemas', state: 'start' });
  const schemas = await registerSchemas(deps, settings);
  progress({ task: 'schemas', state: 'done', detail: schemas.map((s) => s.subject).join(', ') });

  progress({ task: 'postgres tables', state: 'start' });
  await deps.db.ensureTables(readText(join(deps.jobsDir, 'postgres.sql')), names.suffix);
  const tables = jobs.flatMap((j) => names.tables(j));
  progress({ task: 'postgres tables', state: 'done', detail: tables.join(', ') });

  const overview = await deps.flink.rest.jobsOverview();
  const dir = await checkpointDir(deps);
  const rows: JobRow[] = [];
  let jar: UpResult['jar'] = null;
  for (const job of jobs) {
    const name = names.jobName(job);
    const base = { job: job.key, name, tables: names.tables(job) };
    const active = activeJobNamed(overview, name);
    if (active) {
      rows.push({ ...base, id: active.jid, state: active.state, action: 'running', from: null });
      continue;
    }
    const prepared: PreparedJob = await prepareJob(deps, job, settings);
    if (prepared.kind === 'jar')
      jar = {
        path: prepared.jar,
        action: prepared.build.action,
        ...(prepared.build.durationMs !== undefined ? { durationMs: prepared.build.durationMs } : {}),
      };
    const point = await restorePointFor(deps, name, dir);
    let action: JobAction = 'restored';
    if (!point) {
      // No state to resume from: the job recomputes everything from the log, so whatever its tables hold goes first.
      const counts = await deps.db.rowCounts(names.tables(job));
      action = Object.values(counts).some((n) => n > 0) ? 'rebuilt' : 'started';
      if (action === 'rebuilt') await deps.db.truncate(names.tables(job));
    }
    progress({ task: `submit ${name}`, state: 'start', detail: point ? `from ${point.path}` : 'from the earliest offset' });
    const submitted = await submitPrepared(deps, job, prepared, name, point?.path);
    deps.state.set(name, { jobId: submitted.jobId, submittedAt: new Date().toISOString(), restoredFrom: point?.path ?? null });
    progress({ task: `submit ${name}`, state: 'done', detail: submitted.jobId });
    rows.push({ ...base, id: submitted.jobId, state: submitted.state, action, from: point?.path ?? null });
  }

  progress({ task: 'jobs running', state: 'start' });
  const timeoutMs = options.timeoutMs ?? UP_TIMEOUT_MS;
  const settled = await Promise.allSettled(rows.map((r) => waitForRunning(deps, r.id, timeoutMs)));
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') rows[i]!.state = s.value.state;
  });
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    progress({ task: 'jobs running', state: 'fail' });
    const reason = failed.reason as Error;
    throw new CheckFailedError(`the pipeline is not up: ${reason.message}`, {
      hint: (reason as StreamctlError).hint ?? 'see `streamctl pipeline status`',
      cause: reason,
    });
  }
  progress({ task: 'jobs running', state: 'done', detail: `${rows.length} job${rows.length === 1 ? '' : 's'}` });
  return { suffix: names.suffix, topics, schemas, tables, jar, jobs: rows, warnings };
}
