import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { lagReport } from '../../src/collector/report.js';
import { breaches } from '../../src/collector/threshold.js';
import { parseInterval } from '../../src/commands/lag/options.js';
import { lagTable, watchHeading } from '../../src/commands/lag/view.js';
import { main } from '../../src/main.js';
import { print } from '../../src/output/printer.js';
import { makeStyle } from '../../src/output/style.js';
import { StreamctlError } from '../../src/errors.js';
import { captureIo } from '../helpers/io.js';
import { NOW, snapshot } from '../helpers/snapshots.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];
const plain = makeStyle(false);

function report(groups = snapshot().groups, failAbove: Parameters<typeof lagReport>[1] = null) {
  const s = snapshot({ groups });
  const above = failAbove
    ? breaches(
        groups.map((g) => ({ group: g.groupId, lag: g.lag, timeLagMs: g.timeLagMs, timeLagAtLeast: g.timeLagAtLeast })),
        failAbove,
      )
    : [];
  return lagReport(s, failAbove, above);
}

function printed(format: 'table' | 'json' | 'yaml', r = report()): string {
  let out = '';
  print({ write: (s: string) => (out += s) }, { data: r, table: lagTable }, format, { NO_COLOR: '1' });
  return out;
}

describe('lag printers', () => {
  it('table: one row per group with lag, time lag and health', () => {
    const text = printed('table');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^GROUP\s+STATE\s+MEMBERS\s+TOPICS\s+LAG\s+TIME LAG\s+RATE\s+HEALTH$/);
    expect(text).toMatch(/billing\s+Stable\s+1\s+orders\s+60\s+12s\s+5\/s\s+OK/);
    expect(text).toMatch(/fraud-scoring\s+Stable\s+1\s+orders\s+12,345\s+1m35s\s+150\/s\s+LAGGING/);
    expect(text).toMatch(/audit-archiver\s+Empty\s+0\s+orders\s+500\s+≥10m00s\s+0\/s\s+EMPTY/);
    expect(text).not.toContain('PARTITION');
  });

  it('table: without known rates (one sample) the rate column is left out', () => {
    const groups = snapshot().groups.map((g) => ({ ...g, consumeRate: null }));
    expect(printed('table', report(groups)).split('\n')[0]).not.toContain('RATE');
  });

  it('table: a single group lists its partitions and members', () => {
    const text = printed('table', report([snapshot().groups[1]!]));
    expect(text).toMatch(/TOPIC\s+PARTITION\s+COMMITTED\s+LOG END\s+LAG\s+TIME LAG\s+MEMBER/);
    expect(text).toMatch(/orders\s+0\s+1000\s+7000\s+6000\s+1m35s\s+fraud-1 @ 10\.0\.0\.8/);
    expect(text).toMatch(/orders\s+1\s+2000\s+8345\s+6345\s+1m30s\s+fraud-2 @ 10\.0\.0\.9/);
  });

  it('table: says which groups are above --fail-above, or that none is', () => {
    expect(printed('table', report(undefined, { kind: 'messages', messages: 1000 }))).toContain(
      'above 1,000 messages: fraud-scoring (12,345 messages)',
    );
    expect(printed('table', report(undefined, { kind: 'messages', messages: 100_000 }))).toContain(
      'every group is at or below 100,000 messages of lag',
    );
    expect(printed('table', report([]))).toBe('no consumer groups\n');
  });

  it('json: the documented shape, in seconds and messages', () => {
    const data = JSON.parse(printed('json', report(undefined, { kind: 'time', ms: 60_000 })));
    expect(Object.keys(data)).toEqual(['at', 'context', 'groups', 'failAbove', 'above']);
    expect(data.at).toBe(new Date(NOW - 500).toISOString());
    expect(data.context).toBe('local');
    expect(data.failAbove).toEqual({ kind: 'time', ms: 60_000 });
    expect(data.above).toEqual([
      { group: 'fraud-scoring', value: '1m35s' },
      { group: 'audit-archiver', value: '≥10m00s' },
    ]);
    const g = data.groups.find((x: { group: string }) => x.group === 'fraud-scoring');
    expect(g).toEqual({
      group: 'fraud-scoring',
      state: 'Stable',
      members: 1,
      topics: ['orders'],
      lag: 12345,
      timeLagSeconds: 95,
      timeLagAtLeast: false,
      consumeRate: 150,
      verdict: 'LAGGING',
      partitions: [
        {
          topic: 'orders',
          partition: 0,
          committed: 1000,
          logEnd: 7000,
          lag: 6000,
          timeLagSeconds: 95,
          timeLagMethod: 'record',
          member: { clientId: 'fraud-1', host: '10.0.0.8', memberId: 'm-2' },
        },
        {
          topic: 'orders',
          partition: 1,
          committed: 2000,
          logEnd: 8345,
          lag: 6345,
          timeLagSeconds: 90,
          timeLagMethod: 'history',
          member: { clientId: 'fraud-2', host: '10.0.0.9', memberId: 'm-3' },
        },
      ],
    });
    expect(printed('json')).not.toContain('\u001B');
  });

  it('yaml: the same data', () => {
    const data = parseYaml(printed('yaml'));
    expect(data.groups).toHaveLength(3);
    expect(data.groups[0].group).toBe('billing');
  });

  it('heads every --watch sample with its time and context', () => {
    expect(watchHeading(report(), plain)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}local$/);
  });
});

