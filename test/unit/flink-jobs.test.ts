import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, UsageError } from '../../src/errors.js';
import { cancelJob, describeJob, listJobs, matchJobRef, operatorMetricName } from '../../src/flink/jobs.js';
import type { JobOverview } from '../../src/flink/rest.js';
import { checkSavepointPath, savepointPathForFlink, takeSavepoint } from '../../src/flink/savepoints.js';
import { flagSettings, splitArgs } from '../../src/flink/submit.js';
import { FakeFlink } from '../helpers/fake-flink.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamctl-flink-jobs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const overview = (jid: string, name: string, state: JobOverview['state'], start = 0): JobOverview => ({
  jid,
  name,
  state,
  'start-time': start,
  'end-time': -1,
  duration: 0,
  'last-modification': 0,
  tasks: {},
});

describe('matchJobRef', () => {
  const jobs = [
    overview('3f2a9c1e00000000000000000000000a', 'trades', 'RUNNING', 3),
    overview('3f2b000000000000000000000000000b', 'trades', 'FINISHED', 2),
    overview('7c00000000000000000000000000000c', 'enricher', 'CANCELED', 1),
    overview('7c01000000000000000000000000000d', 'enricher', 'FINISHED', 4),
    overview('aaaa000000000000000000000000000e', 'dup', 'RUNNING', 5),
    overview('bbbb000000000000000000000000000f', 'dup', 'RUNNING', 6),
  ];
  const usage = (ref: string): string => {
    try {
      matchJobRef(ref, jobs);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error(`expected ${ref} to fail`);
  };

  it('finds a job by full id (any case), unique prefix of 4+ characters, or exact name', () => {
    expect(matchJobRef('3F2A9C1E00000000000000000000000A', jobs).jid).toBe(jobs[0]!.jid);
    expect(matchJobRef('3f2a', jobs).jid).toBe(jobs[0]!.jid);
    expect(matchJobRef('7c01', jobs).name).toBe('enricher');
  });

  it('prefers the active job of a name, else the newest', () => {
    expect(matchJobRef('trades', jobs).jid).toBe(jobs[0]!.jid);
    expect(matchJobRef('enricher', jobs).jid).toBe(jobs[3]!.jid);
  });

  it('refuses unknown ids, ambiguous prefixes and names, too-short prefixes', () => {
    expect(usage('00000000000000000000000000000000')).toBe('no Flink job with id 00000000000000000000000000000000');
    expect(usage('3f2')).toContain('too short');
    expect(usage('7c0')).toContain('too short');
    expect(() => matchJobRef('3f2', jobs)).toThrow(/too short/);
    expect(usage('nothing-like-it')).toBe('no Flink job matches "nothing-like-it"');
    expect(usage('dup')).toMatch(/^2 active jobs are named "dup"/);
    const ambiguous = [
      overview('abcd1000000000000000000000000000', 'x', 'RUNNING'),
      overview('abcd2000000000000000000000000000', 'y', 'RUNNING'),
    ];
    expect(() => matchJobRef('abcd', ambiguous)).toThrow(/job id prefix "abcd" matches 2 jobs/);
  });
});

describe('operatorMetricName', () => {
  it("follows Flink's metric naming of operators", () => {
    expect(operatorMetricName('Source: gen[22]')).toBe('Source__gen[22]');
    expect(operatorMetricName('bh2[28]: Writer')).toBe('bh2[28]__Writer');
    expect(operatorMetricName('a.b, c')).toBe('a_b__c');
    expect(operatorMetricName('x'.repeat(100))).toHaveLength(80);
  });
});

describe('listJobs', () => {
  it('lists active jobs and recent failures first, with rates from source and sink operators, backpressure and checkpoints', async () => {
    const flink = new FakeFlink(dir);
    flink.clock = 10 * 3_600_000;
    const running = flink.addJob('trades', { start: flink.clock - 65_000 });
    const [src, snk] = running.vertices;
    running.metrics[src!.id] = [
      { id: 'numRecordsOutPerSecond', sum: 0, max: 0 },
      { id: 'Source__gen[1].numRecordsOutPerSecond', sum: 120, max: 60 },
      { id: 'backPressuredTimeMsPerSecond', sum: 800, max: 700 },
    ];
    running.metrics[snk!.id] = [
      { id: 'numRecordsInPerSecond', sum: 118, max: 59 },
      { id: 'out[4]__Writer.numRecordsInPerSecond', sum: 117.5, max: 60 },
      { id: 'backPressuredTimeMsPerSecond', sum: 20, max: 10 },
    ];
    flink.addJob('old', { state: 'FINISHED', start: flink.clock - 5000, end: flink.clock - 4000 });
    flink.addJob('broken', { state: 'FAILED', start: flink.clock - 3000, end: flink.clock - 2000 });
    flink.addJob('long-broken', { state: 'FAILED', start: flink.clock - 3 * 3_600_000, end: flink.clock - 2 * 3_600_000 });

    const jobs = await listJobs(flink, { now: flink.clock });
    expect(jobs.map((j) => [j.name, j.state])).toEqual([
      ['trades', 'RUNNING'],
      ['broken', 'FAILED'],
    ]);
    expect(jobs[0]).toMatchObject({
      uptimeMs: 65_000,
      parallelism: 1,
      recordsInPerSecond: 120,
      recordsOutPerSecond: 117.5,
      backpressure: { ratio: 0.7, level: 'high' },
      lastCheckpoint: { id: 7, ageMs: 2000, sizeBytes: 4096 },
      failedCheckpoints: 0,
    });
    expect(jobs[1]).toMatchObject({ recordsInPerSecond: null, backpressure: null, lastCheckpoint: null, uptimeMs: 1000 });

    const all = await listJobs(flink, { all: true, now: flink.clock });
    expect(all.map((j) => j.name)).toEqual(['trades', 'broken', 'old', 'long-broken']);
  });

  it('falls back to task metrics when the operator ones are missing', async () => {
    const flink = new FakeFlink(dir);
    const job = flink.addJob('plain');
    job.metrics[job.vertices[0]!.id] = [{ id: 'numRecordsOutPerSecond', sum: 5, max: 5 }];
    job.metrics[job.vertices[1]!.id] = [{ id: 'numRecordsInPerSecond', sum: 4, max: 4 }];
    const [summary] = await listJobs(flink);
    expect(summary).toMatchObject({ recordsInPerSecond: 5, recordsOutPerSecond: 4, backpressure: null });
  });
});

describe('listJobs for a poller (streamctl top)', () => {
  /** A FakeFlink that counts detail reads and can make one job's calls time out, as a stuck JobManager would. */
  class CountingFlink extends FakeFlink {
    detailReads: string[] = [];
    stuck = new Set<string>();
    override async job(jobId: string) {
      this.detailReads.push(jobId);
      if (this.stuck.has(jobId)) throw new ConnectionError('unable to read Flink job: no answer within 3s');
      return super.job(jobId);
    }
  }

  it('reads details only of the newest running jobs, once per job, and lists the newest ended jobs by their overview', async () => {
    const flink = new CountingFlink(dir);
    const older = flink.addJob('older', { start: flink.clock - 9000 });
    const newer = flink.addJob('newer', { start: flink.clock - 1000 });
    newer.metrics[newer.vertices[0]!.id] = [{ id: 'Source__gen[1].numRecordsOutPerSecond', sum: 50, max: 50 }];
    for (let i = 0; i < 4; i++)
      flink.addJob(`done-${i}`, { state: 'FINISHED', start: flink.clock - 100_000 + i, end: flink.clock - 50_000 });
    const cache = new Map();
    const poll = () => listJobs(flink, { all: true, maxEnded: 2, maxDetailed: 1, cache, now: flink.clock });

    const first = await poll();
    expect(first.map((j) => j.name)).toEqual(['newer', 'older', 'done-3', 'done-2']);
    expect(first[0]).toMatchObject({ recordsInPerSecond: 50, lastCheckpoint: { ageMs: 2000 } });
    expect(first[1]).toMatchObject({ state: 'RUNNING', recordsInPerSecond: null, parallelism: null, lastCheckpoint: null });
    expect(first[2]).toMatchObject({ state: 'FINISHED', parallelism: null });
    expect(flink.detailReads).toEqual([newer.jid]);

    await poll();
    await poll();
    // The plan is read once; every poll reads metrics and checkpoints afresh.
    expect(flink.detailReads).toEqual([newer.jid]);
    expect(cache.has(newer.jid)).toBe(true);

    await flink.cancel(newer.jid);
    const after = await poll();
    expect(after.map((j) => [j.name, j.state]).slice(0, 2)).toEqual([
      ['older', 'RUNNING'],
      ['newer', 'CANCELED'],
    ]);
    // A job that stopped running leaves the cache.
    expect([...cache.keys()]).toEqual([older.jid]);
  });

  it('keeps the row of a job whose details time out with bestEffort, and fails the listing without', async () => {
    const flink = new CountingFlink(dir);
    const stuck = flink.addJob('stuck');
    flink.addJob('fine');
    flink.stuck.add(stuck.jid);
    const jobs = await listJobs(flink, { bestEffort: true });
    expect(jobs.map((j) => [j.name, j.state]).sort()).toEqual([
      ['fine', 'RUNNING'],
      ['stuck', 'RUNNING'],
    ]);
    expect(jobs.find((j) => j.name === 'fine')!.lastCheckpoint).not.toBeNull();
    expect(jobs.find((j) => j.name === 'stuck')).toMatchObject({ parallelism: null, lastCheckpoint: null });
    await expect(listJobs(flink)).rejects.toThrow(/no answer within 3s/);
  });
});

describe('describeJob', () => {
  it('gathers vertices, checkpoints with the restore source, and exceptions as one line each', async () => {
    const flink = new FakeFlink(dir);
    const job = flink.addJob('trades', { restoredFrom: 'file:/sp/savepoint-1' });
    job.exceptions.push({
      exceptionName: 'java.lang.ArithmeticException',
      stacktrace: 'java.lang.ArithmeticException: / by zero\n\tat x.Y(Y.java:1)\n',
      timestamp: 5,
      taskName: 'Calc[2]',
    });
    const d = await describeJob(flink.deps(), job.jid);
    expect(d.vertices.map((v) => [v.name, v.source, v.sink])).toEqual([
      ['Source: gen[1] -> Calc[2]', true, false],
      ['GroupAggregate[3] -> out[4]: Writer', false, true],
    ]);
    expect(d.checkpoints?.restoredFrom).toEqual({ id: 3, path: 'file:/sp/savepoint-1', savepoint: true, at: job.start });
    expect(d.exceptions).toEqual([
      { timestamp: 5, message: 'ArithmeticException: / by zero', exception: 'java.lang.ArithmeticException', task: 'Calc[2]' },
    ]);
  });
});

describe('cancelJob', () => {
  it('cancels and waits; an already canceled job is fine; a finished one is a usage error', async () => {
    const flink = new FakeFlink(dir);
    const job = flink.addJob('x');
    expect(await cancelJob(flink.deps(), job.jid)).toMatchObject({ state: 'CANCELED', alreadyCanceled: false });
    expect(await cancelJob(flink.deps(), job.jid)).toMatchObject({ state: 'CANCELED', alreadyCanceled: true });
    const done = flink.addJob('y', { state: 'FINISHED' });
    await expect(cancelJob(flink.deps(), done.jid)).rejects.toThrow(/it is already FINISHED/);
  });
});

describe('savepoints', () => {
  it('checks file: URIs, plain paths and _metadata; leaves other schemes unchecked', () => {
    const sp = join(dir, 'savepoint-abc');
    mkdirSync(sp, { recursive: true });
    writeFileSync(join(sp, '_metadata'), 'x');
    const empty = join(dir, 'not-a-savepoint');
    mkdirSync(empty, { recursive: true });
    expect(checkSavepointPath(`file:${sp}`)).toMatchObject({ localPath: sp, exists: true });
    expect(checkSavepointPath(`file://${sp}`)).toMatchObject({ localPath: sp, exists: true });
    expect(checkSavepointPath(sp)).toMatchObject({ exists: true });
    expect(checkSavepointPath(join(sp, '_metadata'))).toMatchObject({ exists: true });
    expect(checkSavepointPath('savepoint-abc', dir)).toMatchObject({ localPath: sp, exists: true });
    expect(checkSavepointPath(empty)).toMatchObject({ exists: false, note: expect.stringContaining('_metadata') });
    expect(checkSavepointPath(join(dir, 'missing'))).toMatchObject({ exists: false });
    expect(checkSavepointPath('s3://bucket/sp')).toMatchObject({ localPath: null, exists: null, note: expect.stringContaining('s3') });
    expect(savepointPathForFlink('rel/sp', '/base')).toBe('/base/rel/sp');
    expect(savepointPathForFlink('s3://b/sp', '/base')).toBe('s3://b/sp');
  });

  it("takes a savepoint into the cluster's directory, and refuses when the cluster has none", async () => {
    const flink = new FakeFlink(dir);
    const job = flink.addJob('x');
    const r = await takeSavepoint(flink.deps(), job.jid);
    expect(r).toMatchObject({ jobState: 'RUNNING', check: { exists: true } });
    expect(r.location).toMatch(/^file:.*savepoint-/);
    flink.config = {};
    await expect(takeSavepoint(flink.deps(), job.jid)).rejects.toThrow(/no default savepoint directory/);
  });
});

describe('submit helpers', () => {
  it('splits --args like a shell', () => {
    expect(splitArgs(`--topic tx --name 'my job' --sep "a \\" b" x\\ y ''`)).toEqual([
      '--topic',
      'tx',
      '--name',
      'my job',
      '--sep',
      'a " b',
      'x y',
      '',
    ]);
    expect(splitArgs('   ')).toEqual([]);
    expect(() => splitArgs('"open')).toThrow(/unbalanced/);
  });

  it('turns flags into session options (Flink 2.x restore keys), always detached', () => {
    expect(
      flagSettings({ kind: 'sql', file: 'x.sql', name: 'n', parallelism: 2, fromSavepoint: 'sp', allowNonRestoredState: true }, '/w'),
    ).toEqual({
      'pipeline.name': 'n',
      'parallelism.default': '2',
      'execution.state-recovery.path': '/w/sp',
      'execution.state-recovery.ignore-unclaimed-state': 'true',
      'table.dml-sync': 'false',
    });
    expect(flagSettings({ kind: 'sql', file: 'x.sql' }, '/w')).toEqual({ 'table.dml-sync': 'false' });
  });
});
