import { listJobs, type JobDetailsCache, type JobSummary } from '../flink/jobs.js';
import type { FlinkRestApi } from '../flink/rest.js';
import type { FlinkJobView } from './types.js';

/**
 * The Flink side of the collector: the job listing of `streamctl flink jobs`
 * (src/flink/jobs.ts, which defines records in/out per second, backpressure
 * and checkpoint age), polled every sample. What a per-second poll adds:
 * job details are read once per running job and kept, only the newest
 * running jobs get metrics, ended jobs show their overview only, and a job
 * whose details fail (or time out) keeps its row instead of failing the
 * sample. Request timeouts are the REST client's.
 */
export interface FlinkReader {
  jobs(now: number): Promise<FlinkJobView[]>;
}

export interface FlinkReaderOptions {
  /** Running jobs whose metrics are read (the rest show their state only). Default: 20. */
  maxDetailedJobs?: number;
  /** Finished, failed and cancelled jobs listed after the active ones. Default: 10. */
  maxEndedJobs?: number;
}

export function flinkReader(rest: FlinkRestApi, options: FlinkReaderOptions = {}): FlinkReader {
  const cache: JobDetailsCache = new Map();
  return {
    async jobs(now) {
      const jobs = await listJobs(rest, {
        all: true,
        maxEnded: options.maxEndedJobs ?? 10,
        maxDetailed: options.maxDetailedJobs ?? 20,
        cache,
        bestEffort: true,
        now,
      });
      return jobs.map(jobView);
    },
  };
}

function jobView(j: JobSummary): FlinkJobView {
  return {
    id: j.id,
    name: j.name,
    state: j.state,
    startTime: j.startTime,
    durationMs: j.uptimeMs,
    recordsInPerSec: j.recordsInPerSecond,
    recordsOutPerSec: j.recordsOutPerSecond,
    backpressure: j.backpressure,
    lastCheckpointAgeMs: j.lastCheckpoint?.ageMs ?? null,
    checkpointsFailed: j.failedCheckpoints ?? 0,
  };
}
