import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';

/**
 * The platform's own pipeline: three jobs over the transaction log, their topics and their
 * PostgreSQL tables, and the names each gets. Pure, apart from finding the jobs/ folder.
 */

export type PipelineJobKey = 'analytics' | 'positions' | 'count-window';

export interface PipelineJobDef {
  /** What people type: `pipeline rebuild positions`. */
  key: PipelineJobKey;
  /** The Flink job name (before the suffix); how `up` finds a job already running. */
  name: string;
  kind: 'sql' | 'jar';
  /** Under jobs/: the .sql template, or the Maven project folder of a jar job. */
  path: string;
  /** Its PostgreSQL tables (before the suffix), emptied when it is rebuilt. */
  tables: string[];
  description: string;
}

export const PIPELINE_JOBS: readonly PipelineJobDef[] = [
  {
    key: 'analytics',
    name: 'transaction-analytics',
    kind: 'sql',
    path: 'transaction-analytics.sql',
    tables: ['symbol_window_stats', 'late_trades'],
    description: 'per-symbol 1-minute tumbling and 5-minute hopping windows: trades, volume, VWAP → Postgres and topic symbol-stats',
  },
  {
    key: 'positions',
    name: 'positions-projection',
    kind: 'sql',
    path: 'positions-projection.sql',
    tables: ['account_positions', 'account_cash'],
    description: 'positions per account and symbol, cash per account and currency → Postgres',
  },
  {
    key: 'count-window',
    name: 'count-window',
    kind: 'jar',
    path: 'count-window',
    tables: ['account_count_windows'],
    description: 'statistics of every N settled transactions per account and currency (DataStream job) → Postgres',
  },
];

/** The jar a jar job's Maven build produces, relative to its project folder. */
export const COUNT_WINDOW_JAR = join('target', 'count-window.jar');

/** Accepts a job's key or its Flink name: `positions` or `positions-projection`. */
export function jobByRef(ref: string): PipelineJobDef {
  const job = PIPELINE_JOBS.find((j) => j.key === ref || j.name === ref);
  if (!job) {
    throw new UsageError(`unknown pipeline job "${ref}"`, {
      hint: `the pipeline's jobs are ${PIPELINE_JOBS.map((j) => j.key).join(', ')}`,
    });
  }
  return job;
}

/** `analytics,positions` → those jobs in pipeline order; undefined or empty → all of them. */
export function selectJobs(refs: string[] | undefined): PipelineJobDef[] {
  if (!refs || refs.length === 0) return [...PIPELINE_JOBS];
  const keys = new Set(refs.flatMap((r) => r.split(',')).map((r) => jobByRef(r.trim()).key));
  return PIPELINE_JOBS.filter((j) => keys.has(j.key));
}

/**
 * Every name the pipeline uses. The suffix makes a second, independent copy beside the
 * first (own topics, tables, jobs, consumer groups and transactional ids) — what the tests
 * run, so they never touch the real pipeline's data.
 */
export interface PipelineNames {
  /** "" for the pipeline itself; "_<tag>" for a copy. */
  suffix: string;
  topics: { transactions: string; userEvents: string; symbolStats: string };
  jobName(job: PipelineJobDef): string;
  tables(job: PipelineJobDef): string[];
  groupId(job: PipelineJobDef): string;
}

export const BASE_TOPICS = { transactions: 'transactions', userEvents: 'user-events', symbolStats: 'symbol-stats' } as const;

/** The suffix for a tag: lower-case letters, digits and underscores, so it is a valid SQL identifier part everywhere. */
export function suffixOf(tag: string | undefined): string {
  if (tag === undefined || tag === '') return '';
  if (!/^[a-z0-9_]{1,24}$/.test(tag)) {
    throw new UsageError(`invalid --suffix "${tag}"`, { hint: 'use 1–24 lower-case letters, digits or underscores, e.g. --suffix it1' });
  }
  return `_${tag}`;
}

export function pipelineNames(tag?: string): PipelineNames {
  const suffix = suffixOf(tag);
  return {
    suffix,
    topics: {
      transactions: `${BASE_TOPICS.transactions}${suffix}`,
      userEvents: `${BASE_TOPICS.userEvents}${suffix}`,
      symbolStats: `${BASE_TOPICS.symbolStats}${suffix}`,
    },
    jobName: (job) => `${job.name}${suffix}`,
    tables: (job) => job.tables.map((t) => `${t}${suffix}`),
    groupId: (job) => `streamctl-${job.name}${suffix}`,
  };
}

/** The folder shipped with streamctl (dist/ and src/pipeline/ sit one or two levels below the package root). */
function bundledDir(name: string, probe: string): string {
  for (const rel of [`../${name}/`, `../../${name}/`]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, probe))) return dir;
  }
  return fileURLToPath(new URL(`../../${name}/`, import.meta.url));
}

/** A project's own jobs/ (from the working directory) wins over the bundled one, like schemas/. */
export function jobsDirFor(cwd: string): string {
  const own = join(cwd, 'jobs');
  return existsSync(join(own, 'transaction-analytics.sql')) ? own : bundledDir('jobs', 'transaction-analytics.sql');
}

/** A schema file: the project's own schemas/<file> when it has one, else the bundled one (as `produce` does). */
export function schemaFileFor(cwd: string, file: string): string {
  const own = join(cwd, 'schemas', file);
  return existsSync(own) ? own : join(bundledDir('schemas', 'transaction_event.avsc'), file);
}