describe('streamctl lag and top flags', () => {
  it('--fail-above with a bad value exits 2 before connecting to anything', async () => {
    for (const bad of ['abc', '1.5', '-3', '10 messages']) {
      const io = captureIo({ STREAMCTL_BROKERS: '127.0.0.1:1' });
      expect(await main(argv('lag', '--fail-above', bad), io), bad).toBe(2);
      expect(io.err()).toContain(`invalid --fail-above "${bad}"`);
      expect(io.err()).toContain('hint: use a number of messages (e.g. 1000) or a duration (e.g. 30s, 5m, 1m30s)');
    }
  });

  it('--interval must be a duration of at least 200 ms', async () => {
    expect(parseInterval('1s')).toBe(1000);
    expect(parseInterval('2')).toBe(2000);
    expect(parseInterval('500ms')).toBe(500);
    expect(() => parseInterval('50ms')).toThrow(StreamctlError);
    expect(() => parseInterval('soon')).toThrow(/invalid --interval "soon"/);
    const io = captureIo();
    expect(await main(argv('lag', '--interval', 'x'), io)).toBe(2);
  });

  it('top refuses to start without a terminal, in one line pointing to lag (exit 2)', async () => {
    const io = captureIo({ STREAMCTL_BROKERS: '127.0.0.1:1' });
    expect(await main(argv('top'), io)).toBe(2);
    expect(io.err().trimEnd().split('\n')).toEqual([
      'error: unable to start the dashboard: not a terminal; use `streamctl lag` (or `streamctl lag --watch`) for plain text',
    ]);
    expect(io.out()).toBe('');
  });

  it('top and lag help show keys, the health rule and examples', async () => {
    const top = captureIo();
    expect(await main(argv('top', '--help'), top)).toBe(0);
    expect(top.out()).toContain('Keys:');
    expect(top.out()).toContain('STALLED  messages wait and no committed offset moved for 30s');
    expect(top.out()).toContain('docs/lag.md');
    const lag = captureIo();
    expect(await main(argv('lag', '--help'), lag)).toBe(0);
    expect(lag.out()).toContain('--fail-above <messages|duration>');
    expect(lag.out()).toContain('Examples:');
    expect(lag.out()).toContain('EMPTY    no members');
  });

  it('lag against an unreachable Kafka says so and exits 2', async () => {
    const io = captureIo({ STREAMCTL_BROKERS: '127.0.0.1:1' });
    expect(await main(argv('lag'), io)).toBe(2);
    expect(io.err()).toMatch(/^error: unable to read consumer lag: .*(refused|127\.0\.0\.1:1)/m);
    expect(io.err()).toContain('hint: check that Kafka is reachable at 127.0.0.1:1');
    expect(io.err()).not.toContain('    at ');
  });
});
