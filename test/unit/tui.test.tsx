import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Snapshot } from '../../src/collector/types.js';
import { verdictRule } from '../../src/collector/verdict.js';
import { App } from '../../src/tui/App.js';
import { selectionText, type Selection } from '../../src/tui/Header.js';
import { fitColumns, panelRows, scrollStart, fit } from '../../src/tui/layout.js';
import { NOW, group, okSource, snapshot } from '../helpers/snapshots.js';

/** A feed a test pushes frames into, as the collector would. */
function feed(initial?: Snapshot) {
  let current = initial;
  const listeners = new Set<(s: Snapshot) => void>();
  return {
    latest: () => current,
    subscribe: (fn: (s: Snapshot) => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    push(s: Snapshot) {
      current = s;
      for (const l of listeners) l(s);
    },
  };
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

const KEY = { up: '\u001B[A', down: '\u001B[B', enter: '\r', esc: '\u001B', backspace: '\u007F' };

function show(s: Snapshot | undefined, size = { columns: 140, rows: 40 }, selection?: Selection) {
  const f = feed(s);
  let quit = 0;
  const app = render(
    <App
      feed={f}
      target="localhost:9092"
      selection={selection}
      verdictRule={verdictRule()}
      color={false}
      size={size}
      clock={() => NOW}
      tickMs={0}
      onQuit={() => quit++}
    />,
  );
  // Frames without escape codes: inverse (selection, banner) is allowed without colour and tested apart.
  return {
    ...app,
    feed: f,
    quits: () => quit,
    raw: () => app.lastFrame() ?? '',
    frame: () => stripVTControlCharacters(app.lastFrame() ?? ''),
  };
}

async function press(app: ReturnType<typeof show>, ...keys: string[]) {
  for (const k of keys) {
    app.stdin.write(k);
    await tick();
  }
}

afterEach(() => cleanup());

describe('streamctl top screen', () => {
  it('shows the header, groups, topics and Flink jobs of a normal cluster', () => {
    const app = show(snapshot());
    const f = app.frame();
    const lines = f.split('\n');
    expect(lines[0]).toMatch(
      /^streamctl top {2}local {2}brokers 1\/1 {2}controller 1 {2}produce 200\/s {2}consume 155\/s {2}12:00:00 {2}data 0\.4s old/,
    );
    expect(f).toContain('CONSUMER GROUPS (3)  sort: lag');
    // Sorted by lag, the most-behind group first and selected.
    expect(f).toMatch(/› fraud-scoring\s+Stable\s+1\s+orders\s+12,345\s+1m35s\s+150\/s\s+\S+\s+LAGGING/);
    expect(f).toMatch(/ {2}audit-archiver\s+Empty\s+0\s+orders\s+500\s+≥10m00s\s+0\/s\s+\S+\s+EMPTY/);
    expect(f).toMatch(/ {2}billing\s+Stable\s+1\s+orders\s+60\s+12s\s+5\/s\s+▂▃▅▆▇█\s+OK/);
    expect(f).toContain('TOPICS (2)');
    expect(f).toMatch(/orders\s+3\s+12,345\s+200\/s\s+46\.9 KiB\/s/);
    expect(f).toMatch(/payments\s+6\s+900\s+0\/s\s+-/);
    expect(f).toContain('FLINK JOBS (1 running, 2 listed)');
    expect(f).toMatch(/orders-enrichment\s+RUNNING\s+200\/s\s+190\/s\s+ok 2%\s+4s/);
    expect(f).toMatch(/nightly-rollup\s+FINISHED/);
    expect(lines.at(-1)).toContain('↑↓/jk select · Enter details · / filter · s sort · p pause · ? help · q quit');
    // One line short of the terminal, so Ink never clears the whole screen per frame.
    expect(lines).toHaveLength(39);
    // No colour with color=false (bold and inverse stay allowed).
    for (const code of [31, 32, 33, 34, 35, 36, 90]) expect(app.raw()).not.toContain(`\u001B[${code}m`);
  });

  it('says it is connecting before the first sample', () => {
    const f = show(undefined).frame();
    expect(f).toContain('no data yet');
    expect(f).toContain('connecting to localhost:9092…');
  });

  it('shows an empty cluster plainly', () => {
    const f = show(snapshot({ groups: [], topics: [], flink: [], totals: { produceRate: 0, consumeRate: 0 } })).frame();
    expect(f).toContain('CONSUMER GROUPS (0)');
    expect(f).toContain('no consumer groups');
    expect(f).toContain('no topics');
    expect(f).toContain('no Flink jobs');
  });

  it('shows a stale banner when Kafka goes away, keeps the last data, and clears it on recovery', async () => {
    const app = show(snapshot());
    const down = snapshot({
      seq: 8,
      sources: {
        kafka: {
          enabled: true,
          ok: false,
          error: 'connection refused by localhost:9092',
          lastSuccessAt: NOW - 14_000,
          failures: 12,
          detail: '1 broker',
        },
        registry: okSource(),
        flink: { enabled: true, ok: false, error: 'timed out', lastSuccessAt: null, failures: 3, detail: null },
      },
    });
    app.feed.push(down);
    await expect.poll(() => app.frame()).toContain('STALE 14s');
    const f = app.frame();
    expect(f.split('\n')[0]).toContain('STALE 14s');
    expect(f).toMatch(/ ! +Kafka unavailable: connection refused by localhost:9092 — showing data from 14s ago; retrying every 1s/);
    expect(f).toMatch(/ ! +Flink unavailable: timed out — no data yet; retrying every 1s/);
    expect(f).toContain('fraud-scoring');
    app.feed.push(snapshot({ seq: 9 }));
    await tick();
    await expect.poll(() => app.frame()).not.toContain('unavailable');
  });

  it('says in the header when top watches only some groups or topics (--group, --topic)', () => {
    const one = show(snapshot({ groups: [group()], topics: [] }), undefined, { groups: ['billing'], topics: ['orders'] }).frame();
    expect(one.split('\n')[0]).toMatch(
      /^streamctl top {2}local {2}only group billing, topic orders {2}brokers 1\/1 {2}controller 1 {2}produce 200\/s {2}consume 155\/s {2}12:00:00 {2}data 0\.4s old$/,
    );
    const many = { groups: ['a', 'b', 'c'], topics: Array.from({ length: 20 }, (_, i) => `t${i}`) };
    expect(show(snapshot(), undefined, many).frame().split('\n')[0]).toMatch(
      /^streamctl top {2}local {2}only 3 groups, 20 topics {2}brokers/,
    );
    // On a narrow terminal it outlasts brokers, rates and the clock; only the context and the data's age outrank it.
    expect(
      show(snapshot(), { columns: 60, rows: 30 }, { groups: ['billing'] })
        .frame()
        .split('\n')[0],
    ).toBe('streamctl top  local  only group billing  data 0.4s old');
    expect(
      show(snapshot(), { columns: 50, rows: 30 }, { groups: ['billing'] })
        .frame()
        .split('\n')[0],
    ).toBe('streamctl top  local  data 0.4s old');
    // The whole cluster: nothing about a selection.
    expect(show(snapshot()).frame().split('\n')[0]).not.toContain('only');
    expect(selectionText({})).toBeNull();
    expect(selectionText({ topics: ['x'] })).toBe('only topic x');
  });

  it('flags groups and topics that could not be read in an otherwise good sample', () => {
    const f = show(snapshot({ groups: [group({ error: 'coordinator not available' })] })).frame();
    expect(f).toContain('1 group could not be read (coordinator not available)');
    expect(f).toContain('billing !');
  });

  it('fits a 60-column terminal by dropping the less important columns', () => {
    const f = show(snapshot(), { columns: 60, rows: 30 }).frame();
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    expect(f).toMatch(/group\s+lag\s+time lag\s+rate\s+health/);
    expect(f).not.toContain('members');
    expect(f).not.toContain('lag trend');
    expect(f).toMatch(/fraud-scoring\s+12,345\s+1m35s\s+150\/s\s+LAGGING/);
  });

  it('hides topics and Flink on a short terminal, and asks for more room on a tiny one', () => {
    const short = show(snapshot(), { columns: 100, rows: 12 }).frame();
    expect(short).toContain('CONSUMER GROUPS');
    expect(short).not.toContain('TOPICS');
    expect(short).toContain('small terminal: topics and Flink hidden');
    const tiny = show(snapshot(), { columns: 30, rows: 6 }).frame();
    expect(tiny).toContain('terminal too small (30×6)');
  });

  it('drills down into a group with Enter and comes back with Esc', async () => {
    const app = show(snapshot());
    await press(app, KEY.enter);
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUP fraud-scoring  Esc back');
    let f = app.frame();
    expect(f).toContain('CONSUMER GROUP fraud-scoring  Esc back');
    expect(f).toMatch(/state Stable {2}members 1 {2}lag 12,345 {2}time lag 1m35s/);
    expect(f).toMatch(/topic\s+partition\s+committed\s+log end\s+lag\s+time lag\s+dated by\s+rate\s+member \(client @ host\)/);
    expect(f).toMatch(/orders\s+0\s+1,000\s+7,000\s+6,000\s+1m35s\s+record\s+5\/s\s+fraud-1 @ 10\.0\.0\.8/);
    expect(f).toMatch(/orders\s+1\s+2,000\s+8,345\s+6,345\s+1m30s\s+history\s+5\/s\s+fraud-2 @ 10\.0\.0\.9/);
    await press(app, KEY.esc);
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUPS (3)');
    f = app.frame();
    expect(f).not.toContain('CONSUMER GROUP fraud-scoring');
  });

  it('moves the selection with ↓/j and ↑/k, and Enter opens the selected group', async () => {
    const app = show(snapshot());
    await press(app, KEY.down);
    await expect.poll(() => app.frame()).toMatch(/› audit-archiver/);
    await press(app, 'j');
    await expect.poll(() => app.frame()).toMatch(/› billing/);
    await press(app, 'j');
    await expect.poll(() => app.frame()).toMatch(/› billing/); // stays on the last row
    await press(app, 'k', KEY.up);
    await expect.poll(() => app.frame()).toMatch(/› fraud-scoring/);
    await press(app, KEY.down, KEY.enter);
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUP audit-archiver');
    await expect.poll(() => app.frame()).toMatch(/orders\s+0\s+40\s+100\s+60\s+.*unassigned/);
  });

  it('keeps the selection on the same group when a new frame re-sorts the rows', async () => {
    const app = show(snapshot());
    await press(app, KEY.down); // audit-archiver
    app.feed.push(snapshot({ seq: 8, groups: [group({ groupId: 'audit-archiver', lag: 99_999 }), group({ groupId: 'billing' })] }));
    await tick();
    await expect.poll(() => app.frame()).toMatch(/› audit-archiver/);
  });

  it('shows the help overlay with keys and the health rule; Esc closes it', async () => {
    const app = show(snapshot());
    await press(app, '?');
    await expect.poll(() => app.frame()).toContain('KEYS');
    const f = app.frame();
    expect(f).toContain('KEYS');
    expect(f).toContain('cycle the sort of groups: lag → time lag → rate → name');
    expect(f).toContain('HEALTH (first matching line wins)');
    expect(f).toContain('STALLED  messages wait and no committed offset moved for 30s');
    await press(app, KEY.esc);
    await tick(100);
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUPS (3)');
  });

  it('filters groups, topics and jobs by name with /, Enter keeps it and Esc clears it', async () => {
    const app = show(snapshot());
    await press(app, '/', 'b', 'i', 'l');
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUPS (1 of 3)');
    let f = app.frame();
    expect(f.split('\n').at(-1)).toContain('/ bil');
    expect(f).toContain('CONSUMER GROUPS (1 of 3)');
    expect(f).toContain('› billing');
    expect(f).not.toContain('fraud-scoring');
    expect(f).toContain('no topic matches "bil"');
    await press(app, KEY.backspace, KEY.enter);
    await expect.poll(() => app.frame()).toContain('filter: bi');
    f = app.frame();
    expect(f).toContain('filter: bi');
    expect(f).toContain('CONSUMER GROUPS (1 of 3)');
    await press(app, KEY.esc);
    await tick(100);
    await expect.poll(() => app.frame()).toContain('CONSUMER GROUPS (3)');
  });

  it('cycles the sort with s and pauses with p', async () => {
    const app = show(snapshot());
    await press(app, 's');
    await expect.poll(() => app.frame()).toContain('sort: time lag');
    await expect.poll(() => app.frame()).toMatch(/› audit-archiver/);
    await press(app, 's', 's');
    await expect.poll(() => app.frame()).toContain('sort: name');
    await press(app, 'p');
    app.feed.push(snapshot({ seq: 8, groups: [] }));
    await tick();
    await expect.poll(() => app.frame()).toContain('PAUSED');
    await expect.poll(() => app.frame()).toContain('fraud-scoring');
    await press(app, 'p');
    await expect.poll(() => app.frame()).toContain('no consumer groups');
  });

  it('quits on q and on Ctrl-C', async () => {
    const a = show(snapshot());
    await press(a, 'q');
    await expect.poll(() => a.quits()).toBe(1);
    const b = show(snapshot());
    await press(b, '\u0003');
    await expect.poll(() => b.quits()).toBe(1);
  });

  it('takes q as text while typing a filter', async () => {
    const app = show(snapshot());
    await press(app, '/', 'q');
    expect(app.quits()).toBe(0);
    await expect.poll(() => app.frame().split('\n').at(-1)).toContain('/ q');
  });
});

describe('dashboard layout', () => {
  it('cuts and pads cells', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, 'right')).toBe('  ab');
  });

  it('drops columns by priority and widens flexible ones', () => {
    const cols = [
      { key: 'a', header: 'a', width: 10, priority: 0, flex: { max: 20 } },
      { key: 'b', header: 'b', width: 10, priority: 2 },
      { key: 'c', header: 'c', width: 10, priority: 1 },
    ];
    expect(fitColumns(cols, 100).map((c) => [c.key, c.width])).toEqual([
      ['a', 20],
      ['b', 10],
      ['c', 10],
    ]);
    expect(fitColumns(cols, 25).map((c) => c.key)).toEqual(['a', 'c']);
  });

  it('shares rows between panels and hides the lesser ones when short', () => {
    expect(panelRows(30, { groups: 3, topics: 2, flink: 1 })).toEqual({ groups: 3, topics: 2, flink: 1 });
    const big = panelRows(30, { groups: 100, topics: 100, flink: 100 });
    expect(big.groups + big.topics + big.flink).toBe(30);
    expect(big.groups).toBeGreaterThan(big.topics);
    expect(panelRows(6, { groups: 10, topics: 10, flink: 10 })).toEqual({ groups: 6, topics: 0, flink: 0 });
  });

  it('scrolls to keep the selection visible', () => {
    expect(scrollStart(0, 5, 20)).toBe(0);
    expect(scrollStart(10, 5, 20)).toBe(8);
    expect(scrollStart(19, 5, 20)).toBe(15);
    expect(scrollStart(3, 5, 4)).toBe(0);
  });
});
