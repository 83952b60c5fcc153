import { Text } from 'ink';
import type { GroupView } from '../collector/types.js';
import { sparkline } from '../collector/sparkline.js';
import { fmtCount, fmtDuration, fmtRate } from '../output/units.js';
import { HeaderRow, Row, Title, type Cell } from './cells.js';
import { capToContent, fitColumns, scrollStart, type Column } from './layout.js';
import { Tint, type Hue } from './theme.js';
import { verdictHue, type SortKey } from './view.js';

type Key = 'group' | 'state' | 'members' | 'topics' | 'lag' | 'timeLag' | 'rate' | 'trend' | 'health';

const COLUMNS: Column<Key>[] = [
  { key: 'group', header: 'group', width: 16, priority: 0, flex: { max: 40 } },
  { key: 'state', header: 'state', width: 11, priority: 5 },
  { key: 'members', header: 'members', width: 7, align: 'right', priority: 6 },
  { key: 'topics', header: 'topics', width: 10, priority: 7, flex: { max: 24 } },
  { key: 'lag', header: 'lag', width: 10, align: 'right', priority: 0 },
  { key: 'timeLag', header: 'time lag', width: 9, align: 'right', priority: 1 },
  { key: 'rate', header: 'rate', width: 8, align: 'right', priority: 3 },
  { key: 'trend', header: 'lag trend', width: 10, priority: 4, flex: { max: 30 } },
  { key: 'health', header: 'health', width: 7, priority: 0 },
];

/** Kafka's group states, shortened to fit a column. */
export function shortState(state: string): string {
  return state === 'PreparingRebalance' || state === 'CompletingRebalance' ? 'Rebalancing' : state;
}

function stateHue(state: string): Hue | undefined {
  if (state === 'Stable') return 'green';
  if (state === 'Dead') return 'red';
  if (state.includes('Rebalance')) return 'yellow';
  return 'gray';
}

export interface GroupsTableProps {
  groups: readonly GroupView[];
  /** Groups before filtering, for the title. */
  total: number;
  selected: number;
  /** Rows for the group lines (title and header come on top). */
  height: number;
  width: number;
  sort: SortKey;
  filter: string;
}

export function GroupsTable({ groups, total, selected, height, width, sort, filter }: GroupsTableProps) {
  let cols = capToContent(
    COLUMNS,
    'group',
    groups.map((g) => g.groupId + (g.error ? ' !' : '')),
  );
  cols = capToContent(
    cols,
    'topics',
    groups.map((g) => g.topics.join(',')),
  );
  const columns = fitColumns(cols, width - 2);
  const start = scrollStart(selected, height, groups.length);
  const shown = groups.slice(start, start + height);
  const trendWidth = columns.find((c) => c.key === 'trend')?.width ?? 0;
  const count = filter ? `${groups.length} of ${total}` : `${total}`;
  return (
    <>
      <Title
        name={`CONSUMER GROUPS (${count})`}
        notes={[
          `sort: ${sort}`,
          filter && `filter: ${filter}`,
          groups.length > height && `${start + 1}–${start + shown.length} of ${groups.length}`,
        ]}
      />
      <HeaderRow columns={columns} />
      {groups.length === 0 ? (
        <Text>
          <Tint dim>{filter ? `  no consumer group matches "${filter}"` : '  no consumer groups'}</Tint>
        </Text>
      ) : (
        shown.map((g, i) => {
          const cells: Record<Key, Cell> = {
            group: { text: g.groupId + (g.error ? ' !' : ''), color: g.error ? 'yellow' : undefined },
            state: { text: shortState(g.state), color: stateHue(g.state) },
            members: { text: String(g.members) },
            topics: { text: g.topics.join(',') || '-' },
            lag: { text: fmtCount(g.lag), color: g.lag > 0 ? 'yellow' : undefined },
            timeLag: { text: fmtDuration(g.timeLagMs, g.timeLagAtLeast) },
            rate: { text: fmtRate(g.consumeRate) },
            trend: { text: sparkline(g.lagHistory, trendWidth), color: 'cyan' },
            health: { text: g.verdict, color: verdictHue(g.verdict), bold: g.verdict !== 'OK' },
          };
          return <Row key={g.groupId} columns={columns} cells={cells} selected={start + i === selected} />;
        })
      )}
    </>
  );
}
