import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { StreamctlError, ExitCode } from '../errors.js';
import { flinkCall, type FlinkEndpoint } from './http.js';

/** Default timeout of every JobManager REST call: a JobManager that doesn't answer must not hang a command. */
export const FLINK_TIMEOUT_MS = 10_000;
/** Jar uploads and `/jars/:id/run` (which runs the jar's main) get longer. */
export const FLINK_SLOW_TIMEOUT_MS = 120_000;

export type JobState =
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

/** States a job never leaves (a session cluster without HA does not resume SUSPENDED jobs). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED']);

export interface JobOverview {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  'end-time': number;
  duration: number;
  'last-modification': number;
  tasks: Record<string, number>;
}

export interface VertexDetails {
  id: string;
  name: string;
  parallelism: number;
  maxParallelism?: number;
  status: string;
  'start-time': number;
  duration: number;
  tasks: Record<string, number>;
}

export interface PlanNode {
  id: string;
  parallelism: number;
  description?: string;
  inputs?: { id: string }[];
}

export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  'job-type'?: string;
  'start-time': number;
  'end-time': number;
  duration: number;
  now: number;
  maxParallelism?: number;
  vertices: VertexDetails[];
  plan?: { nodes: PlanNode[] };
}

export interface MetricAggregate {
  id: string;
  min?: number;
  max?: number;
  avg?: number;
  sum?: number;
}

export interface CheckpointStat {
  id: number;
  status: string;
  is_savepoint: boolean;
  trigger_timestamp: number;
  latest_ack_timestamp: number;
  checkpointed_size: number;
  state_size: number;
  end_to_end_duration: number;
  external_path?: string;
  checkpoint_type?: string;
  failure_timestamp?: number;
  failure_message?: string;
}

export interface RestoredCheckpoint {
  id: number;
  restore_timestamp: number;
  is_savepoint: boolean;
  external_path?: string;
}

export interface CheckpointingStats {
  counts: { restored: number; total: number; in_progress: number; completed: number; failed: number };
  latest: {
    completed: CheckpointStat | null;
    savepoint: CheckpointStat | null;
    failed: CheckpointStat | null;
    restored: RestoredCheckpoint | null;
  };
  history: CheckpointStat[];
}

export interface ExceptionEntry {
  exceptionName: string;
  stacktrace: string;
  timestamp: number;
  taskName?: string | null;
  endpoint?: string | null;
}

export interface AsyncOperation {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  operation?: { location?: string; 'failure-cause'?: { class?: string; 'stack-trace'?: string } };
}

export interface JarRunRequest {
  /** Main class; default: the jar manifest's Main-Class or program-class. */
  entryClass?: string;
  programArgsList?: string[];
  /** Default: the cluster's parallelism.default. */
  parallelism?: number;
  savepointPath?: string;
  allowNonRestoredState?: boolean;
  /** Options for the job's configuration, e.g. pipeline.name. */
  flinkConfiguration?: Record<string, string>;
}

/** An HTTP answer from the JobManager that was not a success: the status and Flink's one-line reason. */
export class FlinkRestError extends StreamctlError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    hint?: string,
  ) {
    super(message, ExitCode.Usage, hint ? { hint } : {});
  }
}

export interface FlinkRestOptions {
  /** JobManager REST base URL, e.g. http://localhost:8082. */
  url: string;
  /** Per-request timeout. Default: FLINK_TIMEOUT_MS (10 s). */
  timeoutMs?: number;
  /** Timeout of jar upload and run. Default: FLINK_SLOW_TIMEOUT_MS (120 s). */
  slowTimeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

/** What the flink commands and `streamctl top` need from the JobManager, so tests and callers can swap it. */
export type FlinkRestApi = Pick<
  FlinkRestClient,
  | 'url'
  | 'clusterConfig'
  | 'jobsOverview'
  | 'job'
  | 'vertexMetrics'
  | 'checkpoints'
  | 'exceptions'
  | 'cancel'
  | 'stopWithSavepoint'
  | 'triggerSavepoint'
  | 'savepointStatus'
  | 'uploadJar'
  | 'runJar'
  | 'deleteJar'
>;

interface CallOptions {
  body?: unknown;
  form?: FormData;
  timeoutMs?: number;
}

/**
 * A small client for the Flink JobManager REST API: typed answers, a timeout
 * on every call, and Flink's Java stack traces boiled down to one line.
 */
export class FlinkRestClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly slowTimeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly endpoint: FlinkEndpoint;

  constructor(options: FlinkRestOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? FLINK_TIMEOUT_MS;
    this.slowTimeoutMs = options.slowTimeoutMs ?? FLINK_SLOW_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
    this.endpoint = {
      fetchFn: this.fetchFn,
      url: this.url,
      what: 'Flink JobManager',
      hint: 'check flink.url or STREAMCTL_FLINK_URL (local platform: `streamctl dev up`)',
    };
  }

