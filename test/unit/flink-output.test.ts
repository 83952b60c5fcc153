import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDescription, JobSummary } from '../../src/flink/jobs.js';
import type { SavepointResult } from '../../src/flink/savepoints.js';
import type { SubmitResult } from '../../src/flink/submit.js';
import type { UpgradeResult } from '../../src/flink/upgrade.js';
import { main } from '../../src/main.js';
import {
  cancelView,
  describeView,
  formatBytes,
  formatDuration,
  formatRate,
  jobsView,
  savepointView,
  submitView,
  upgradeView,
} from '../../src/output/flink.js';
import { render } from '../../src/output/printer.js';
import { makeStyle } from '../../src/output/style.js';
import { captureIo } from '../helpers/io.js';

const plain = makeStyle(false);
const ID = '3f2a9c1e5b7d4e0f8a6b2c9d1e3f5a7b';

const running: JobSummary = {
  id: ID,
  name: 'trades',
  state: 'RUNNING',
  startTime: 0,
  endTime: null,
  uptimeMs: 3_723_000,
  parallelism: 2,
  recordsInPerSecond: 1234.4,
  recordsOutPerSecond: 0.25,
  backpressure: { ratio: 0.62, level: 'high' },
  lastCheckpoint: { id: 9, completedAt: 0, ageMs: 4000, sizeBytes: 5 * 1024 * 1024, durationMs: 20, path: null },
  failedCheckpoints: 0,
};
const failed: JobSummary = {
  ...running,
  id: 'b'.repeat(32),
  name: 'insert-into_default_catalog.default_database.a_very_long_sink_table_name',
  state: 'FAILED',
  uptimeMs: 800,
  recordsInPerSecond: null,
  recordsOutPerSecond: null,
  backpressure: null,
  lastCheckpoint: null,
};

describe('formatting', () => {
  it('formats durations, rates and sizes for people', () => {
    expect([
      formatDuration(800),
      formatDuration(42_000),
      formatDuration(312_000),
      formatDuration(3_723_000),
      formatDuration(2 * 86_400_000 + 7_200_000),
    ]).toEqual(['0s', '42s', '5m 12s', '1h 2m', '2d 2h']);
    expect([formatRate(null), formatRate(0), formatRate(0.25), formatRate(12.4), formatRate(1234.4)]).toEqual([
      '-',
      '0/s',
      '0.3/s',
      '12/s',
      '1,234/s',
    ]);
    expect([formatBytes(512), formatBytes(4096), formatBytes(5 * 1024 * 1024), formatBytes(300 * 1024 ** 3)]).toEqual([
      '512 B',
      '4.0 KiB',
      '5.0 MiB',
      '300 GiB',
    ]);
  });
});

