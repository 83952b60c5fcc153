import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { print, render, parseOutputFormat } from '../../src/output/printer.js';
import { colorEnabled, makeStyle } from '../../src/output/style.js';
import { renderTable } from '../../src/output/table.js';
import { createProgressRenderer } from '../../src/output/progress.js';

const result = {
  data: { name: 'orders', partitions: 3 },
  table: (d: { name: string; partitions: number }, style: ReturnType<typeof makeStyle>) =>
    renderTable(['topic', 'partitions'], [[d.name, d.partitions]], style),
};

function sink(isTTY = false) {
  let text = '';
  return { write: (s: string) => ((text += s), true), isTTY, text: () => text };
}

describe('printer', () => {
  it('renders json, yaml and table from the same data', () => {
    const plain = makeStyle(false);
    expect(JSON.parse(render(result, 'json', plain))).toEqual(result.data);
    expect(parseYaml(render(result, 'yaml', plain))).toEqual(result.data);
    expect(render(result, 'table', plain)).toBe('TOPIC   PARTITIONS\norders  3');
  });

  it('never colours json even on a colour terminal', () => {
    const out = sink(true);
    print(out, result, 'json', { FORCE_COLOR: '1' });
    expect(out.text()).not.toContain('\x1b[');
    const table = sink(true);
    print(table, result, 'table', { FORCE_COLOR: '1' });
    expect(table.text()).toContain('\x1b[');
  });

  it('turns colour off for NO_COLOR and for pipes', () => {
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
  });

  it('rejects unknown formats with the valid ones in the hint', () => {
    expect(() => parseOutputFormat('xml')).toThrow(/unknown output format "xml"/);
  });
});

describe('progress renderer', () => {
  it('prints plain start/end lines, no escape codes, when not a TTY', () => {
    const out = sink(false);
    const p = createProgressRenderer(out, {});
    p({ task: 'fetch kafka', state: 'start', detail: 'downloading' });
    p({ task: 'fetch kafka', state: 'update', detail: '3.0 MiB' });
    p({ task: 'fetch kafka', state: 'done', detail: '43.0 MiB' });
    p.close();
    expect(out.text()).toBe('fetch kafka: … (downloading)\nfetch kafka: ok (43.0 MiB)\n');
  });

  it('redraws live lines in place on a TTY', () => {
    const out = sink(true);
    const p = createProgressRenderer(out, { NO_COLOR: '1' });
    p({ task: 'start kafka-1', state: 'start' });
    p({ task: 'start registry', state: 'start' });
    p({ task: 'start kafka-1', state: 'done', detail: 'healthy after 5.0s' });
    p.close();
    expect(out.text()).toContain('\x1b[2A');
    expect(out.text()).toContain('✔ start kafka-1  healthy after 5.0s');
  });
});
