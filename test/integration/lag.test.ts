import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LagReport } from '../../src/collector/report.js';
import { deleteTopic, laggingGroup, type LaggingGroup } from '../helpers/lagging.js';
import { BIN, cli, runningPlatform, unique } from '../helpers/platform.js';

let bootstrap: string;
let lagging: LaggingGroup;

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  lagging = await laggingGroup(bootstrap, { prefix: 'it-lagcli' });
  // Old enough that "1s" of time lag is certainly exceeded, young enough for "1h".
  await new Promise((r) => setTimeout(r, 1500));
});

afterAll(async () => {
  await deleteTopic(bootstrap, lagging.topic, [lagging.groupId]);
});

/** Runs the binary until `ms` have passed, then sends SIGINT as Ctrl-C would. */
function runFor(args: string[], ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('streamctl lag', () => {
  it('prints a group with its lag and partitions as a table', async () => {
    const r = await cli(['lag', '--group', lagging.groupId]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${lagging.groupId}\\s+Empty\\s+0\\s+${lagging.topic}\\s+60\\s+\\d+s\\s+EMPTY`));
    expect(r.stdout).toMatch(/TOPIC\s+PARTITION\s+COMMITTED\s+LOG END\s+LAG\s+TIME LAG\s+MEMBER/);
    expect(r.stdout.match(new RegExp(`^${lagging.topic}\\s+\\d\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+s\\s+unassigned$`, 'gm'))).toHaveLength(3);
  });

  it('gives the documented JSON shape with -o json', async () => {
    const r = await cli(['lag', '--group', lagging.groupId, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LagReport;
    expect(Object.keys(report)).toEqual(['at', 'context', 'groups', 'failAbove', 'above']);
    expect(Date.parse(report.at)).toBeGreaterThan(lagging.producedTo - 1000);
    expect(report.context).toBe('local');
    expect(report.failAbove).toBeNull();
    expect(report.above).toEqual([]);
    expect(report.groups).toHaveLength(1);
    const g = report.groups[0]!;
    expect(g).toMatchObject({
      group: lagging.groupId,
      state: 'Empty',
      members: 0,
      topics: [lagging.topic],
      lag: 60,
      consumeRate: null,
      verdict: 'EMPTY',
      timeLagAtLeast: false,
    });
    expect(g.timeLagSeconds).toBeGreaterThan(1);
    expect(g.timeLagSeconds).toBeLessThan(120);
    expect(g.partitions).toHaveLength(3);
    expect(g.partitions.reduce((n, p) => n + p.lag!, 0)).toBe(60);
    for (const p of g.partitions) {
      expect(Object.keys(p)).toEqual(['topic', 'partition', 'committed', 'logEnd', 'lag', 'timeLagSeconds', 'timeLagMethod', 'member']);
      expect(p.lag).toBe(p.logEnd - p.committed!);
      expect(p.member).toBeNull();
      if (p.lag! > 0) expect(p.timeLagMethod).toBe('record');
    }
  });

  it('--fail-above: exit 0 at or below, 1 above (messages and time), 2 for a bad value', async () => {
    const at = (v: string) => cli(['lag', '--group', lagging.groupId, '--fail-above', v]);
    const below = await at('1000');
    expect(below.code, below.stderr).toBe(0);
    expect(below.stdout).toContain('every group is at or below 1,000 messages of lag');
    expect((await at('60')).code).toBe(0);
    const above = await at('59');
    expect(above.code).toBe(1);
    expect(above.stdout).toContain(`above 59 messages: ${lagging.groupId} (60 messages)`);
    expect(above.stderr).toContain(`error: 1 consumer group is above 59 messages of lag: ${lagging.groupId} (60 messages)`);
    expect((await at('1h')).code).toBe(0);
    const late = await at('1s');
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/above 1s of lag/);
    const bad = await at('lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --fail-above "lots"');
  });

  it('--fail-above with -o json still prints the report, with the groups above', async () => {
    const r = await cli(['lag', '--group', lagging.groupId, '--fail-above', '10', '-o', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as LagReport;
    expect(report.failAbove).toEqual({ kind: 'messages', messages: 10 });
    expect(report.above).toEqual([{ group: lagging.groupId, value: '60 messages' }]);
  });

  it('an unknown group or topic is a usage error (exit 2) naming it', async () => {
    const name = unique('no-such-group');
    const r = await cli(['lag', '--group', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: unable to show lag: no consumer group "${name}"`);
    expect(r.stderr).toContain('hint: `streamctl lag` lists every consumer group');
    const topic = unique('no-such-topic');
    const t = await cli(['lag', '--topic', topic]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(`error: unable to show lag: no topic "${topic}"`);
  });

  it('takes several groups and topics (repeated or comma-separated), naming every unknown one', async () => {
    const a = unique('no-such-group-a');
    const b = unique('no-such-group-b');
    const r = await cli(['lag', '--group', `${lagging.groupId},${a}`, '-g', b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: unable to show lag: no consumer group "${a}", "${b}"`);
    const ok = await cli(['lag', '--group', `${lagging.groupId},${lagging.groupId}`, '--topic', lagging.topic, '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as LagReport).groups.map((g) => g.group)).toEqual([lagging.groupId]);
    const empty = await cli(['lag', '--group', `${lagging.groupId},`]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/invalid --group .*a name is empty/);
  });

  it('--topic selects the groups that read it', async () => {
    const r = await cli(['lag', '--topic', lagging.topic, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LagReport;
    expect(report.groups.map((g) => g.group)).toEqual([lagging.groupId]);
  });

  it('--watch reprints every interval as plain text without a terminal, until Ctrl-C', async () => {
    const r = await runFor(['lag', '--group', lagging.groupId, '--watch', '--interval', '500ms'], 4000);
    expect(r.code, r.stderr).toBe(0);
    const headings = r.stdout.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}local$/gm) ?? [];
    expect(headings.length).toBeGreaterThanOrEqual(3);
    expect(r.stdout).not.toContain('\u001B');
    // From the second sample on, the consume rate is known (0/s: nobody consumes).
    expect(r.stdout).toMatch(new RegExp(`${lagging.groupId}\\s+Empty\\s+0\\s+${lagging.topic}\\s+60\\s+\\d+s\\s+0/s\\s+EMPTY`));
  });

  it('--watch -o json prints one report per line', async () => {
    const r = await runFor(['lag', '--group', lagging.groupId, '--watch', '--interval', '500ms', '-o', 'json'], 3000);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect((JSON.parse(line) as LagReport).groups[0]!.lag).toBe(60);
  });

  it('--watch with --fail-above stops with exit 1 at the first sample above', async () => {
    const r = await runFor(['lag', '--group', lagging.groupId, '--watch', '--fail-above', '5'], 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('above 5 messages of lag');
  });
});