describe('flink printers', () => {
  it('jobs: one aligned row per job; json and yaml carry the data', () => {
    const table = render({ data: [running, failed], table: jobsView }, 'table', plain);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATE\s+UPTIME\s+PARALLELISM\s+IN\/S\s+OUT\/S\s+BACKPRESSURE\s+LAST CHECKPOINT$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${ID}\\s+trades\\s+RUNNING\\s+1h 2m\\s+2\\s+1,234/s\\s+0\\.3/s\\s+high 62%\\s+4s ago, 5\\.0 MiB$`),
    );
    expect(lines[2]).toContain('insert-into_default_catalog.default_database.a_…');
    expect(lines[2]).toMatch(/FAILED\s+0s\s+2\s+-\s+-\s+-\s+-$/);
    expect(JSON.parse(render({ data: [running], table: jobsView }, 'json', plain))).toEqual([running]);
    expect(parseYaml(render({ data: [running], table: jobsView }, 'yaml', plain))).toEqual([running]);
    expect(render({ data: [], table: jobsView }, 'table', plain)).toContain('no Flink jobs');
  });

  it('submit, savepoint and cancel: the job id first', () => {
    const submitted: SubmitResult = {
      jobId: ID,
      name: 'trades',
      state: 'RUNNING',
      kind: 'sql',
      file: '/w/trades.sql',
      fromSavepoint: 'file:/sp/savepoint-1',
      parallelism: 1,
      inserts: 2,
    };
    expect(render({ data: submitted, table: submitView }, 'table', plain)).toBe(
      `JOB ID                            NAME    STATE\n${ID}  trades  RUNNING\nrestored from file:/sp/savepoint-1\n2 INSERT statements run as one statement set`,
    );
    const sp: SavepointResult = {
      jobId: ID,
      name: 'trades',
      location: 'file:/sp/savepoint-3f2a9c-1',
      check: { path: 'file:/sp/savepoint-3f2a9c-1', localPath: '/sp/savepoint-3f2a9c-1', exists: true },
      jobState: 'FINISHED',
    };
    expect(render({ data: sp, table: savepointView }, 'table', plain).split('\n')[1]).toMatch(
      /trades\s+FINISHED\s+file:\/sp\/savepoint-3f2a9c-1$/,
    );
    expect(JSON.parse(render({ data: sp, table: savepointView }, 'json', plain)).location).toBe('file:/sp/savepoint-3f2a9c-1');
    expect(
      render({ data: { jobId: ID, name: 'trades', state: 'CANCELED', alreadyCanceled: true }, table: cancelView }, 'table', plain),
    ).toContain('it was already canceled');
  });

  it('describe: sections for the job, its vertices, checkpoints and exceptions', () => {
    const d: JobDescription = {
      id: ID,
      name: 'trades',
      state: 'RUNNING',
      type: 'STREAMING',
      startTime: Date.UTC(2026, 10, 25, 10, 0, 0),
      endTime: null,
      uptimeMs: 61_000,
      parallelism: 1,
      recordsInPerSecond: 5,
      recordsOutPerSecond: 5,
      backpressure: { ratio: 0, level: 'ok' },
      vertices: [
        {
          id: 'v1',
          name: 'Source: s[1] -> Calc[2]',
          parallelism: 1,
          status: 'RUNNING',
          tasks: {},
          source: true,
          sink: false,
          recordsInPerSecond: 5,
          recordsOutPerSecond: 5,
          backpressureRatio: 0,
        },
      ],
      checkpoints: {
        completed: 6,
        failed: 1,
        inProgress: 0,
        restored: 1,
        latest: { id: 7, completedAt: 0, ageMs: 3000, sizeBytes: 2048, durationMs: 15, path: 'file:/chk/chk-7' },
        latestSavepoint: null,
        latestFailure: { id: 4, at: Date.UTC(2026, 10, 25, 10, 0, 30), message: 'Checkpoint expired before completing.' },
        restoredFrom: { id: 3, path: 'file:/sp/savepoint-1', savepoint: true, at: 0 },
      },
      exceptions: [
        { timestamp: Date.UTC(2026, 10, 25, 10, 0, 20), message: 'ArithmeticException: / by zero', exception: 'x', task: 'Calc[2]' },
      ],
      submission: {
        jobId: ID,
        kind: 'sql',
        file: '/w/trades.sql',
        submittedAt: '2026-11-25T10:00:00.000Z',
        fromSavepoint: 'file:/sp/savepoint-1',
      },
    };
    const text = render({ data: d, table: describeView }, 'table', plain);
    expect(text).toContain(`Job:          ${ID}`);
    expect(text).toContain('State:        RUNNING (streaming)');
    expect(text).toContain('Started:      2026-11-25 10:00:00Z (up 1m 1s)');
    expect(text).toContain('Records:      in 5.0/s, out 5.0/s');
    expect(text).toContain('Submitted:    sql /w/trades.sql, from file:/sp/savepoint-1');
    expect(text).toMatch(/ {2}v1\s+Source: s\[1\] -> Calc\[2\]\s+1\s+RUNNING\s+5\.0\/s\s+5\.0\/s\s+0%/);
    expect(text).toContain('6 completed, 1 failed, 0 in progress');
    expect(text).toContain('latest:            #7, 3s ago, 2.0 KiB, took 15 ms, file:/chk/chk-7');
    expect(text).toContain('restored from:     file:/sp/savepoint-1 (savepoint)');
    expect(text).toContain('2026-11-25 10:00:20Z Calc[2]: ArithmeticException: / by zero');
    expect(JSON.parse(render({ data: d, table: describeView }, 'json', plain))).toEqual(d);
  });

  it('upgrade: what ran, the savepoint, and what runs now', () => {
    const base: UpgradeResult = {
      outcome: 'upgraded',
      oldJobId: 'a'.repeat(32),
      name: 'trades',
      savepoint: 'file:/sp/savepoint-a',
      savepointCheck: { path: 'file:/sp/savepoint-a', localPath: '/sp/savepoint-a', exists: true },
      newJobId: 'b'.repeat(32),
      failure: null,
      restoredJobId: null,
      graceMs: 30_000,
    };
    expect(render({ data: base, table: upgradeView }, 'table', plain)).toBe(
      [
        'upgraded trades',
        `  old job    ${'a'.repeat(32)} (stopped with a savepoint)`,
        '  savepoint  file:/sp/savepoint-a',
        `  new job    ${'b'.repeat(32)} RUNNING, no failure for 30s`,
      ].join('\n'),
    );
    const rolledBack = render(
      { data: { ...base, outcome: 'rolled-back', failure: 'boom', restoredJobId: 'c'.repeat(32) }, table: upgradeView },
      'table',
      plain,
    );
    expect(rolledBack).toContain('upgrade of trades rolled back');
    expect(rolledBack).toContain(`new job    ${'b'.repeat(32)}: boom`);
    expect(rolledBack).toContain(`running    ${'c'.repeat(32)} (the old version, restored from the savepoint)`);
    expect(render({ data: { ...base, outcome: 'failed', newJobId: null, failure: 'x' }, table: upgradeView }, 'table', plain)).toContain(
      'nothing: restore by hand from the savepoint',
    );
  });
});

describe('streamctl flink (CLI, no cluster needed)', () => {
  let dir: string;
  let closedPort: number;
  let server: Server;
  const env = () => ({
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'state'),
    STREAMCTL_DEV_HOME: join(dir, 'dev'),
    STREAMCTL_FLINK_URL: `http://127.0.0.1:${closedPort}`,
    STREAMCTL_SQL_GATEWAY_URL: `http://127.0.0.1:${closedPort}`,
  });
  const run = async (...args: string[]) => {
    const io = captureIo(env(), dir);
    const code = await main(['node', 'streamctl', ...args], io);
    return { code, out: io.out(), err: io.err() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'streamctl-flink-cli-'));
    writeFileSync(join(dir, 'job.sql'), "CREATE TABLE s (x INT) WITH ('connector' = 'datagen');\nINSERT INTO t SELECT x FROM s;\n");
    writeFileSync(join(dir, 'query.sql'), 'SELECT 1;\n');
    // A port that was just free: nothing listens there once the server closes.
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the noun and every verb help with examples', async () => {
    for (const verb of [[], ['submit'], ['jobs'], ['describe'], ['stop'], ['cancel'], ['savepoint'], ['upgrade']]) {
      const r = await run('flink', ...verb, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain('Examples:');
    }
  });

  it('exits 2 with one line on bad input, before talking to Flink', async () => {
    const cases: [string[], RegExp][] = [
      [['flink', 'submit', 'notes.txt'], /unable to submit notes\.txt: not a \.sql or \.jar file/],
      [['flink', 'submit', 'missing.sql'], /unable to submit missing\.sql: no such file/],
      [['flink', 'submit', 'query.sql'], /unable to submit query\.sql: line 1: a query cannot run as a submitted job/],
      [['flink', 'submit', 'job.sql', '--class', 'x.Main'], /--class and --args are for jar jobs/],
      [['flink', 'submit', 'job.sql', '--from-savepoint', 'no/such/savepoint'], /savepoint no\/such\/savepoint does not exist/],
      [['flink', 'submit', 'job.sql', '--parallelism', '0'], /--parallelism must be a positive integer/],
      [['flink', 'upgrade', 'x', 'job.sql', '--grace', 'soon'], /invalid --grace "soon"/],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses to change a read-only context, but still lists its jobs', async () => {
    mkdirSync(join(dir, 'config', 'streamctl'), { recursive: true });
    writeFileSync(
      join(dir, 'config', 'streamctl', 'config.yaml'),
      `contexts:\n  prod:\n    flink: { url: 'http://127.0.0.1:${closedPort}' }\n    readOnly: true\n`,
    );
    try {
      for (const verb of [
        ['submit', 'job.sql'],
        ['stop', 'x'],
        ['cancel', 'x'],
        ['upgrade', 'x', 'job.sql'],
      ]) {
        const r = await run('--context', 'prod', 'flink', ...verb);
        expect(r.code).toBe(2);
        expect(r.err.split('\n')[0]).toMatch(/^error: refusing to \w+ a Flink job: context prod is read-only$/);
      }
      expect((await run('--context', 'prod', 'flink', 'jobs')).err).toContain('unreachable');
    } finally {
      rmSync(join(dir, 'config'), { recursive: true, force: true });
    }
  });

  it('exits 2 naming the JobManager or gateway when Flink is unreachable', async () => {
    const jobs = await run('flink', 'jobs');
    expect(jobs.code).toBe(2);
    expect(jobs.err).toMatch(
      new RegExp(
        `^error: unable to list Flink jobs: Flink JobManager at http://127\\.0\\.0\\.1:${closedPort} unreachable \\(.*ECONNREFUSED.*\\)\nhint: `,
      ),
    );
    const submit = await run('flink', 'submit', 'job.sql');
    expect(submit.code).toBe(2);
    expect(submit.err).toMatch(/unable to open a SQL Gateway session: Flink SQL Gateway at .* unreachable/);
    const describe = await run('flink', 'describe', 'trades');
    expect(describe.code).toBe(2);
  });
});
