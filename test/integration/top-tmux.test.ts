import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTopic, laggingGroup, type LaggingGroup } from '../helpers/lagging.js';
import { cli, run, runningPlatform, unique } from '../helpers/platform.js';

/**
 * `streamctl top` in a real terminal: tmux gives it a 140×40 pty, keys are
 * sent as a user types them, and the screen is read back with capture-pane.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sessions: string[] = [];
let bootstrap: string;
let prefix: string;
let a: LaggingGroup;
let b: LaggingGroup;

async function tmux(...args: string[]): Promise<string> {
  const r = await run('tmux', args, 10_000);
  if (r.code !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A shell in a fresh 140×40 tmux session, so that quitting top leaves its prompt behind. */
async function session(env: Record<string, string> = {}): Promise<string> {
  const name = unique('streamctl-top');
  sessions.push(name);
  // A tmux server started earlier keeps its own environment: pass streamctl's settings explicitly.
  const inherited = Object.entries(process.env).filter(([k]) => k.startsWith('STREAMCTL_')) as [string, string][];
  const vars = [...inherited, ...Object.entries(env)].map(([k, v]) => `${k}=${v}`);
  // CI set in the test environment would make Ink stop drawing; a person's terminal doesn't have it.
  await tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '140',
    '-y',
    '40',
    '-c',
    ROOT,
    'env',
    '-u',
    'CI',
    ...vars,
    'bash',
    '--norc',
    '--noprofile',
  );
  await tmux('send-keys', '-t', name, "PS1='shell$ '", 'Enter');
  return name;
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

