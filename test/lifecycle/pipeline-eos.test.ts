import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/platform.js';
import { expectedResults, generateEvents, readSymbolStats, waitForResults, watermarkPushers, writeJsonl } from '../helpers/pipeline.js';

/**
 * Exactly-once through a crash: the TaskManager is killed with SIGKILL in the middle of the
 * stream. Killing the shared platform's TaskManager would break everyone else's jobs, so this
 * runs on a platform of its own (own home, own ports), purged at the end.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = join(ROOT, 'schemas', 'transaction_event.avsc');
const STATS_SCHEMA = readFileSync(join(ROOT, 'schemas', 'symbol_stats.avsc'), 'utf8');
const home = mkdtempSync(join(tmpdir(), 'streamctl-eos-'));
chmodSync(home, 0o755);
const env = { STREAMCTL_DEV_HOME: home, STREAMCTL_DEV_PORT_OFFSET: '22000' };
const run = (args: string[], timeoutMs = 600_000) => cli(args, { env, cwd: ROOT, timeoutMs });

/** PIDs of live processes whose command line mentions the home: what must be gone at the end. */
function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir) && stat[stat.lastIndexOf(')') + 2] !== 'Z') pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

afterAll(async () => {
  await run(['dev', 'down', '--purge']);
  expect(processesOf(home)).toEqual([]);
  rmSync(home, { recursive: true, force: true });
});

interface Checkpoints {
  counts: { completed: number; restored: number };
  latest: { completed: { latest_ack_timestamp: number } | null };
}

describe('the pipeline through a TaskManager crash', () => {
  it('kill -9 of the TaskManager mid-stream: Postgres results stay exact, a read_committed reader sees each window once', async () => {
    const up = await run(['dev', 'up', '-o', 'json']);
    expect(up.code, up.stderr).toBe(0);
    const status = JSON.parse(up.stdout).status as { kafka: { bootstrap: string }; flink: { rest: string }; postgres: { url: string } };

    const pipelineUp = await run(['pipeline', 'up', '-o', 'json']);
    expect(pipelineUp.code, pipelineUp.stderr).toBe(0);
    const jobIds = (JSON.parse(pipelineUp.stdout).jobs as { id: string }[]).map((j) => j.id);
    expect(jobIds).toHaveLength(3);

    // 3,000 events over 7.5 minutes of event time, sent at 150/s: the stream runs 20 s.
    const T0 = Date.UTC(2026, 4, 4, 12, 0, 0);
    const events = generateEvents({ runId: 'eos', start: T0 + 500, count: 3000, spacingMs: 150, accounts: 8, seed: 42 });
    const pushers = watermarkPushers('eos', T0 + 30 * 60_000, 3);
    const file = join(home, 'events.jsonl');
    writeJsonl(file, events);
    const startedAt = Date.now();
    const producing = run(['produce', '--input', file, '--schema', SCHEMA, '--key', 'account_id', '--rate', '150/s', '-o', 'json']);

    // Kill only once every job has completed a checkpoint with data in it: recovery then restores state, not just restarts.
    const checkpoints = async (id: string) => (await (await fetch(`${status.flink.rest}/jobs/${id}/checkpoints`)).json()) as Checkpoints;
    for (;;) {
      const all = await Promise.all(jobIds.map(checkpoints));
      if (all.every((c) => (c.latest.completed?.latest_ack_timestamp ?? 0) > startedAt + 2_000)) break;
      expect(Date.now() - startedAt).toBeLessThan(19_000);
      await new Promise((r) => setTimeout(r, 250));
    }
    const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { services: Record<string, { pid: number }> };
    process.kill(state.services['flink-taskmanager']!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 2_000));
    // `dev up` restarts just the dead TaskManager.
    const restart = await run(['dev', 'up', '-o', 'json']);
    expect(restart.code, restart.stderr).toBe(0);

    const produced = await producing;
    expect(produced.code, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stdout).summary.acked).toBe(events.length);
    const pusherFile = join(home, 'pushers.jsonl');
    writeJsonl(pusherFile, pushers);
    expect((await run(['produce', '--input', pusherFile, '--schema', SCHEMA, '--key', 'account_id'])).code).toBe(0);

    // After the crash `up` finds the same jobs (they recovered on their own) and waits for them to run.
    const again = await run(['pipeline', 'up', '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    const after = JSON.parse(again.stdout).jobs as { id: string; action: string }[];
    expect(after.map((j) => j.action)).toEqual(['running', 'running', 'running']);
    expect(after.map((j) => j.id)).toEqual(jobIds);
    // The JobManager notices the dead TaskManager by failed RPCs or its heartbeat timeout, so
    // each job fails over (and restores its last checkpoint) some seconds after the kill.
    const deadline = Date.now() + 120_000;
    let restored = await Promise.all(jobIds.map(async (id) => (await checkpoints(id)).counts.restored));
    while (restored.some((n) => n < 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      restored = await Promise.all(jobIds.map(async (id) => (await checkpoints(id)).counts.restored));
    }
    expect(
      restored.every((n) => n >= 1),
      `restored checkpoints per job: ${restored.join(', ')}`,
    ).toBe(true);

    const expected = expectedResults([...events, ...pushers]);
    expect(expected.countWindows.length).toBeGreaterThan(100);
    const got = await waitForResults(status.postgres.url, '', expected, 240_000);
    expect(got.windows).toEqual(expected.windows);
    expect(got.positions).toEqual(expected.positions);
    expect(got.cash).toEqual(expected.cash);
    expect(got.countWindows).toEqual(expected.countWindows);
    expect(got.late).toEqual([]);

    const stats = await readSymbolStats(status.kafka.bootstrap, 'symbol-stats', STATS_SCHEMA, {
      expect: expected.windows.length,
      settleMs: 12_000,
    });
    expect(stats.length).toBe(expected.windows.length);
    expect(stats).toEqual(expected.windows);
  });
});
