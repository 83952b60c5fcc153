import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { localDir } from '../../src/pipeline/restore.js';
import { PipelineStateStore, pipelineStateFile } from '../../src/pipeline/state.js';
import type { StatusResult } from '../../src/platform/platform.js';
import { cli, runningPlatform } from '../helpers/platform.js';
import {
  expectedResults,
  expectedWindows,
  generateEvents,
  readPipelineTables,
  readSymbolStats,
  waitForResults,
  watermarkPushers,
  writeJsonl,
  type TxEvent,
} from '../helpers/pipeline.js';

/**
 * The pipeline's three jobs against the real local platform, as a private copy (`--suffix`):
 * own topics, tables, job names and consumer groups, so nothing else on the shared platform
 * is read or written. Parallelism 1: the three jobs take 3 of the TaskManager's 4 slots.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = join(ROOT, 'schemas', 'transaction_event.avsc');
const STATS_SCHEMA = readFileSync(join(ROOT, 'schemas', 'symbol_stats.avsc'), 'utf8');
const tag = `it${Date.now().toString(36)}`;
const suffix = `_${tag}`;
const topic = `transactions${suffix}`;
const statsTopic = `symbol-stats${suffix}`;
const work = mkdtempSync(join(tmpdir(), 'streamctl-pipeline-'));
let platform: StatusResult;

// 2026-03-02T10:00:00Z, a minute boundary: batch A spans minutes 0–3, batch B minutes 3–6.
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

async function produce(events: TxEvent[], name: string): Promise<void> {
  const file = join(work, `${name}.jsonl`);
  writeJsonl(file, events);
  const r = await cli(['produce', '--input', file, '--schema', SCHEMA, '--topic', topic, '--key', 'account_id', '-o', 'json'], {
    cwd: ROOT,
  });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).summary.acked).toBe(events.length);
}

async function pipeline(...args: string[]) {
  const r = await cli(['pipeline', ...args, '--suffix', tag, '-o', 'json'], { cwd: ROOT, timeoutMs: 300_000 });
  if (r.code === 0) {
    const out = JSON.parse(r.stdout) as { jobs?: { id: string }[]; id?: string } | { id: string | null; savepoint: string | null }[];
    for (const j of Array.isArray(out) ? out : (out.jobs ?? [out])) if (j.id) jobIds.add(j.id);
    if (Array.isArray(out)) for (const d of out) if (d.savepoint) savepoints.add(d.savepoint);
  }
  return r;
}

beforeAll(async () => {
  platform = await runningPlatform();
});

/** Every Flink job and savepoint of this copy, to remove what the cluster keeps of them (retained checkpoints, savepoints). */
const jobIds = new Set<string>();
const savepoints = new Set<string>();

afterAll(async () => {
  await cli(['pipeline', 'down', '--cancel', '--suffix', tag], { cwd: ROOT });
  // The copy leaves nothing behind on the shared platform: its records, checkpoints, savepoints, subjects, tables and topics.
  const config = resolveConfig();
  const state = new PipelineStateStore(pipelineStateFile(config, process.env), platform.flink.rest);
  for (const job of ['transaction-analytics', 'positions-projection', 'count-window']) state.set(`${job}${suffix}`, undefined);
  const flinkConfig = (await (await fetch(`${platform.flink.rest}/jobmanager/config`)).json()) as { key: string; value: string }[];
  const checkpointDir = localDir(flinkConfig.find((e) => e.key === 'execution.checkpointing.dir')?.value);
  for (const id of jobIds) if (checkpointDir) rmSync(join(checkpointDir, id), { recursive: true, force: true });
  for (const sp of savepoints) {
    const dir = localDir(sp);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  for (const t of [topic, `user-events${suffix}`, statsTopic]) {
    const subject = `${platform.registry.url}/subjects/${encodeURIComponent(`${t}-value`)}`;
    await fetch(subject, { method: 'DELETE' }).catch(() => {});
    await fetch(`${subject}?permanent=true`, { method: 'DELETE' }).catch(() => {});
  }
  const db = new pg.Client({ connectionString: platform.postgres.url });
  await db.connect();
  for (const t of ['symbol_window_stats', 'late_trades', 'account_positions', 'account_cash', 'account_count_windows']) {
    await db.query(`drop table if exists ${t}${suffix}`);
  }
  await db.end();
  const admin = new kafkajs.Kafka({ brokers: platform.kafka.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `user-events${suffix}`, statsTopic] }).catch(() => {});
  await admin.disconnect();
  rmSync(work, { recursive: true, force: true });
});