async function waitFor(name: string, test: (s: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await screen(name);
    if (test(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

async function keys(name: string, ...k: string[]): Promise<void> {
  for (const key of k) {
    await tmux('send-keys', '-t', name, key);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  prefix = unique('e2e-top');
  a = await laggingGroup(bootstrap, { prefix: 'e2e-top-a', groupId: `${prefix}-a`, produce: 100, consume: 40 });
  b = await laggingGroup(bootstrap, { prefix: 'e2e-top-b', groupId: `${prefix}-b`, produce: 50, consume: 30 });
});

afterAll(async () => {
  for (const s of sessions) await run('tmux', ['kill-session', '-t', s]);
  for (const g of [a, b]) if (g) await deleteTopic(bootstrap, g.topic, [g.groupId]);
});

describe('streamctl top in a terminal', () => {
  it('shows the lagging groups, drills down with Down/Enter, goes back with Esc, and q restores the terminal', async () => {
    const s = await session();
    await keys(s, 'node bin/streamctl top; echo "top exited $?"', 'Enter');
    // Each wait names everything asserted on its screen, so a capture taken mid-redraw is simply taken again.
    const rowA = new RegExp(`${prefix}-a\\s+Empty\\s+0\\s+${a.topic.slice(0, 10)}\\S*\\s+60\\s+\\d+s`);
    let view = await waitFor(
      s,
      (x) => /^streamctl top {2}local {2}brokers (\d+)\/\1 {2}controller \d+/.test(x) && rowA.test(x),
      'the lagging group',
    );
    expect(view.split('\n')[0]).toMatch(/^streamctl top {2}local {2}brokers (\d+)\/\1 {2}controller \d+/);
    expect(view).toMatch(rowA);

    // Narrow to the two groups of this test: sorted by lag, a (60) then b (20).
    await keys(s, '/', ...prefix.split(''), 'Enter');
    const listed = (x: string) => x.split('\n').filter((l) => l.includes(`${prefix}-`));
    view = await waitFor(s, (x) => /CONSUMER GROUPS \(2 of \d+\)/.test(x) && listed(x).length === 2, 'the filter');
    const rows = listed(view);
    expect(rows[0]).toMatch(new RegExp(`^› ${prefix}-a\\s.*\\s60\\s`));
    expect(rows[1]).toMatch(new RegExp(`^ {2}${prefix}-b\\s.*\\s20\\s`));

    await keys(s, 'Down', 'Enter');
    const partitionLines = (x: string) => x.split('\n').filter((l) => l.trimStart().startsWith(b.topic));
    view = await waitFor(
      s,
      (x) => x.includes(`CONSUMER GROUP ${prefix}-b`) && partitionLines(x).length === 3,
      'the details of the second group',
    );
    expect(view).toMatch(/state Empty {2}members 0 {2}lag 20 /);
    const partitions = partitionLines(view);
    expect(partitions).toHaveLength(3);
    const lags = partitions.map((l) => Number(l.trim().split(/\s+/)[4]!.replace(/,/g, '')));
    expect(lags.reduce((n, x) => n + x, 0)).toBe(20);
    for (const l of partitions) expect(l).toMatch(/\sunassigned$/);

    await keys(s, 'Escape');
    view = await waitFor(s, (x) => /CONSUMER GROUPS \(2 of \d+\)/.test(x) && !x.includes('CONSUMER GROUP e2e'), 'the list again');

    await keys(s, 'q');
    view = await waitFor(s, (x) => x.includes('top exited 0'), 'top to exit');
    // The alternate screen is gone: the shell's screen is back, without the dashboard on it.
    expect(view).not.toContain('CONSUMER GROUPS');
    expect(view).toContain('shell$ node bin/streamctl top');
    expect(view).toMatch(/top exited 0\s*\nshell\$/);
  });

  it('watches only the groups and topics named by --group and --topic, and says so in the header', async () => {
    const s = await session();
    const groupRow = (g: LaggingGroup, lag: number) => new RegExp(`^(›| ) ${g.groupId}\\s+Empty\\s+0\\s+\\S+\\s+${lag}\\s`, 'm');
    const topicRow = (g: LaggingGroup) => new RegExp(`^ {2}${g.topic}\\s+3\\s`, 'm');
    // Repeated and comma-separated, as lag takes them; the groups bring the topics they read.
    await keys(s, `node bin/streamctl top --group ${a.groupId} -g ${b.groupId},${a.groupId}; echo "top exited $?"`, 'Enter');
    let view = await waitFor(
      s,
      (x) =>
        x.includes('only 2 groups') &&
        x.includes('CONSUMER GROUPS (2)') &&
        x.includes('TOPICS (2)') &&
        groupRow(a, 60).test(x) &&
        groupRow(b, 20).test(x) &&
        topicRow(a).test(x) &&
        topicRow(b).test(x),
      'the two selected groups and their two topics',
    );
    expect(view.split('\n')[0]).toMatch(/^streamctl top {2}local {2}only 2 groups {2}brokers/);
    await keys(s, 'q');
    await waitFor(s, (x) => x.includes('top exited 0'), 'top to exit');

    // A topic brings the groups that read it, and no other.
    await keys(s, 'clear', 'Enter');
    await keys(s, `node bin/streamctl top --topic ${b.topic}; echo "top exited $?"`, 'Enter');
    view = await waitFor(
      s,
      (x) =>
        x.includes(`only topic ${b.topic}`) && x.includes('CONSUMER GROUPS (1)') && x.includes('TOPICS (1)') && groupRow(b, 20).test(x),
      'the group reading the selected topic',
    );
    expect(view).not.toContain(a.groupId);
    expect(view).toMatch(topicRow(b));
    await keys(s, 'q');
    await waitFor(s, (x) => x.includes('top exited 0'), 'top to exit');
  });

  it('shows a banner when Flink and the registry are unreachable, and keeps showing Kafka', async () => {
    const port = await freePort();
    const s = await session({ STREAMCTL_FLINK_URL: `http://127.0.0.1:${port}`, STREAMCTL_REGISTRY_URL: `http://127.0.0.1:${port}` });
    await keys(s, 'node bin/streamctl top --interval 500ms; echo "top exited $?"', 'Enter');
    const view = await waitFor(
      s,
      (x) =>
        x.includes('Flink unavailable') &&
        x.includes('Schema registry unavailable') &&
        x.includes(`${prefix}-a`) &&
        x.includes('no data from Flink yet'),
      'the banner',
    );
    expect(view).toMatch(/Flink unavailable: connection refused — no data yet; retrying every 0\.5s/);
    expect(view).toMatch(/Schema registry unavailable: connection refused — no data yet; retrying every 0\.5s/);
    expect(view).toContain('no data from Flink yet');
    await keys(s, 'C-c');
    await waitFor(s, (x) => x.includes('top exited 0'), 'top to exit on Ctrl-C');
  });

  it('says it needs a terminal when stdout is not one (exit 2), pointing to lag', async () => {
    const r = await cli(['top']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'error: unable to start the dashboard: not a terminal; use `streamctl lag` (or `streamctl lag --watch`) for plain text',
    );
    expect(r.stdout).toBe('');
  });
});
