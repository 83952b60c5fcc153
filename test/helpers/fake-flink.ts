import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlinkDeps } from '../../src/flink/deps.js';
import { SqlStatementError, type SqlGatewayApi, type StatementResult } from '../../src/flink/gateway.js';
import {
  FlinkRestError,
  type AsyncOperation,
  type CheckpointingStats,
  type ExceptionEntry,
  type FlinkRestApi,
  type JarRunRequest,
  type JobDetails,
  type JobOverview,
  type JobState,
  type MetricAggregate,
} from '../../src/flink/rest.js';
import type { SubmissionRecord, SubmissionStoreApi } from '../../src/flink/submissions.js';

/** How a job the fake starts behaves: healthy, failing on start, or failing after some time. */
export type Behaviour = { kind: 'healthy' } | { kind: 'fail-at-start'; error: string } | { kind: 'fail-after'; ms: number; error: string };

export interface FakeJob {
  jid: string;
  name: string;
  state: JobState;
  start: number;
  end: number;
  behaviour: Behaviour;
  restoredFrom: string | null;
  exceptions: ExceptionEntry[];
  vertices: { id: string; name: string; parallelism: number; inputs: string[] }[];
  metrics: Record<string, MetricAggregate[]>;
  /** How it was started, for assertions. */
  submittedWith: Record<string, unknown>;
}

const trace = (error: string) =>
  `org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n\tat x.Y.z(Y.java:1)\nCaused by: ${error}\n\tat a.B.c(B.java:2)\n`;

/**
 * An in-memory JobManager with a fake clock: jobs become RUNNING 1 s after
 * they start, then follow their behaviour; savepoints are written as real
 * directories (with _metadata) under `savepointDir`.
 */
export class FakeFlink implements FlinkRestApi {
  readonly url = 'http://fake-jobmanager:8082';
  clock = 1_000_000;
  jobs = new Map<string, FakeJob>();
  calls: string[] = [];
  config: Record<string, string>;
  /** Behaviours for the next jobs started, in order; then healthy. */
  next: Behaviour[] = [];
  private seq = 0;

  constructor(readonly savepointDir: string) {
    this.config = { 'execution.checkpointing.savepoint-dir': `file://${savepointDir}` };
  }

  deps(extra: Partial<FlinkDeps> = {}): FlinkDeps {
    return {
      rest: this,
      sleep: async (ms) => {
        this.clock += Math.max(ms, 1);
      },
      now: () => this.clock,
      ...extra,
    };
  }

  addJob(name: string, options: Partial<FakeJob> = {}): FakeJob {
    const jid = options.jid ?? (++this.seq).toString(16).padStart(32, 'a');
    const job: FakeJob = {
      jid,
      name,
      state: 'RUNNING',
      start: this.clock,
      end: -1,
      behaviour: { kind: 'healthy' },
      restoredFrom: null,
      exceptions: [],
      vertices: [
        { id: `${jid.slice(0, 8)}src`, name: 'Source: gen[1] -> Calc[2]', parallelism: 1, inputs: [] },
        { id: `${jid.slice(0, 8)}snk`, name: 'GroupAggregate[3] -> out[4]: Writer', parallelism: 1, inputs: [`${jid.slice(0, 8)}src`] },
      ],
      metrics: {},
      submittedWith: {},
      ...options,
    };
    this.jobs.set(jid, job);
    return job;
  }

  /** Starts a job the way a submission would: CREATED, RUNNING a second later, then its behaviour. */
  start(name: string, submittedWith: Record<string, unknown>, restoredFrom: string | null): string {
    const behaviour = this.next.shift() ?? { kind: 'healthy' };
    const job = this.addJob(name, { state: 'CREATED', behaviour, restoredFrom, submittedWith });
    return job.jid;
  }

  private get(jobId: string): FakeJob {
    const job = this.jobs.get(jobId);
    if (!job)
      throw new FlinkRestError(`unable to read Flink job ${jobId}: Job ${jobId} not found (HTTP 404)`, 404, `Job ${jobId} not found`);
    this.advance(job);
    return job;
  }

