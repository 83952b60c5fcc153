import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { planSqlScript } from '../../src/flink/sql-split.js';
import { FlinkRestError, type FlinkRestApi } from '../../src/flink/rest.js';
import { ensureJar, jarFreshness } from '../../src/pipeline/build.js';
import { PIPELINE_JOBS, jobByRef, pipelineNames, selectJobs, suffixOf } from '../../src/pipeline/definition.js';
import { countWindowArgs, dayToSecond, jdbcTarget, templateValues, DEFAULTS } from '../../src/pipeline/render.js';
import { findRestorePoint, localDir, newestCheckpointOnDisk } from '../../src/pipeline/restore.js';
import { PipelineStateStore } from '../../src/pipeline/state.js';
import { placeholdersOf, renderTemplate } from '../../src/pipeline/template.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'streamctl-pipeline-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const endpoints = {
  kafkaBootstrap: 'localhost:9092',
  registryUrl: 'http://localhost:8081/apis/ccompat/v7',
  postgresUrl: 'postgres://streamctl@localhost:5433/streamctl',
};
const settings = (tag?: string) => ({ names: pipelineNames(tag), ...DEFAULTS });
const schemas = { transactionEvent: '{"type":"record","doc":"it\'s"}', symbolStats: '{}' };

describe('templates', () => {
  it('fills placeholders, doubling single quotes for SQL string literals', () => {
    expect(renderTemplate("'${a}' and ${b.c}", { a: "it's", 'b.c': 'x' })).toBe("'it''s' and x");
    expect(placeholdersOf('${a} ${b} ${a}')).toEqual(['a', 'b']);
  });

  it('refuses a placeholder without a value, naming it', () => {
    expect(() => renderTemplate('${kafka.bootstrap} ${nope}', { 'kafka.bootstrap': 'k' }, 'jobs/x.sql')).toThrow(
      /jobs\/x\.sql: no value for \$\{nope\}/,
    );
  });

  it('every job template and postgres.sql use only placeholders streamctl fills, and split into the expected statement sets', () => {
    const values = templateValues(settings('t1'), endpoints, schemas);
    const inserts: Record<string, number> = { analytics: 3, positions: 2 };
    for (const job of PIPELINE_JOBS.filter((j) => j.kind === 'sql')) {
      const sql = renderTemplate(readFileSync(join(ROOT, 'jobs', job.path), 'utf8'), values);
      expect(sql).not.toMatch(/\$\{[A-Za-z0-9_.]+\}/);
      const script = planSqlScript(sql);
      expect(script.inserts).toHaveLength(inserts[job.key]!);
      expect(script.settings['pipeline.name']).toBe(`${job.name}_t1`);
      // The embedded schema survives as a valid literal.
      expect(sql).toContain('\'{"type":"record","doc":"it\'\'s"}\'');
    }
    const ddl = renderTemplate(readFileSync(join(ROOT, 'jobs', 'postgres.sql'), 'utf8'), { suffix: '_t1' });
    for (const job of PIPELINE_JOBS)
      for (const t of pipelineNames('t1').tables(job)) expect(ddl).toContain(`CREATE TABLE IF NOT EXISTS ${t} (`);
  });
});

describe('names', () => {
  it('suffixes topics, tables, jobs and groups alike; none for the pipeline itself', () => {
    const n = pipelineNames('it1');
    const positions = jobByRef('positions');
    expect(n.topics).toEqual({ transactions: 'transactions_it1', userEvents: 'user-events_it1', symbolStats: 'symbol-stats_it1' });
    expect([n.jobName(positions), n.groupId(positions), n.tables(positions)]).toEqual([
      'positions-projection_it1',
      'streamctl-positions-projection_it1',
      ['account_positions_it1', 'account_cash_it1'],
    ]);
    expect(pipelineNames().jobName(positions)).toBe('positions-projection');
    expect(suffixOf('')).toBe('');
  });

  it('refuses a suffix that is not a plain identifier part', () => {
    expect(() => suffixOf('Bad-Tag')).toThrow(/invalid --suffix/);
    expect(() => suffixOf("x'; drop table t")).toThrow(/invalid --suffix/);
  });

  it('selects jobs by key or name, in pipeline order', () => {
    expect(selectJobs(['count-window,analytics']).map((j) => j.key)).toEqual(['analytics', 'count-window']);
    expect(selectJobs(['positions-projection']).map((j) => j.key)).toEqual(['positions']);
    expect(selectJobs(undefined)).toHaveLength(3);
    expect(() => jobByRef('nope')).toThrow(/unknown pipeline job "nope"/);
  });
});

describe('rendering values', () => {
  it('turns a postgres URL into a JDBC URL and credentials', () => {
    expect(jdbcTarget('postgres://streamctl@localhost:5433/streamctl')).toEqual({
      url: 'jdbc:postgresql://localhost:5433/streamctl',
      username: 'streamctl',
      password: '',
    });
    expect(jdbcTarget('postgresql://u:p%40ss@db:6543/x?sslmode=require')).toEqual({
      url: 'jdbc:postgresql://db:6543/x?sslmode=require',
      username: 'u',
      password: 'p@ss',
    });
    expect(() => jdbcTarget('mysql://x')).toThrow(/not postgres/);
  });

  it('writes intervals as Flink DAY TO SECOND(3) literals', () => {
    expect(dayToSecond(5_000)).toBe('0 00:00:05.000');
    expect(dayToSecond(300_500)).toBe('0 00:05:00.500');
    expect(dayToSecond(90_061_001)).toBe('1 01:01:01.001');
  });

  it('gives the jar its connection, table and window size as arguments', () => {
    const args = countWindowArgs(jobByRef('count-window'), { ...settings('t2'), windowSize: 20 }, endpoints);
    const opt = (name: string) => args[args.indexOf(name) + 1];
    expect([opt('--topic'), opt('--table'), opt('--group-id'), opt('--window-size'), opt('--job-name')]).toEqual([
      'transactions_t2',
      'account_count_windows_t2',
      'streamctl-count-window_t2',
      '20',
      'count-window_t2',
    ]);
    expect(args).not.toContain('--jdbc-password');
  });
});

