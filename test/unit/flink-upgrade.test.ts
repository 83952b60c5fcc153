import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckFailedError, UsageError } from '../../src/errors.js';
import { SqlStatementError } from '../../src/flink/gateway.js';
import { JobFailedError, submitJob } from '../../src/flink/submit.js';
import { UpgradeFailedError, upgradeJob } from '../../src/flink/upgrade.js';
import { FakeFlink, FakeGateway, MemoryStore } from '../helpers/fake-flink.js';

let dir: string;
let flink: FakeFlink;
let gateway: FakeGateway;
let store: MemoryStore;
const deps = () => flink.deps({ gateway, store, cwd: dir });

const V1 = `SET 'pipeline.name' = 'counts';
CREATE TEMPORARY TABLE src (k INT) WITH ('connector' = 'datagen');
CREATE TEMPORARY TABLE a (k INT, c BIGINT) WITH ('connector' = 'blackhole');
CREATE TEMPORARY TABLE b (k INT) WITH ('connector' = 'blackhole');
INSERT INTO a SELECT k, COUNT(*) FROM src GROUP BY k;
INSERT INTO b SELECT k FROM src;
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamctl-flink-upgrade-'));
  writeFileSync(join(dir, 'v1.sql'), V1);
  writeFileSync(join(dir, 'v2.sql'), V1.replace('GROUP BY k', 'GROUP BY k HAVING COUNT(*) > 0'));
  writeFileSync(join(dir, 'bad.sql'), V1.replace('COUNT(*)', 'COUNT(*) + no_such_fn(k)'));
  writeFileSync(join(dir, 'unterminated.sql'), "INSERT INTO a SELECT 'x");
  writeFileSync(join(dir, 'job.jar'), 'not really a jar');
  writeFileSync(join(dir, 'noset.sql'), V1.replace("SET 'pipeline.name' = 'counts';\n", ''));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  flink = new FakeFlink(join(dir, 'savepoints'));
  gateway = new FakeGateway(flink);
  store = new MemoryStore();
});

describe('submitJob', () => {
  it('runs SETs and DDL in order, then the flags, then all INSERTs as one statement set; records the SQL', async () => {
    const r = await submitJob(deps(), { kind: 'sql', file: 'v1.sql', parallelism: 1 });
    expect(r).toMatchObject({ name: 'counts', state: 'RUNNING', kind: 'sql', inserts: 2, fromSavepoint: null });
    expect(gateway.statements[0]).toBe("SET 'pipeline.name' = 'counts'");
    expect(gateway.statements.slice(4, 6)).toEqual(["SET 'parallelism.default' = '1'", "SET 'table.dml-sync' = 'false'"]);
    expect(gateway.statements.at(-1)).toMatch(/^EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a .*;\nINSERT INTO b .*;\nEND$/s);
    expect(store.get(r.jobId)).toMatchObject({ kind: 'sql', sql: V1, parallelism: 1, file: join(dir, 'v1.sql') });
  });

  it("names the failing statement's line in the file", async () => {
    const err = await submitJob(deps(), { kind: 'sql', file: 'bad.sql' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlStatementError);
    expect((err as Error).message).toMatch(
      /^unable to submit bad\.sql: the statement at line 5 failed: SQL validation failed\. .*\(bad\.sql:5:5\)$/,
    );
    expect((err as SqlStatementError).exitCode).toBe(2);
  });

  it('refuses a missing savepoint before opening a session, and local syntax errors with their line', async () => {
    await expect(submitJob(deps(), { kind: 'sql', file: 'v1.sql', fromSavepoint: join(dir, 'no-such-savepoint') })).rejects.toThrow(
      /savepoint .*no-such-savepoint does not exist/,
    );
    await expect(submitJob(deps(), { kind: 'sql', file: 'unterminated.sql' })).rejects.toThrow(
      'unable to submit unterminated.sql: line 1: unterminated string literal',
    );
    expect(gateway.statements).toEqual([]);
    await expect(submitJob(deps(), { kind: 'sql', file: 'v1.sql', entryClass: 'x.Y' })).rejects.toThrow(UsageError);
  });

  it('submits a jar with its class, args, parallelism and savepoint, deleting the upload afterwards', async () => {
    const r = await submitJob(deps(), {
      kind: 'jar',
      file: 'job.jar',
      entryClass: 'io.x.Main',
      args: ['--a', 'b c'],
      parallelism: 2,
      name: 'j',
    });
    expect(flink.jobs.get(r.jobId)!.submittedWith).toMatchObject({
      entryClass: 'io.x.Main',
      programArgsList: ['--a', 'b c'],
      parallelism: 2,
      flinkConfiguration: { 'pipeline.name': 'j' },
    });
    expect(flink.calls.filter((c) => /^(upload|run|delete)/.test(c)).map((c) => c.split(' ')[0])).toEqual(['upload', 'run', 'delete']);
    const err = await submitJob(deps(), { kind: 'jar', file: 'job.jar', args: ['--fail-on-start'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('unable to submit job.jar: The main method caused an error: asked to fail');
  });

  it("fails with the job's root cause when it fails while starting (exit 1)", async () => {
    flink.next.push({ kind: 'fail-at-start', error: 'java.lang.IllegalStateException: boom' });
    const err = await submitJob(deps(), { kind: 'sql', file: 'v1.sql' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(/\(counts\) failed: IllegalStateException: boom$/);
  });
});

describe('upgradeJob', () => {
  it('stops with a savepoint, starts the new version from it, and watches it through the grace period', async () => {
    const old = await submitJob(deps(), { kind: 'sql', file: 'v1.sql', name: 'counts' });
    const events: string[] = [];
    const r = await upgradeJob(flink.deps({ gateway, store, cwd: dir, progress: (e) => events.push(`${e.task}: ${e.state}`) }), {
      jobId: old.jobId,
      next: { kind: 'sql', file: 'v2.sql' },
      graceMs: 10_000,
    });
    expect(r).toMatchObject({ outcome: 'upgraded', oldJobId: old.jobId, name: 'counts', failure: null, restoredJobId: null });
    const next = flink.jobs.get(r.newJobId!)!;
    expect(next.restoredFrom).toBe(r.savepoint);
    expect(next.state).toBe('RUNNING');
    expect(flink.jobs.get(old.jobId)!.state).toBe('FINISHED');
    // The name given at the first submission carries over.
    expect(next.submittedWith['pipeline.name']).toBe('counts');
    expect(store.get(r.newJobId!)).toMatchObject({ upgradedFrom: old.jobId, fromSavepoint: r.savepoint });
    expect(events).toEqual([
      'stop counts with a savepoint: start',
      'stop counts with a savepoint: done',
      'start the new version from the savepoint: start',
      'start the new version from the savepoint: done',
      'watch it for 10s: start',
      'watch it for 10s: done',
    ]);
  });

  it('rolls back from the same savepoint when the new version fails within the grace period', async () => {
    const old = await submitJob(deps(), { kind: 'sql', file: 'v1.sql' });
    flink.next.push({ kind: 'fail-after', ms: 5000, error: 'java.lang.ArithmeticException: / by zero' });
    const err = await upgradeJob(deps(), { jobId: old.jobId, next: { kind: 'sql', file: 'v2.sql' }, graceMs: 30_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpgradeFailedError);
    const { result } = err as UpgradeFailedError;
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure).toBe('ArithmeticException: / by zero');
    expect((err as Error).message).toBe(
      `unable to upgrade job ${old.jobId} (counts): the new version failed: ArithmeticException: / by zero`,
    );
    expect((err as UpgradeFailedError).exitCode).toBe(1);
    expect(flink.jobs.get(result.newJobId!)!.state).toBe('CANCELED');
    const restored = flink.jobs.get(result.restoredJobId!)!;
    expect(restored.state).toBe('RUNNING');
    expect(restored.restoredFrom).toBe(result.savepoint);
    // The old version's SQL ran again, not the new one.
    expect(gateway.statements.at(-1)).not.toContain('HAVING');
    expect(store.get(result.restoredJobId!)).toMatchObject({ sql: V1 });
  });

  it('rolls back when the new version does not even start', async () => {
    const old = await submitJob(deps(), { kind: 'sql', file: 'v1.sql' });
    const err = (await upgradeJob(deps(), { jobId: old.jobId, next: { kind: 'sql', file: 'bad.sql' }, graceMs: 1000 }).catch(
      (e: unknown) => e,
    )) as UpgradeFailedError;
    expect(err.result).toMatchObject({ outcome: 'rolled-back', newJobId: null });
    expect(err.result.failure).toMatch(/^the statement at line 5 failed: SQL validation failed/);
    expect(flink.jobs.get(err.result.restoredJobId!)!.state).toBe('RUNNING');
  });

  it('refuses before stopping anything when it could not roll back, or the new version is unreadable', async () => {
    const foreign = flink.addJob('not-ours');
    await expect(upgradeJob(deps(), { jobId: foreign.jid, next: { kind: 'sql', file: 'v2.sql' } })).rejects.toThrow(
      /streamctl did not submit it, so it cannot restart it/,
    );
    const ours = await submitJob(deps(), { kind: 'sql', file: 'v1.sql' });
    await expect(upgradeJob(deps(), { jobId: ours.jobId, next: { kind: 'sql', file: 'unterminated.sql' } })).rejects.toThrow(
      /line 1: unterminated string literal/,
    );
    await expect(upgradeJob(deps(), { jobId: ours.jobId, next: { kind: 'sql', file: 'missing.sql' } })).rejects.toThrow(
      /cannot read the new version/,
    );
    expect(flink.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
  });

  it('with --old, upgrades a job streamctl did not submit and rolls back to that file', async () => {
    const foreign = flink.addJob('not-ours');
    flink.next.push({ kind: 'fail-at-start', error: 'java.lang.IllegalStateException: nope' });
    const err = (await upgradeJob(deps(), {
      jobId: foreign.jid,
      next: { kind: 'jar', file: 'job.jar', entryClass: 'io.x.Main' },
      old: { kind: 'sql', file: 'v1.sql' },
      graceMs: 1000,
    }).catch((e: unknown) => e)) as UpgradeFailedError;
    expect(err.result.outcome).toBe('rolled-back');
    expect(err.result.failure).toBe('IllegalStateException: nope');
    // The old version keeps the running job's name.
    expect(flink.jobs.get(err.result.restoredJobId!)!.submittedWith['pipeline.name']).toBe('not-ours');
  });

  it("keeps the job's name unless the new SQL sets one, or --name is given", async () => {
    const foreign = flink.addJob('not-ours');
    const kept = await upgradeJob(deps(), {
      jobId: foreign.jid,
      next: { kind: 'sql', file: 'noset.sql' },
      old: { kind: 'sql', file: 'noset.sql' },
      graceMs: 1000,
    });
    expect(flink.jobs.get(kept.newJobId!)!.submittedWith['pipeline.name']).toBe('not-ours');
    const fromFile = await upgradeJob(deps(), { jobId: kept.newJobId!, next: { kind: 'sql', file: 'v2.sql' }, graceMs: 1000 });
    expect(flink.jobs.get(fromFile.newJobId!)!.submittedWith['pipeline.name']).toBe('counts');
    const flagged = await upgradeJob(deps(), {
      jobId: fromFile.newJobId!,
      next: { kind: 'sql', file: 'v2.sql', name: 'renamed' },
      graceMs: 1000,
    });
    expect(flink.jobs.get(flagged.newJobId!)!.submittedWith['pipeline.name']).toBe('renamed');
  });

  it('says so when the rollback fails too, pointing at the savepoint', async () => {
    const old = await submitJob(deps(), { kind: 'sql', file: 'v1.sql' });
    flink.next.push({ kind: 'fail-at-start', error: 'java.lang.IllegalStateException: new is broken' });
    flink.next.push({ kind: 'fail-at-start', error: 'java.lang.IllegalStateException: old is broken too' });
    const err = (await upgradeJob(deps(), { jobId: old.jobId, next: { kind: 'sql', file: 'v2.sql' } }).catch(
      (e: unknown) => e,
    )) as UpgradeFailedError;
    expect(err).toBeInstanceOf(CheckFailedError);
    expect(err.result.outcome).toBe('failed');
    expect(err.message).toContain('restarting the old version failed too (IllegalStateException: old is broken too)');
    expect(err.hint).toContain(err.result.savepoint);
  });
});
