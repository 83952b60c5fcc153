import { FlinkRestError } from '../flink/rest.js';
import { activeJobNamed, checkpointDir, restorePointFor, type PipelineDeps } from './context.js';
import { pipelineNames, selectJobs, type PipelineJobKey } from './definition.js';

export interface StatusRow {
  job: PipelineJobKey;
  name: string;
  /** The running (or otherwise active) job; null when none is. */
  id: string | null;
  state: string;
  /** Since when it runs, ms since epoch. */
  startTime: number | null;
  /** Age of its newest completed checkpoint, ms; null without one. */
  lastCheckpointAgeMs: number | null;
  /** Where `up` would resume it from when it is not running; null: from scratch. */
  resumeFrom: string | null;
  tables: Record<string, number>;
}

export interface StatusResult {
  suffix: string;
  jobs: StatusRow[];
  /** Every job runs. */
  up: boolean;
}

/** Each pipeline job's state on the cluster, its last checkpoint, and the rows in its tables. */
export async function pipelineStatus(deps: PipelineDeps, options: { suffix?: string; jobs?: string[] } = {}): Promise<StatusResult> {
  const names = pipelineNames(options.suffix);
  const overview = await deps.flink.rest.jobsOverview();
  const dir = await checkpointDir(deps);
  const now = Date.now();
  const jobs: StatusRow[] = [];
  for (const job of selectJobs(options.jobs)) {
    const name = names.jobName(job);
    const active = activeJobNamed(overview, name);
    let lastCheckpointAgeMs: number | null = null;
    if (active) {
      try {
        const c = (await deps.flink.rest.checkpoints(active.jid)).latest.completed;
        if (c) lastCheckpointAgeMs = Math.max(0, now - c.latest_ack_timestamp);
      } catch (err) {
        if (!(err instanceof FlinkRestError)) throw err;
      }
    }
    const point = active ? undefined : await restorePointFor(deps, name, dir);
    let tables: Record<string, number> = {};
    try {
      tables = await deps.db.rowCounts(names.tables(job));
    } catch {
      // Status still answers about Flink when Postgres is down.
    }
    jobs.push({
      job: job.key,
      name,
      id: active?.jid ?? null,
      state: active?.state ?? 'NOT RUNNING',
      startTime: active?.['start-time'] ?? null,
      lastCheckpointAgeMs,
      resumeFrom: point?.path ?? null,
      tables,
    });
  }
  return { suffix: names.suffix, jobs, up: jobs.every((j) => j.state === 'RUNNING') };
}
