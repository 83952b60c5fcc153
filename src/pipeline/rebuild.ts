import { join } from 'node:path';
import { cancelJob } from '../flink/jobs.js';
import { activeJobNamed, prepareJob, readText, submitPrepared, waitForRunning, type PipelineDeps } from './context.js';
import { jobByRef, type PipelineJobKey } from './definition.js';
import { settingsOf, UP_TIMEOUT_MS, type UpOptions } from './up.js';

export interface RebuildResult {
  job: PipelineJobKey;
  name: string;
  /** The job that was running before and was canceled (its state is discarded). */
  canceled: string | null;
  /** Tables emptied before the replay. */
  truncated: string[];
  id: string;
  state: string;
}

/**
 * Rebuilds one job's results from nothing but the log: cancel it (its state is thrown away),
 * empty its tables, forget its savepoints, and submit it without state — it then reads the
 * topic from the earliest offset (`scan.startup.mode` earliest-offset; the KafkaSource's
 * earliest initializer for the jar) and recomputes every row.
 *
 * The consumer group stays the same: a job without state ignores the group's committed
 * offsets (it starts from the earliest offset), and lag tools keep one group to watch while
 * the replay catches up.
 */
export async function rebuildJob(deps: PipelineDeps, ref: string, options: UpOptions = {}): Promise<RebuildResult> {
  const job = jobByRef(ref);
  const settings = settingsOf(options);
  const { names } = settings;
  const name = names.jobName(job);
  const progress = deps.progress ?? (() => {});

  // Build or render first: a broken jar or template must not leave the job canceled.
  const prepared = await prepareJob(deps, job, settings);
  await deps.db.ensureTables(readText(join(deps.jobsDir, 'postgres.sql')), names.suffix);

  const active = activeJobNamed(await deps.flink.rest.jobsOverview(), name);
  if (active) {
    progress({ task: `cancel ${name}`, state: 'start' });
    await cancelJob(deps.flink, active.jid);
    progress({ task: `cancel ${name}`, state: 'done' });
  }
  deps.state.set(name, undefined);
  const truncated = await deps.db.truncate(names.tables(job));
  progress({ task: `submit ${name}`, state: 'start', detail: 'from the earliest offset' });
  const submitted = await submitPrepared(deps, job, prepared, name, undefined);
  deps.state.set(name, { jobId: submitted.jobId, submittedAt: new Date().toISOString(), restoredFrom: null });
  const details = await waitForRunning(deps, submitted.jobId, options.timeoutMs ?? UP_TIMEOUT_MS);
  progress({ task: `submit ${name}`, state: 'done', detail: submitted.jobId });
  return { job: job.key, name, canceled: active?.jid ?? null, truncated, id: submitted.jobId, state: details.state };
}