  private advance(job: FakeJob): void {
    if (['CANCELED', 'FINISHED', 'FAILED'].includes(job.state)) return;
    const age = this.clock - job.start;
    if (job.state === 'CREATED' && age >= 1000) {
      if (job.behaviour.kind === 'fail-at-start') {
        job.state = 'FAILED';
        job.end = this.clock;
        job.exceptions.unshift({
          exceptionName: 'x',
          stacktrace: trace(job.behaviour.error),
          timestamp: this.clock,
          taskName: 'Source: gen[1]',
        });
        return;
      }
      job.state = 'RUNNING';
    }
    if (job.state === 'RUNNING' && job.behaviour.kind === 'fail-after' && age >= 1000 + job.behaviour.ms) {
      job.state = 'RESTARTING';
      job.exceptions.unshift({ exceptionName: 'x', stacktrace: trace(job.behaviour.error), timestamp: this.clock, taskName: 'Calc[2]' });
    }
  }

  async clusterConfig(): Promise<Record<string, string>> {
    return this.config;
  }

  async jobsOverview(): Promise<JobOverview[]> {
    this.calls.push('overview');
    return [...this.jobs.values()].map((j) => {
      this.advance(j);
      return {
        jid: j.jid,
        name: j.name,
        state: j.state,
        'start-time': j.start,
        'end-time': j.end,
        duration: (j.end > 0 ? j.end : this.clock) - j.start,
        'last-modification': this.clock,
        tasks: {},
      };
    });
  }

  async job(jobId: string): Promise<JobDetails> {
    const j = this.get(jobId);
    const running = j.state === 'RUNNING';
    return {
      jid: j.jid,
      name: j.name,
      state: j.state,
      'job-type': 'STREAMING',
      'start-time': j.start,
      'end-time': j.end,
      duration: (j.end > 0 ? j.end : this.clock) - j.start,
      now: this.clock,
      vertices: j.vertices.map((v) => ({
        id: v.id,
        name: v.name,
        parallelism: v.parallelism,
        status: running ? 'RUNNING' : j.state === 'CREATED' ? 'DEPLOYING' : j.state,
        'start-time': j.start,
        duration: 0,
        tasks: {},
      })),
      plan: { nodes: j.vertices.map((v) => ({ id: v.id, parallelism: v.parallelism, inputs: v.inputs.map((id) => ({ id })) })) },
    };
  }

  async vertexMetrics(jobId: string, vertexId: string, names: string[]): Promise<MetricAggregate[]> {
    const j = this.get(jobId);
    return (j.metrics[vertexId] ?? []).filter((m) => names.includes(m.id));
  }

  async checkpoints(jobId: string): Promise<CheckpointingStats> {
    const j = this.get(jobId);
    const completed = {
      id: 7,
      status: 'COMPLETED',
      is_savepoint: false,
      trigger_timestamp: this.clock - 3000,
      latest_ack_timestamp: this.clock - 2000,
      checkpointed_size: 100,
      state_size: 4096,
      end_to_end_duration: 12,
      external_path: `file:/tmp/chk/${j.jid}/chk-7`,
    };
    return {
      counts: { restored: j.restoredFrom ? 1 : 0, total: 7, in_progress: 0, completed: 7, failed: 0 },
      latest: {
        completed,
        savepoint: null,
        failed: null,
        restored: j.restoredFrom ? { id: 3, restore_timestamp: j.start, is_savepoint: true, external_path: j.restoredFrom } : null,
      },
      history: [completed],
    };
  }

  async exceptions(jobId: string, max = 10): Promise<ExceptionEntry[]> {
    return this.get(jobId).exceptions.slice(0, max);
  }

  async cancel(jobId: string): Promise<void> {
    this.calls.push(`cancel ${jobId}`);
    const j = this.get(jobId);
    j.state = 'CANCELED';
    j.end = this.clock;
  }

  private savepoints = new Map<string, AsyncOperation>();

