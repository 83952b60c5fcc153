import type { BackpressureLevel, FlinkJobView } from './types.js';

/**
 * The Flink side of the collector: job state, records in/out per second,
 * backpressure and last checkpoint age from the JobManager's REST API.
 *
 * Why its own client and not src/flink/jobs.ts: that module is being written
 * at the same time for the `flink` commands, and the dashboard needs different
 * things from it — a per-second poll that must stay cheap (vertex plans and
 * metric names are cached per job), a hard timeout on every request, and
 * numbers rather than job management. The two can be merged once both exist.
 *
 * Definitions (Flink's own metrics, each already a per-second rate averaged by
 * Flink over about a minute):
 * - records in/s: what the job's source tasks emit (numRecordsOutPerSecond of
 *   vertices without inputs), i.e. records read from outside the job;
 * - records out/s: what arrives at its sink tasks (numRecordsInPerSecond of
 *   vertices no other vertex reads from);
 * - a job chained into a single vertex has no task-level input or output, so
 *   its in/s comes from the source operator's metric and its out/s is unknown;
 * - backpressure: the highest backPressuredTimeMsPerSecond of any subtask, as a
 *   share of time, with the levels of Flink's web UI (ok ≤ 10 % < low ≤ 50 % < high);
 * - last checkpoint age: now minus the completion (last acknowledgement) of
 *   the latest completed checkpoint.
 */
export interface FlinkReader {
  jobs(now: number): Promise<FlinkJobView[]>;
}

export interface FlinkReaderOptions {
  /** Timeout of each REST request. Default: 3 s. */
  timeoutMs?: number;
  /** Running jobs whose metrics are read (the rest show their state only). Default: 20. */
  maxDetailedJobs?: number;
  /** Finished, failed and cancelled jobs listed after the running ones. Default: 10. */
  maxEndedJobs?: number;
}

interface Overview {
  jobs: { jid: string; name: string; state: string; 'start-time': number; duration: number }[];
}

interface JobDetail {
  vertices: { id: string; name: string }[];
  plan: { nodes: { id: string; inputs?: { id: string }[] }[] };
}

interface Plan {
  sources: string[];
  sinks: string[];
  vertices: string[];
  /** For a single-vertex job: the source operator's records-out metric, if Flink reports one. */
  sourceOperatorMetric?: string | null;
}

type MetricAgg = { id: string; sum?: number | string; max?: number | string }[];

const METRICS = 'numRecordsInPerSecond,numRecordsOutPerSecond,backPressuredTimeMsPerSecond';

