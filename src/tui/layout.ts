/**
 * Pure layout arithmetic for the dashboard: which columns fit a width, how
 * many rows each panel gets. Kept out of the components so that narrow and
 * short terminals can be tested without rendering.
 */

/** `text` cut to `width` (with an ellipsis when cut) and padded to it. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  const cut = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : text;
  const pad = width - [...cut].length;
  return align === 'right' ? ' '.repeat(pad) + cut : cut + ' '.repeat(pad);
}

export interface Column<K extends string = string> {
  key: K;
  header: string;
  /** Fixed width, or the minimum for the flexible column. */
  width: number;
  align?: 'left' | 'right';
  /** Lower numbers are dropped last when the terminal is narrow; 0 is never dropped. */
  priority: number;
  /** Takes the width left over, up to `max`. */
  flex?: { max: number };
}

/** Space between columns. */
export const GAP = 2;

/**
 * The columns that fit `width`, in their original order, with the flexible
 * ones widened to share what is left. Columns are dropped by descending
 * priority until the rest fit.
 */
export function fitColumns<K extends string>(columns: readonly Column<K>[], width: number): Column<K>[] {
  let chosen = [...columns];
  const total = (cols: Column<K>[]) => cols.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cols.length - 1);
  while (total(chosen) > width) {
    const droppable = chosen.filter((c) => c.priority > 0);
    if (droppable.length === 0) break;
    const worst = droppable.reduce((a, b) => (b.priority > a.priority ? b : a));
    chosen = chosen.filter((c) => c !== worst);
  }
  let spare = width - total(chosen);
  const out = chosen.map((c) => ({ ...c }));
  // Widen flexible columns left to right, each up to its max.
  for (const col of out) {
    if (spare <= 0) break;
    if (!col.flex) continue;
    const add = Math.min(spare, col.flex.max - col.width);
    if (add > 0) {
      col.width += add;
      spare -= add;
    }
  }
  return out;
}

/**
 * Caps a flexible column at what its content needs (but never below its
 * minimum), so that a table of short names leaves the room to the others.
 */
export function capToContent<K extends string>(columns: readonly Column<K>[], key: K, texts: Iterable<string>): Column<K>[] {
  let longest = 0;
  for (const t of texts) longest = Math.max(longest, [...t].length);
  return columns.map((c) =>
    c.key === key && c.flex ? { ...c, flex: { max: Math.max(c.width, Math.min(c.flex.max, Math.max(longest, c.header.length))) } } : c,
  );
}

/** One table line from cells already keyed by column. */
export function line<K extends string>(columns: readonly Column<K>[], cells: Record<K, string>): string {
  return columns.map((c) => fit(cells[c.key] ?? '', c.width, c.align)).join(' '.repeat(GAP));
}

export interface PanelRows {
  groups: number;
  topics: number;
  flink: number;
}

/**
 * Rows for each panel's body out of `available`: every panel first gets what
 * it needs up to a share (groups half, topics 30 %, Flink 20 %), then what is
 * left goes to whoever still has rows to show, groups first. A panel with
 * nothing to show still gets one row for its "none" line. With too little
 * room, topics and Flink are hidden (0) so the groups stay readable.
 */
export function panelRows(available: number, need: PanelRows): PanelRows {
  const want = { groups: Math.max(1, need.groups), topics: Math.max(1, need.topics), flink: Math.max(1, need.flink) };
  // Below this, three panels with titles and headers can't show anything useful.
  if (available < 9) return { groups: Math.max(0, available), topics: 0, flink: 0 };
  const out: PanelRows = {
    groups: Math.min(want.groups, Math.max(1, Math.floor(available * 0.5))),
    topics: Math.min(want.topics, Math.max(1, Math.floor(available * 0.3))),
    flink: Math.min(want.flink, Math.max(1, Math.floor(available * 0.2))),
  };
  let spare = available - out.groups - out.topics - out.flink;
  for (const k of ['groups', 'topics', 'flink'] as const) {
    const add = Math.min(spare, want[k] - out[k]);
    if (add > 0) {
      out[k] += add;
      spare -= add;
    }
  }
  return out;
}

/** The first row to show so that `selected` stays visible in a window of `height` rows. */
export function scrollStart(selected: number, height: number, total: number): number {
  if (height <= 0 || total <= height) return 0;
  const start = Math.min(Math.max(0, selected - Math.floor(height / 2)), total - height);
  return Math.max(0, start);
}
