import { useContext } from 'react';
import { Text } from 'ink';
import pc from 'picocolors';
import { fit, GAP, type Column } from './layout.js';
import { ColorContext, Tint, type Hue } from './theme.js';

export interface Cell {
  text: string;
  color?: Hue | undefined;
  bold?: boolean;
}

const on = pc.createColors(true);
const off = pc.createColors(false);

/**
 * A table row: cells fitted to their columns, each with its own colour; the
 * whole row inverse when selected. Built as one string (colours inline)
 * rather than a Text per cell: Ink's cost is per node and per frame, and a
 * screen has hundreds of cells.
 */
export function Row<K extends string>({
  columns,
  cells,
  selected = false,
  marker = true,
}: {
  columns: readonly Column<K>[];
  cells: Record<K, Cell>;
  selected?: boolean;
  marker?: boolean;
}) {
  const c = useContext(ColorContext) ? on : off;
  const gap = ' '.repeat(GAP);
  let line = marker ? (selected ? '› ' : '  ') : '';
  columns.forEach((col, i) => {
    const cell = cells[col.key];
    let text = fit(cell.text, col.width, col.align);
    if (cell.color) text = c[cell.color === 'gray' ? 'gray' : cell.color](text);
    if (cell.bold) text = on.bold(text);
    line += (i > 0 ? gap : '') + text;
  });
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {line}
    </Text>
  );
}

/** The column headers, upper-case and bold, aligned like the cells. */
export function HeaderRow<K extends string>({ columns, marker = true }: { columns: readonly Column<K>[]; marker?: boolean }) {
  return (
    <Text wrap="truncate-end" bold>
      {marker ? '  ' : ''}
      {columns.map((c) => fit(c.header, c.width, c.align)).join(' '.repeat(GAP))}
    </Text>
  );
}

/** A panel title: name and count, then any notes (sort, filter, scroll position). */
export function Title({ name, notes }: { name: string; notes?: (string | false | null | undefined)[] }) {
  const extra = (notes ?? []).filter(Boolean).join('  ');
  return (
    <Text wrap="truncate-end">
      <Tint color="cyan" bold>
        {name}
      </Tint>
      {extra ? <Tint dim>{`  ${extra}`}</Tint> : null}
    </Text>
  );
}