  private async call<T>(action: string, method: string, path: string, options: CallOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const init: RequestInit = {
      method,
      headers: options.form ? {} : { 'content-type': 'application/json', accept: 'application/json' },
      ...(options.form ? { body: options.form } : options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    };
    const r = await flinkCall<T>(this.endpoint, action, path, init, timeoutMs);
    if (!r.ok) throw new FlinkRestError(`unable to ${action}: ${r.reason} (HTTP ${r.status})`, r.status, r.reason);
    return r.data;
  }

  /** The JobManager's effective configuration, key → value. */
  async clusterConfig(): Promise<Record<string, string>> {
    const entries = await this.call<{ key: string; value: string }[]>('read the Flink cluster configuration', 'GET', '/jobmanager/config');
    return Object.fromEntries(entries.map((e) => [e.key, e.value]));
  }

  async jobsOverview(): Promise<JobOverview[]> {
    const r = await this.call<{ jobs: JobOverview[] }>('list Flink jobs', 'GET', '/jobs/overview');
    return r.jobs;
  }

  async job(jobId: string): Promise<JobDetails> {
    return this.call<JobDetails>(`read Flink job ${jobId}`, 'GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  /** Subtask metrics of a vertex, aggregated; ids the vertex doesn't have are left out. */
  async vertexMetrics(jobId: string, vertexId: string, names: string[], aggs: string[] = ['sum', 'max']): Promise<MetricAggregate[]> {
    const get = names.map(encodeURIComponent).join(',');
    return this.call<MetricAggregate[]>(
      `read metrics of Flink job ${jobId}`,
      'GET',
      `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics?get=${get}&agg=${aggs.join(',')}`,
    );
  }

  async checkpoints(jobId: string): Promise<CheckpointingStats> {
    return this.call<CheckpointingStats>(`read checkpoints of Flink job ${jobId}`, 'GET', `/jobs/${jobId}/checkpoints`);
  }

  /** The job's exception history, newest first. */
  async exceptions(jobId: string, max = 10): Promise<ExceptionEntry[]> {
    const r = await this.call<{ exceptionHistory?: { entries?: ExceptionEntry[] } }>(
      `read exceptions of Flink job ${jobId}`,
      'GET',
      `/jobs/${jobId}/exceptions?maxExceptions=${max}`,
    );
    return r.exceptionHistory?.entries ?? [];
  }

  async cancel(jobId: string): Promise<void> {
    await this.call<unknown>(`cancel Flink job ${jobId}`, 'PATCH', `/jobs/${jobId}?mode=cancel`);
  }

  /** Starts stop-with-savepoint; returns the trigger id to poll. No directory: the cluster's savepoint-dir. */
  async stopWithSavepoint(jobId: string, options: { targetDirectory?: string; drain: boolean }): Promise<string> {
    const r = await this.call<{ 'request-id': string }>(`stop Flink job ${jobId} with a savepoint`, 'POST', `/jobs/${jobId}/stop`, {
      body: { drain: options.drain, ...(options.targetDirectory ? { targetDirectory: options.targetDirectory } : {}) },
    });
    return r['request-id'];
  }

  /** Starts a savepoint; returns the trigger id to poll. No directory: the cluster's savepoint-dir. */
  async triggerSavepoint(jobId: string, options: { targetDirectory?: string; cancelJob: boolean }): Promise<string> {
    const r = await this.call<{ 'request-id': string }>(`take a savepoint of Flink job ${jobId}`, 'POST', `/jobs/${jobId}/savepoints`, {
      body: { 'cancel-job': options.cancelJob, ...(options.targetDirectory ? { 'target-directory': options.targetDirectory } : {}) },
    });
    return r['request-id'];
  }

  async savepointStatus(jobId: string, triggerId: string): Promise<AsyncOperation> {
    return this.call<AsyncOperation>(`read savepoint status of Flink job ${jobId}`, 'GET', `/jobs/${jobId}/savepoints/${triggerId}`);
  }

  /** Uploads a jar (multipart field `jarfile`); returns its id on the cluster. */
  async uploadJar(path: string): Promise<string> {
    const bytes = await readFile(path);
    const form = new FormData();
    form.append('jarfile', new Blob([bytes], { type: 'application/java-archive' }), basename(path));
    const r = await this.call<{ filename: string; status: string }>(`upload ${basename(path)} to Flink`, 'POST', '/jars/upload', {
      form,
      timeoutMs: this.slowTimeoutMs,
    });
    return basename(r.filename);
  }

  /** Runs an uploaded jar's main, which submits the job; returns the job id. */
  async runJar(jarId: string, request: JarRunRequest): Promise<string> {
    const r = await this.call<{ jobid: string }>(`run ${jarId.replace(/^[0-9a-f-]{36}_/, '')} on Flink`, 'POST', `/jars/${jarId}/run`, {
      body: request,
      timeoutMs: this.slowTimeoutMs,
    });
    return r.jobid;
  }

  async deleteJar(jarId: string): Promise<void> {
    await this.call<unknown>(`delete uploaded jar ${jarId}`, 'DELETE', `/jars/${jarId}`);
  }
}
