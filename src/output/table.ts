import Table from 'cli-table3';
import type { Style } from './style.js';

/**
 * A borderless, kubectl/rpk-style table: upper-case headers, two spaces between
 * columns, no box drawing, so it greps and copies cleanly.
 */
export function renderTable(headers: string[], rows: (string | number | boolean | null | undefined)[][], style: Style): string {
  const table = new Table({
    head: headers.map((h) => style.bold(h.toUpperCase())),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(row.map((c) => (c === null || c === undefined ? '-' : String(c))));
  // cli-table3 pads the last column; trailing spaces only get in the way of diffs.
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
