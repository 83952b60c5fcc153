import { cancelJob } from '../flink/jobs.js';
import { stopWithSavepoint } from '../flink/savepoints.js';
import { activeJobNamed, type PipelineDeps } from './context.js';
import { pipelineNames, selectJobs, type PipelineJobKey } from './definition.js';

export interface DownOptions {
  suffix?: string;
  jobs?: string[];
  /** Cancel instead of stopping with a savepoint (the next `up` resumes from the last retained checkpoint). Default: false. */
  cancel?: boolean;
}

export interface DownRow {
  job: PipelineJobKey;
  name: string;
  /** null when the job was not running. */
  id: string | null;
  action: 'stopped' | 'canceled' | 'not running';
  /** The savepoint `up` will resume from. */
  savepoint: string | null;
}

/**
 * Stops the pipeline's jobs with a savepoint each (no drain: open windows stay open in the
 * savepoint, so nothing is emitted early) and records where, so the next `up` resumes every
 * job exactly where it stopped — no gap, no duplicate.
 */
export async function pipelineDown(deps: PipelineDeps, options: DownOptions = {}): Promise<DownRow[]> {
  const names = pipelineNames(options.suffix);
  const overview = await deps.flink.rest.jobsOverview();
  const progress = deps.progress ?? (() => {});
  return Promise.all(
    selectJobs(options.jobs).map(async (job): Promise<DownRow> => {
      const name = names.jobName(job);
      const active = activeJobNamed(overview, name);
      if (!active) return { job: job.key, name, id: null, action: 'not running', savepoint: null };
      if (options.cancel) {
        progress({ task: `cancel ${name}`, state: 'start' });
        await cancelJob(deps.flink, active.jid);
        progress({ task: `cancel ${name}`, state: 'done' });
        return { job: job.key, name, id: active.jid, action: 'canceled', savepoint: null };
      }
      progress({ task: `stop ${name}`, state: 'start', detail: 'savepoint' });
      const sp = await stopWithSavepoint(deps.flink, active.jid, { drain: false });
      const record = deps.state.get(name);
      deps.state.set(name, {
        jobId: active.jid,
        submittedAt: record?.jobId === active.jid ? record.submittedAt : new Date(active['start-time']).toISOString(),
        restoredFrom: record?.jobId === active.jid ? record.restoredFrom : null,
        savepoint: { path: sp.location, takenAt: new Date().toISOString() },
      });
      progress({ task: `stop ${name}`, state: 'done', detail: sp.location });
      return { job: job.key, name, id: active.jid, action: 'stopped', savepoint: sp.location };
    }),
  );
}