describe('jar builds', () => {
  it('builds when the jar is missing or older than a source, not otherwise', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'pom.xml'), '<project/>');
    writeFileSync(join(dir, 'src', 'A.java'), 'class A {}');
    const jar = join(dir, 'target', 'x.jar');
    expect(jarFreshness(jar, [join(dir, 'pom.xml'), join(dir, 'src')])).toBe('missing');
    let builds = 0;
    const maven = async () => {
      builds++;
      mkdirSync(join(dir, 'target'), { recursive: true });
      writeFileSync(jar, 'jar');
      return { code: 0, output: '' };
    };
    expect((await ensureJar(dir, join('target', 'x.jar'), { maven })).action).toBe('built');
    expect((await ensureJar(dir, join('target', 'x.jar'), { maven })).action).toBe('fresh');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dir, 'src', 'A.java'), later, later);
    expect(await ensureJar(dir, join('target', 'x.jar'), { maven })).toMatchObject({ action: 'built', reason: 'stale' });
    expect(builds).toBe(2);
  });

  it('reports a failed build with the end of its output', async () => {
    const dir = tempDir();
    await expect(
      ensureJar(dir, 'target/x.jar', { maven: async () => ({ code: 1, output: 'lots\n[ERROR] cannot find symbol' }) }),
    ).rejects.toThrow(/mvn package exited 1:\n.*\n\[ERROR\] cannot find symbol/);
  });
});

function fakeRest(checkpoints: Record<string, unknown>): FlinkRestApi {
  return {
    checkpoints: async (id: string) => {
      if (!(id in checkpoints)) throw new FlinkRestError('not found', 404, 'not found');
      return checkpoints[id];
    },
  } as unknown as FlinkRestApi;
}

function savepointDir(root: string, name: string, mtime: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '_metadata'), 'x');
  utimesSync(join(dir, '_metadata'), new Date(mtime), new Date(mtime));
  return dir;
}

describe('restore points', () => {
  it('finds nothing for a job never submitted', async () => {
    expect(await findRestorePoint(fakeRest({}), undefined)).toBeUndefined();
  });

  it('takes the newest of the recorded savepoint and the cluster’s checkpoints, skipping ones that are gone', async () => {
    const root = tempDir();
    const sp = savepointDir(root, 'savepoint-aa', 1_000);
    const chk = savepointDir(root, 'job1/chk-7', 2_000);
    const record = {
      jobId: 'job1',
      submittedAt: new Date(500).toISOString(),
      restoredFrom: null,
      savepoint: { path: `file:${sp}`, takenAt: new Date(1_000).toISOString() },
    };
    const rest = fakeRest({
      job1: {
        latest: {
          completed: { external_path: `file:${chk}`, latest_ack_timestamp: 2_000, is_savepoint: false },
          savepoint: { external_path: `file:${join(root, 'gone')}`, latest_ack_timestamp: 3_000 },
        },
      },
    });
    expect(await findRestorePoint(rest, record)).toMatchObject({ path: `file:${chk}`, kind: 'checkpoint', source: 'cluster' });
    expect(await findRestorePoint(fakeRest({}), record)).toMatchObject({ path: `file:${sp}`, source: 'pipeline down' });
  });

  it('reads retained checkpoints from the disk when the JobManager forgot the job, else the point it started from', async () => {
    const root = tempDir();
    savepointDir(root, 'job2/chk-3', 1_000);
    savepointDir(root, 'job2/chk-12', 2_000);
    mkdirSync(join(root, 'job2', 'chk-13'));
    expect(newestCheckpointOnDisk(root, 'job2')).toMatchObject({ path: `file:${join(root, 'job2', 'chk-12')}` });
    const started = savepointDir(root, 'savepoint-bb', 100);
    const record = { jobId: 'job2', submittedAt: new Date(900).toISOString(), restoredFrom: `file:${started}` };
    expect(await findRestorePoint(fakeRest({}), record, { checkpointDir: `file://${root}` })).toMatchObject({ source: 'checkpoint dir' });
    expect(await findRestorePoint(fakeRest({}), { ...record, jobId: 'job3' }, { checkpointDir: `file://${root}` })).toMatchObject({
      path: `file:${started}`,
      source: 'last start',
    });
    expect(localDir('file:///var/x')).toBe('/var/x');
    expect(localDir('s3://bucket/x')).toBeUndefined();
  });

  it('remembers jobs per cluster and forgets them on request', () => {
    const file = join(tempDir(), 'p', 'pipeline.json');
    const a = new PipelineStateStore(file, 'http://a:8082');
    const b = new PipelineStateStore(file, 'http://b:8082');
    a.set('positions-projection', { jobId: 'j1', submittedAt: 'now', restoredFrom: null });
    expect(a.get('positions-projection')?.jobId).toBe('j1');
    expect(b.get('positions-projection')).toBeUndefined();
    a.set('positions-projection', undefined);
    expect(a.get('positions-projection')).toBeUndefined();
  });
});
