import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { Layout } from '../../src/platform/layout.js';
import { CACHE_ENTRIES } from '../../src/platform/versions.js';
import { cli, runningPlatform, unique } from '../helpers/platform.js';

/**
 * `streamctl flink` against the real local Flink session cluster and SQL
 * Gateway, through the built binary. The TaskManager's 4 slots are shared with
 * other tests: every job here runs at parallelism 1, at most two at a time,
 * and afterAll cancels whatever is left of them.
 */

let rest: string;
let gateway: string;
let dir: string;
const prefix = unique('it-flink');
const sqlName = `${prefix}-sql`;
const jarName = `${prefix}-jar`;
const foreignName = `${prefix}-foreign`;

interface JobJson {
  id: string;
  name: string;
  state: string;
  uptimeMs: number;
  parallelism: number | null;
  recordsInPerSecond: number | null;
  recordsOutPerSecond: number | null;
  backpressure: { ratio: number; level: string } | null;
  lastCheckpoint: { ageMs: number; sizeBytes: number } | null;
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${rest}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${path}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function jobsNamed(name: string): Promise<{ jid: string; name: string; state: string }[]> {
  const { jobs } = await api<{ jobs: { jid: string; name: string; state: string }[] }>('/jobs/overview');
  return jobs.filter((j) => j.name === name);
}

async function runningJob(name: string): Promise<string> {
  const running = (await jobsNamed(name)).filter((j) => j.state === 'RUNNING');
  expect(running, `running jobs named ${name}`).toHaveLength(1);
  return running[0]!.jid;
}

async function restoredFrom(jobId: string): Promise<string | undefined> {
  const stats = await api<{ latest: { restored: { external_path?: string; is_savepoint: boolean } | null } }>(`/jobs/${jobId}/checkpoints`);
  return stats.latest.restored?.external_path;
}

const localPath = (location: string): string => fileURLToPath(location.replace(/^file:\/(?!\/)/, 'file:///'));

/** A SQL job with keyed state (a count per key) and a second INSERT: one job, two sinks. */
function sqlJob(options: { where?: string; extra?: string } = {}): string {
  return `-- ${sqlName}: counts per key; two INSERTs, one job.
SET 'pipeline.name' = '${sqlName}';
SET 'parallelism.default' = '1';

CREATE TEMPORARY TABLE nums (
  k INT,
  note STRING -- a comment; with a semicolon
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5',
  'fields.k.min' = '0',
  'fields.k.max' = '3',
  'fields.note.length' = '4'
);
/* sinks; both blackholes */
CREATE TEMPORARY TABLE counts (k INT, c BIGINT) WITH ('connector' = 'blackhole');
CREATE TEMPORARY TABLE copies (k INT, note STRING) WITH ('connector' = 'blackhole');
${options.extra ?? ''}
INSERT INTO counts SELECT k, COUNT(*) FROM nums WHERE ${options.where ?? "note <> 'a;b'"} GROUP BY k;
INSERT INTO copies SELECT k, note FROM nums;
`;
}

beforeAll(async () => {
  const status = await runningPlatform();
  rest = status.flink.rest;
  gateway = status.sqlGateway.url;
  // The TaskManager's slots are shared with other test files and engineers: wait for one to free up.
  for (let i = 0; ; i++) {
    const { 'slots-available': free } = await api<{ 'slots-available': number }>('/overview');
    if (free >= 1) break;
    if (i >= 90) throw new Error('no free Flink task slot for 3 minutes: `streamctl flink jobs` shows what holds them');
    await new Promise((r) => setTimeout(r, 2000));
  }
  dir = mkdtempSync(join(tmpdir(), 'streamctl-it-flink-'));
  writeFileSync(join(dir, 'v1.sql'), sqlJob());
  // Same operators, another filter constant: the savepoint's state maps onto it.
  writeFileSync(join(dir, 'v2.sql'), sqlJob({ where: "note <> 'zz;zz'" }));
  writeFileSync(join(dir, 'no-such-function.sql'), sqlJob({ where: 'no_such_fn(k) > 0' }));
  // Same operators again, but the filter throws on the first record (random notes are not numbers).
  writeFileSync(join(dir, 'fails-at-runtime.sql'), sqlJob({ where: 'CAST(note AS INT) >= 0' }));
  writeFileSync(
    join(dir, 'syntax-error.sql'),
    `SET 'pipeline.name' = '${prefix}-never';\n\nCREATE TEMPORARY TABLE t (x INT) WITH ('connector' = 'blackhole');\nINSERT INTO t\nSELEC 1;\n`,
  );

  // A DataStream job compiled against the cluster's own flink-dist.
  const lib = join(resolveConfig().dev.cacheDir, CACHE_ENTRIES.flink, 'lib');
  const dist = readdirSync(lib).find((f) => /^flink-dist.*\.jar$/.test(f));
  if (!dist) throw new Error(`no flink-dist jar in ${lib}`);
  const classes = join(dir, 'classes');
  mkdirSync(classes);
  const source = fileURLToPath(new URL('../fixtures/java/flinkjob/io/streamctl/testjob/CountJob.java', import.meta.url));
  execFileSync('javac', ['-d', classes, '-cp', join(lib, dist), source], { stdio: 'pipe' });
  execFileSync('jar', ['cfe', join(dir, 'count.jar'), 'io.streamctl.testjob.CountJob', '-C', classes, '.'], { stdio: 'pipe' });
  execFileSync('jar', ['cf', join(dir, 'no-main.jar'), '-C', classes, '.'], { stdio: 'pipe' });
});

afterAll(async () => {
  if (rest) {
    const { jobs } = await api<{ jobs: { jid: string; name: string; state: string }[] }>('/jobs/overview');
    const ours = (j: { jid: string; name: string }) => j.name.startsWith(prefix) || started.has(j.jid);
    for (const j of jobs.filter((j) => ours(j) && !['FINISHED', 'CANCELED', 'FAILED'].includes(j.state))) {
      await fetch(`${rest}/jobs/${j.jid}?mode=cancel`, { method: 'PATCH' }).catch(() => {});
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  // Only ever inside the platform's own Flink data folder.
  const data = Layout.from(resolveConfig().dev).dataDir('flink');
  for (const sp of savepoints) {
    const path = localPath(sp);
    if (path.startsWith(join(data, 'savepoints') + '/')) rmSync(path, { recursive: true, force: true });
  }
  for (const id of started) rmSync(join(data, 'checkpoints', id), { recursive: true, force: true });
});

/** Job ids that submit and upgrade printed, so afterAll can cancel whatever a failed test left running. */
const started = new Set<string>();
/** Savepoints the commands printed, removed afterwards with the retained checkpoints of our jobs. */
const savepoints = new Set<string>();
async function flinkCli(args: string[]) {
  const r = await cli(args, { cwd: dir });
  const out = `${r.stdout}\n${r.stderr}`;
  if (args.includes('submit') || args.includes('upgrade')) {
    for (const id of out.match(/\b[0-9a-f]{32}\b/g) ?? []) started.add(id);
  }
  if (['savepoint', 'stop', 'upgrade'].some((verb) => args.includes(verb))) {
    for (const sp of out.match(/file:[^\s"]*\/savepoint-[0-9a-f]{6}-[0-9a-f]{12}/g) ?? []) savepoints.add(sp);
  }
  return r;
}
const flink = (...args: string[]) => flinkCli(['flink', ...args]);

describe('streamctl flink with a SQL job', () => {
  let jobId: string;

  it('submits a SQL file (SETs, DDL, two INSERTs) as one RUNNING job and prints its id', async () => {
    const r = await flink('submit', 'v1.sql');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, row, ...notes] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^JOB ID\s+NAME\s+STATE$/);
    expect(row).toMatch(new RegExp(`^[0-9a-f]{32}\\s+${sqlName}\\s+RUNNING$`));
    expect(notes).toContain('2 INSERT statements run as one statement set');
    jobId = row!.split(/\s+/)[0]!;

    expect((await jobsNamed(sqlName)).map((j) => j.jid)).toEqual([jobId]);
    const details = await api<{ plan: { nodes: { id: string; inputs?: { id: string }[] }[] } }>(`/jobs/${jobId}`);
    const fed = new Set(details.plan.nodes.flatMap((n) => (n.inputs ?? []).map((i) => i.id)));
    expect(details.plan.nodes.filter((n) => !fed.has(n.id))).toHaveLength(2);
  });

  it('lists it as RUNNING, as a table and as JSON', async () => {
    // Rates are one-minute averages the JobManager fetches every 10 s, and checkpoints run every 10 s: poll.
    let job: JobJson | undefined;
    for (let i = 0; i < 20; i++) {
      const json = await flinkCli(['-o', 'json', 'flink', 'jobs']);
      expect(json.code).toBe(0);
      job = (JSON.parse(json.stdout) as JobJson[]).find((j) => j.id === jobId);
      if (job?.recordsInPerSecond && job.recordsOutPerSecond && job.lastCheckpoint) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    if (!job) throw new Error(`job ${jobId} not listed`);
    expect(job).toMatchObject({ name: sqlName, state: 'RUNNING', parallelism: 1 });
    expect(Object.keys(job).sort()).toEqual(
      [
        'backpressure',
        'endTime',
        'failedCheckpoints',
        'id',
        'lastCheckpoint',
        'name',
        'parallelism',
        'recordsInPerSecond',
        'recordsOutPerSecond',
        'startTime',
        'state',
        'uptimeMs',
      ].sort(),
    );
    expect(job.uptimeMs).toBeGreaterThan(0);
    expect(job.recordsInPerSecond).toBeGreaterThan(0);
    expect(job.recordsOutPerSecond).toBeGreaterThan(0);
    expect(job.backpressure?.level).toBe('ok');
    expect(job.lastCheckpoint?.sizeBytes).toBeGreaterThan(0);

    const table = await flink('jobs');
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+STATE\s+UPTIME\s+PARALLELISM\s+IN\/S\s+OUT\/S\s+BACKPRESSURE\s+LAST CHECKPOINT$/,
    );
    expect(table.stdout).toMatch(new RegExp(`${jobId}\\s+${sqlName}\\s+RUNNING`));
  });

  it('describes it by id prefix and by name', async () => {
    const byPrefix = await flink('describe', jobId.slice(0, 6));
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.stdout).toContain(`Job:          ${jobId}`);
    expect(byPrefix.stdout).toMatch(/Vertices:\n\s+ID\s+NAME\s+PARALLELISM\s+STATUS/);
    expect(byPrefix.stdout).toMatch(/Checkpoints:\n\s+\d+ completed/);
    expect(byPrefix.stdout).toContain(`Submitted:    sql ${join(dir, 'v1.sql')}`);
    const byName = await flinkCli(['-o', 'json', 'flink', 'describe', sqlName]);
    const d = JSON.parse(byName.stdout) as { id: string; vertices: { source: boolean; sink: boolean }[]; exceptions: unknown[] };
    expect(d.id).toBe(jobId);
    expect(d.vertices.filter((v) => v.sink)).toHaveLength(2);
    expect(d.exceptions).toEqual([]);
  });

  it('takes a savepoint while it keeps running', async () => {
    const r = await flinkCli(['-o', 'json', 'flink', 'savepoint', jobId]);
    expect(r.code).toBe(0);
    const sp = JSON.parse(r.stdout) as { location: string; jobState: string; check: { exists: boolean } };
    expect(sp.jobState).toBe('RUNNING');
    expect(sp.check.exists).toBe(true);
    expect(existsSync(join(localPath(sp.location), '_metadata'))).toBe(true);
    expect((await api<{ state: string }>(`/jobs/${jobId}`)).state).toBe('RUNNING');
  });

  let stoppedAt: string;
  it('stops it with a savepoint, printing the path, and resumes from it', async () => {
    const r = await flink('stop', sqlName);
    expect(r.code).toBe(0);
    const row = r.stdout.trim().split('\n')[1]!;
    expect(row).toMatch(new RegExp(`^${jobId}\\s+${sqlName}\\s+FINISHED\\s+file:\\S+savepoint-\\S+$`));
    stoppedAt = row.split(/\s+/).at(-1)!;
    expect(existsSync(join(localPath(stoppedAt), '_metadata'))).toBe(true);
    expect((await api<{ state: string }>(`/jobs/${jobId}`)).state).toBe('FINISHED');

    const resumed = await flinkCli(['-o', 'json', 'flink', 'submit', 'v1.sql', '--from-savepoint', stoppedAt]);
    expect(resumed.code).toBe(0);
    const job = JSON.parse(resumed.stdout) as { jobId: string; state: string; fromSavepoint: string };
    expect(job).toMatchObject({ state: 'RUNNING', fromSavepoint: stoppedAt });
    expect(await restoredFrom(job.jobId)).toBe(stoppedAt);
    jobId = job.jobId;
  });

  it('upgrades it to a compatible version, carrying the state over through a savepoint', async () => {
    const r = await flinkCli(['-o', 'json', 'flink', 'upgrade', sqlName, 'v2.sql', '--grace', '5s']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { outcome: string; oldJobId: string; newJobId: string; savepoint: string };
    expect(result).toMatchObject({ outcome: 'upgraded', oldJobId: jobId });
    expect((await api<{ state: string }>(`/jobs/${jobId}`)).state).toBe('FINISHED');
    expect(await runningJob(sqlName)).toBe(result.newJobId);
    expect(await restoredFrom(result.newJobId)).toBe(result.savepoint);
    expect(r.stderr).toContain('watch it for 5s: ok');
    jobId = result.newJobId;
  });

  it('rolls back to the old version from the same savepoint when the new one does not start (exit 1)', async () => {
    const r = await flink('upgrade', sqlName, 'no-such-function.sql', '--grace', '5s');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: unable to upgrade job [0-9a-f]{32} \(.+\): the new version failed: the statement at line 19 failed: .*no_such_fn/,
    );
    expect(r.stderr).toContain('no-such-function.sql:19:');
    expect(r.stdout).toContain(`upgrade of ${sqlName} rolled back`);
    const hint = /hint: rolled back: the old version runs again as job ([0-9a-f]{32}), restored from (\S+)/.exec(r.stderr);
    expect(hint).not.toBeNull();
    const [, restored, savepoint] = hint!;
    expect(await runningJob(sqlName)).toBe(restored);
    expect(await restoredFrom(restored!)).toBe(savepoint);
    jobId = restored!;
  });

  it('rolls back when the new version fails after starting, within the grace period (exit 1)', async () => {
    const r = await flinkCli(['-o', 'json', 'flink', 'upgrade', sqlName, 'fails-at-runtime.sql', '--grace', '20s']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { outcome: string; newJobId: string; failure: string; restoredJobId: string; savepoint: string };
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure).toMatch(/NumberFormatException/);
    expect(['CANCELED', 'FAILED']).toContain((await api<{ state: string }>(`/jobs/${result.newJobId}`)).state);
    expect(await runningJob(sqlName)).toBe(result.restoredJobId);
    expect(await restoredFrom(result.restoredJobId)).toBe(result.savepoint);
    jobId = result.restoredJobId;
  });

  it('cancels it and waits for CANCELED', async () => {
    const r = await flink('cancel', jobId);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${jobId}\\s+${sqlName}\\s+CANCELED`));
    expect((await api<{ state: string }>(`/jobs/${jobId}`)).state).toBe('CANCELED');
  });
});

describe('streamctl flink with a jar job', () => {
  let jobId: string;

  it('uploads and runs a jar with program arguments', async () => {
    const r = await flinkCli(['-o', 'json', 'flink', 'submit', 'count.jar', '--args', `--name ${jarName} --rate 5`, '-p', '1']);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as { jobId: string; name: string; state: string; kind: string };
    expect(job).toMatchObject({ name: jarName, state: 'RUNNING', kind: 'jar' });
    jobId = job.jobId;
  });

  it("refuses a jar without a main class with Flink's reason (exit 2)", async () => {
    const r = await flink('submit', 'no-main.jar');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: unable to submit no-main.jar: Neither a 'Main-Class', nor a 'program-class' entry was found in the jar file.\nhint: name the main class with --class <fully.qualified.Main>\n",
    );
  });

  it('rolls back a jar upgrade whose main throws, from the savepoint (exit 1)', async () => {
    const r = await flinkCli([
      '-o',
      'json',
      'flink',
      'upgrade',
      jobId,
      'no-main.jar',
      '--class',
      'io.streamctl.testjob.CountJob',
      '--args',
      '--fail-on-start',
      '--grace',
      '3s',
    ]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as {
      outcome: string;
      newJobId: string | null;
      failure: string;
      restoredJobId: string;
      savepoint: string;
    };
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      newJobId: null,
      failure: 'The main method caused an error: CountJob was asked to fail on start',
    });
    expect(await runningJob(jarName)).toBe(result.restoredJobId);
    expect(await restoredFrom(result.restoredJobId)).toBe(result.savepoint);
    jobId = result.restoredJobId;
  });

  it('cancels it', async () => {
    expect((await flink('cancel', jarName)).code).toBe(0);
    expect((await api<{ state: string }>(`/jobs/${jobId}`)).state).toBe('CANCELED');
  });
});

describe('streamctl flink upgrade of a job it did not submit', () => {
  let jobId: string;

  beforeAll(async () => {
    // Submitted straight through the SQL Gateway, as another tool would.
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as T;
    };
    const { sessionHandle } = await post<{ sessionHandle: string }>('/v3/sessions', { properties: { 'pipeline.name': foreignName } });
    for (const statement of [
      "CREATE TEMPORARY TABLE g (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '2')",
      "CREATE TEMPORARY TABLE b (k INT) WITH ('connector' = 'blackhole')",
      'INSERT INTO b SELECT k FROM g',
    ]) {
      const { operationHandle } = await post<{ operationHandle: string }>(`/v3/sessions/${sessionHandle}/statements`, { statement });
      for (let i = 0; i < 100; i++) {
        const page = (await (await fetch(`${gateway}/v3/sessions/${sessionHandle}/operations/${operationHandle}/result/0`)).json()) as {
          resultType: string;
        };
        if (page.resultType !== 'NOT_READY') break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await fetch(`${gateway}/v3/sessions/${sessionHandle}`, { method: 'DELETE' });
    for (let i = 0; i < 50 && (await jobsNamed(foreignName)).every((j) => j.state !== 'RUNNING'); i++)
      await new Promise((r) => setTimeout(r, 200));
    jobId = await runningJob(foreignName);
    started.add(jobId);
    writeFileSync(
      join(dir, 'foreign.sql'),
      `CREATE TEMPORARY TABLE g (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '2');\nCREATE TEMPORARY TABLE b (k INT) WITH ('connector' = 'blackhole');\nINSERT INTO b SELECT k FROM g;\n`,
    );
  });

  it('refuses without --old before stopping anything (exit 2)', async () => {
    const r = await flink('upgrade', foreignName, 'foreign.sql');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('streamctl did not submit it, so it cannot restart it if the new version fails');
    expect(r.stderr).toContain('hint: pass --old <file>');
    expect(await runningJob(foreignName)).toBe(jobId);
  });

  it('upgrades with --old, keeping its name', async () => {
    const r = await flinkCli(['-o', 'json', 'flink', 'upgrade', foreignName, 'foreign.sql', '--old', 'foreign.sql', '--grace', '3s']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { newJobId: string; savepoint: string };
    expect(await runningJob(foreignName)).toBe(result.newJobId);
    expect(await restoredFrom(result.newJobId)).toBe(result.savepoint);
    expect((await flink('cancel', result.newJobId)).code).toBe(0);
  });
});

describe('streamctl flink bad input (exit 2, one line)', () => {
  it("shows the planner's message and the failing statement's line for a syntax error", async () => {
    const r = await flink('submit', 'syntax-error.sql');
    expect(r.code).toBe(2);
    const [error, hint, rest] = r.stderr.split('\n');
    expect(error).toBe(
      'error: unable to submit syntax-error.sql: the statement at line 4 failed: SQL parse failed. Non-query expression encountered in illegal context',
    );
    expect(hint).toMatch(/^hint: /);
    expect(rest).toBe('');
    expect(await jobsNamed(`${prefix}-never`)).toEqual([]);
  });

  it('names an unknown job', async () => {
    const r = await flink('describe', 'ffffffffffffffffffffffffffffffff');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: no Flink job with id ffffffffffffffffffffffffffffffff');
    expect((await flink('stop', `${prefix}-nothing`)).code).toBe(2);
  });

  it('checks a local savepoint path before submitting anything', async () => {
    const r = await flink('submit', 'v1.sql', '--from-savepoint', 'file:///tmp/streamctl-no-such-savepoint');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: savepoint file:///tmp/streamctl-no-such-savepoint does not exist');
  });

  it('says which endpoint is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const r = await cli(['flink', 'jobs'], { env: { STREAMCTL_FLINK_URL: `http://127.0.0.1:${port}` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^error: unable to list Flink jobs: Flink JobManager at http://127\\.0\\.0\\.1:${port} unreachable`),
    );
    expect(r.stderr.split('\n')).toHaveLength(3);
  });
});