describe('streamctl pipeline', () => {
  const batchA = generateEvents({ runId: tag, start: T0 + 1_000, count: 240, spacingMs: 750, accounts: 5, seed: 7 });
  const batchB = generateEvents({ runId: tag, start: T0 + 181_000, count: 240, spacingMs: 750, accounts: 5, seed: 8, from: 240 });
  const pushers = watermarkPushers(tag, T0 + 20 * 60_000, 3);
  const all = [...batchA, ...batchB, ...pushers];
  // A settled buy of batch A again, under its own id, long after its minute closed.
  const late: TxEvent = {
    ...batchA.find((e) => e.type === 'BUY' && e.status === 'SETTLED')!,
    transaction_id: '00000000-0000-4000-a000-000000000001',
    event_time: T0 + 90_000,
  };

  it('up creates topics, schemas and tables, starts the three jobs, and is idempotent', async () => {
    const up = await pipeline('up');
    expect(up.stderr).not.toMatch(/error/);
    expect(up.code).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.jobs.map((j: { name: string; state: string }) => [j.name, j.state])).toEqual([
      [`transaction-analytics${suffix}`, 'RUNNING'],
      [`positions-projection${suffix}`, 'RUNNING'],
      [`count-window${suffix}`, 'RUNNING'],
    ]);
    expect(result.topics.map((t: { topic: string }) => t.topic)).toEqual([topic, `user-events${suffix}`, statsTopic]);
    // The log is kept forever: a rebuild replays all of it.
    expect(result.topics[0].retentionMs).toBe(-1);

    const again = JSON.parse((await pipeline('up')).stdout);
    expect(again.jobs.map((j: { action: string }) => j.action)).toEqual(['running', 'running', 'running']);
    expect(again.jobs.map((j: { id: string }) => j.id)).toEqual(result.jobs.map((j: { id: string }) => j.id));
  });

  it('stop with savepoint and resume: the results equal a plain computation over every event, with no gap and no duplicate', async () => {
    await produce(batchA, 'a');
    // Positions follow every event; wait until batch A is in before stopping.
    const partA = expectedResults(batchA);
    const partial = await waitForResults(platform.postgres.url, suffix, { positions: partA.positions, cash: partA.cash }, 60_000);
    expect(partial.cash).toEqual(partA.cash);

    const down = JSON.parse((await pipeline('down')).stdout) as { action: string; savepoint: string }[];
    expect(down.map((d) => d.action)).toEqual(['stopped', 'stopped', 'stopped']);
    // While the jobs are stopped, batch B and the watermark pushers arrive.
    await produce([...batchB, ...pushers], 'b');
    const up = JSON.parse((await pipeline('up')).stdout);
    expect(up.jobs.map((j: { action: string }) => j.action)).toEqual(['restored', 'restored', 'restored']);
    expect(up.jobs.map((j: { from: string }) => j.from)).toEqual(down.map((d) => d.savepoint));

    const expected = expectedResults(all);
    // The data really crosses the stop: windows and count windows hold events of both batches.
    expect(expected.windows.some((w) => w.window_start < T0 + 180_000 && w.window_end > T0 + 181_000)).toBe(true);
    expect(expected.countWindows.length).toBeGreaterThan(10);
    const got = await waitForResults(platform.postgres.url, suffix, expected);
    expect(got.windows).toEqual(expected.windows);
    expect(got.positions).toEqual(expected.positions);
    expect(got.cash).toEqual(expected.cash);
    expect(got.countWindows).toEqual(expected.countWindows);
    expect(got.late).toEqual([]);

    // Downstream, read_committed: every window exactly once, with the same values.
    const stats = await readSymbolStats(platform.kafka.bootstrap, statsTopic, STATS_SCHEMA, { expect: expected.windows.length });
    expect(stats).toEqual(expected.windows);
  });

  it('a trade later than the watermark misses its windows and is listed in late_trades', async () => {
    await produce([late], 'late');
    const deadline = Date.now() + 30_000;
    let got = await readPipelineTables(platform.postgres.url, suffix);
    while (got.late.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      got = await readPipelineTables(platform.postgres.url, suffix);
    }
    expect(got.late).toEqual([{ transaction_id: late.transaction_id, event_time: late.event_time }]);
    // Windows are final: the late trade changed none of them …
    expect(got.windows).toEqual(expectedWindows(all));
    // … while the projection, which is not windowed, counts it (its own job: wait for it too).
    const positions = expectedResults([...all, late]).positions;
    expect((await waitForResults(platform.postgres.url, suffix, { positions }, 30_000)).positions).toEqual(positions);
  });

  it('rebuild positions replays the log into emptied tables and arrives at the same state', async () => {
    const r = await pipeline('rebuild', 'positions');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.truncated).toEqual([`account_positions${suffix}`, `account_cash${suffix}`]);
    const expected = expectedResults([...all, late]);
    const got = await waitForResults(platform.postgres.url, suffix, { ...expected, windows: expectedWindows(all) });
    expect(got.positions).toEqual(expected.positions);
    expect(got.cash).toEqual(expected.cash);
  });
});