export function flinkReader(baseUrl: string, options: FlinkReaderOptions = {}): FlinkReader {
  const url = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 3_000;
  const plans = new Map<string, Plan>();

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${path}`);
    return (await res.json()) as T;
  };

  const planOf = async (jid: string): Promise<Plan> => {
    const cached = plans.get(jid);
    if (cached) return cached;
    const detail = await get<JobDetail>(`/jobs/${jid}`);
    const inputsOf = new Map(detail.plan.nodes.map((n) => [n.id, (n.inputs ?? []).map((i) => i.id)]));
    const read = new Set([...inputsOf.values()].flat());
    const vertices = detail.vertices.map((v) => v.id);
    const plan: Plan = {
      vertices,
      sources: vertices.filter((v) => (inputsOf.get(v) ?? []).length === 0),
      sinks: vertices.filter((v) => !read.has(v)),
    };
    if (vertices.length === 1) {
      const names = await get<{ id: string }[]>(`/jobs/${jid}/vertices/${vertices[0]}/subtasks/metrics`).catch(() => []);
      plan.sourceOperatorMetric = names.map((m) => m.id).find((id) => /^Source__.*\.numRecordsOutPerSecond$/.test(id)) ?? null;
    }
    plans.set(jid, plan);
    return plan;
  };

  const metricsOf = async (jid: string, vid: string, extra?: string | null): Promise<Map<string, { sum: number; max: number }>> => {
    const agg = await get<MetricAgg>(`/jobs/${jid}/vertices/${vid}/subtasks/metrics?get=${METRICS}${extra ? `,${extra}` : ''}&agg=sum,max`);
    return new Map(agg.map((m) => [m.id, { sum: num(m.sum), max: num(m.max) }]));
  };

  const detailOf = async (job: Overview['jobs'][number], now: number): Promise<Partial<FlinkJobView>> => {
    const [plan, checkpoints] = await Promise.all([
      planOf(job.jid),
      get<{ counts?: { failed?: number }; latest?: { completed?: { latest_ack_timestamp?: number } | null } }>(
        `/jobs/${job.jid}/checkpoints`,
      ),
    ]);
    const metrics = new Map(
      await Promise.all(plan.vertices.map(async (v) => [v, await metricsOf(job.jid, v, plan.sourceOperatorMetric)] as const)),
    );
    const sumOf = (vertices: string[], id: string) => {
      let total = 0;
      let any = false;
      for (const v of vertices) {
        const m = metrics.get(v)?.get(id);
        if (m && Number.isFinite(m.sum)) {
          total += m.sum;
          any = true;
        }
      }
      return any ? total : null;
    };
    const single = plan.vertices.length === 1;
    let ratio: number | null = null;
    for (const m of metrics.values()) {
      const bp = m.get('backPressuredTimeMsPerSecond')?.max;
      if (bp !== undefined && Number.isFinite(bp)) ratio = Math.max(ratio ?? 0, Math.min(1, bp / 1000));
    }
    const ack = checkpoints.latest?.completed?.latest_ack_timestamp;
    return {
      recordsInPerSec: single
        ? plan.sourceOperatorMetric
          ? sumOf(plan.vertices, plan.sourceOperatorMetric)
          : null
        : sumOf(plan.sources, 'numRecordsOutPerSecond'),
      recordsOutPerSec: single ? null : sumOf(plan.sinks, 'numRecordsInPerSecond'),
      backpressure: ratio === null ? null : { ratio, level: backpressureLevel(ratio) },
      lastCheckpointAgeMs: typeof ack === 'number' && ack > 0 ? Math.max(0, now - ack) : null,
      checkpointsFailed: checkpoints.counts?.failed ?? 0,
    };
  };

  return {
    async jobs(now) {
      const { jobs } = await get<Overview>('/jobs/overview');
      const running = jobs.filter((j) => j.state === 'RUNNING').sort((a, b) => b['start-time'] - a['start-time']);
      const others = jobs
        .filter((j) => j.state !== 'RUNNING')
        .sort((a, b) => b['start-time'] - a['start-time'])
        .slice(0, options.maxEndedJobs ?? 10);
      const detailed = new Set(running.slice(0, options.maxDetailedJobs ?? 20).map((j) => j.jid));
      // Plans of jobs that are gone would otherwise pile up over a long session.
      for (const jid of plans.keys()) if (!detailed.has(jid)) plans.delete(jid);
      return Promise.all(
        [...running, ...others].map(async (j) => {
          const base: FlinkJobView = {
            id: j.jid,
            name: j.name,
            state: j.state,
            startTime: j['start-time'],
            durationMs: j.duration,
            recordsInPerSec: null,
            recordsOutPerSec: null,
            backpressure: null,
            lastCheckpointAgeMs: null,
            checkpointsFailed: 0,
          };
          if (!detailed.has(j.jid)) return base;
          // A job that finishes between the overview and its details keeps its overview row.
          const detail = await detailOf(j, now).catch(() => ({}));
          return { ...base, ...detail };
        }),
      );
    },
  };
}

export function backpressureLevel(ratio: number): BackpressureLevel {
  return ratio > 0.5 ? 'high' : ratio > 0.1 ? 'low' : 'ok';
}

function num(v: number | string | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
}