  private writeSavepoint(jobId: string): string {
    const dir = join(this.savepointDir, `savepoint-${jobId.slice(0, 6)}-${(++this.seq).toString(16).padStart(12, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '_metadata'), 'fake');
    return `file:${dir}`;
  }

  async stopWithSavepoint(jobId: string, options: { targetDirectory?: string; drain: boolean }): Promise<string> {
    this.calls.push(`stop ${jobId}${options.drain ? ' drain' : ''}`);
    const j = this.get(jobId);
    const location = this.writeSavepoint(jobId);
    j.state = 'FINISHED';
    j.end = this.clock;
    const id = `stop-${this.seq}`;
    this.savepoints.set(id, { status: { id: 'COMPLETED' }, operation: { location } });
    return id;
  }

  async triggerSavepoint(jobId: string): Promise<string> {
    this.calls.push(`savepoint ${jobId}`);
    this.get(jobId);
    const id = `sp-${++this.seq}`;
    this.savepoints.set(id, { status: { id: 'COMPLETED' }, operation: { location: this.writeSavepoint(jobId) } });
    return id;
  }

  async savepointStatus(_jobId: string, triggerId: string): Promise<AsyncOperation> {
    return this.savepoints.get(triggerId)!;
  }

  async uploadJar(path: string): Promise<string> {
    this.calls.push(`upload ${path}`);
    return `00000000-0000-0000-0000-000000000000_${path.split('/').pop()}`;
  }

  async runJar(jarId: string, request: JarRunRequest): Promise<string> {
    this.calls.push(`run ${jarId}`);
    if (request.programArgsList?.includes('--fail-on-start')) {
      throw new FlinkRestError(
        'unable to run: The main method caused an error: asked to fail (HTTP 500)',
        500,
        'The main method caused an error: asked to fail',
      );
    }
    return this.start(request.flinkConfiguration?.['pipeline.name'] ?? 'jar-job', { ...request }, request.savepointPath ?? null);
  }

  async deleteJar(jarId: string): Promise<void> {
    this.calls.push(`delete ${jarId}`);
  }
}

/** A SQL Gateway in front of a FakeFlink: SETs are remembered per session; an INSERT starts a job. */
export class FakeGateway implements SqlGatewayApi {
  readonly url = 'http://fake-gateway:8083';
  statements: string[] = [];
  private sessions = new Map<string, Record<string, string>>();
  private seq = 0;

  constructor(private readonly flink: FakeFlink) {}

  async openSession(): Promise<string> {
    const id = `s${++this.seq}`;
    this.sessions.set(id, {});
    return id;
  }

  async closeSession(session: string): Promise<void> {
    this.sessions.delete(session);
  }

  async execute(session: string, statement: string): Promise<StatementResult> {
    this.statements.push(statement);
    const settings = this.sessions.get(session)!;
    const set = /^SET '([^']+)' = '([^']*)'$/.exec(statement);
    if (set) {
      settings[set[1]!] = set[2]!;
      return { columns: ['result'], rows: [['OK']] };
    }
    if (/no_such_fn/.test(statement)) {
      const line = statement.split('\n').findIndex((l) => l.includes('no_such_fn')) + 1;
      const reason = `SQL validation failed. From line ${line}, column 5 to line ${line}, column 14: No match found for function signature no_such_fn(<NUMERIC>)`;
      throw new SqlStatementError(reason, reason);
    }
    if (/^(INSERT|EXECUTE STATEMENT SET)/i.test(statement)) {
      const jobId = this.flink.start(
        settings['pipeline.name'] ?? 'insert-into_sink',
        { ...settings },
        settings['execution.state-recovery.path'] ?? null,
      );
      return { jobId, columns: ['job id'], rows: [[jobId]] };
    }
    return { columns: ['result'], rows: [['OK']] };
  }
}

/** Submissions kept in memory. */
export class MemoryStore implements SubmissionStoreApi {
  records = new Map<string, SubmissionRecord>();
  get(jobId: string): SubmissionRecord | undefined {
    return this.records.get(jobId);
  }
  put(record: SubmissionRecord): void {
    this.records.set(record.jobId, record);
  }
  keepJar(path: string): { copy: string; sha256: string } {
    return { copy: path, sha256: 'f'.repeat(64) };
  }
}
