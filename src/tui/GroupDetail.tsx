import { Text } from 'ink';
import type { GroupView } from '../collector/types.js';
import { fmtCount, fmtDuration, fmtRate } from '../output/units.js';
import { HeaderRow, Row, Title, type Cell } from './cells.js';
import { shortState } from './GroupsTable.js';
import { capToContent, fitColumns, scrollStart, type Column } from './layout.js';
import { Tint } from './theme.js';
import { verdictHue } from './view.js';

type Key = 'topic' | 'partition' | 'committed' | 'logEnd' | 'lag' | 'timeLag' | 'method' | 'rate' | 'member';

const COLUMNS: Column<Key>[] = [
  { key: 'topic', header: 'topic', width: 14, priority: 0, flex: { max: 40 } },
  { key: 'partition', header: 'partition', width: 9, align: 'right', priority: 0 },
  { key: 'committed', header: 'committed', width: 11, align: 'right', priority: 1 },
  { key: 'logEnd', header: 'log end', width: 11, align: 'right', priority: 1 },
  { key: 'lag', header: 'lag', width: 9, align: 'right', priority: 0 },
  { key: 'timeLag', header: 'time lag', width: 9, align: 'right', priority: 2 },
  { key: 'method', header: 'dated by', width: 9, priority: 6 },
  { key: 'rate', header: 'rate', width: 8, align: 'right', priority: 5 },
  { key: 'member', header: 'member (client @ host)', width: 14, priority: 3, flex: { max: 60 } },
];

/** Rows the detail view needs above its partition lines. */
export const DETAIL_HEADER_ROWS = 4;

/**
 * One group, partition by partition: committed offset, log-end offset, lag,
 * time lag (and how it was dated), and the member it is assigned to.
 */
export function GroupDetail({
  group,
  scroll,
  height,
  width,
}: {
  group: GroupView | undefined;
  scroll: number;
  height: number;
  width: number;
}) {
  if (!group) {
    return (
      <>
        <Title name="CONSUMER GROUP" notes={['Esc back']} />
        <Text>
          <Tint color="yellow">{'  this group is gone (deleted, or filtered out); Esc goes back'}</Tint>
        </Text>
      </>
    );
  }
  const columns = fitColumns(
    capToContent(
      COLUMNS,
      'topic',
      group.partitions.map((p) => p.topic),
    ),
    width - 2,
  );
  const rows = Math.max(1, height - DETAIL_HEADER_ROWS);
  const start = scrollStart(scroll, rows, group.partitions.length);
  const shown = group.partitions.slice(start, start + rows);
  return (
    <>
      <Title
        name={`CONSUMER GROUP ${group.groupId}`}
        notes={['Esc back', group.partitions.length > rows && `${start + 1}–${start + shown.length} of ${group.partitions.length}`]}
      />
      <Text wrap="truncate-end">
        {`  state ${shortState(group.state)}  members ${group.members}  lag ${fmtCount(group.lag)}  time lag ${fmtDuration(group.timeLagMs, group.timeLagAtLeast)}  consume ${fmtRate(group.consumeRate)}  produce ${fmtRate(group.produceRate)}  `}
        <Tint color={verdictHue(group.verdict)} bold>
          {group.verdict}
        </Tint>
      </Text>
      <Text wrap="truncate-end">
        <Tint dim>{`  topics ${group.topics.join(', ') || '-'}${group.error ? `  (could not be read: ${group.error})` : ''}`}</Tint>
      </Text>
      <HeaderRow columns={columns} />
      {group.partitions.length === 0 ? (
        <Text>
          <Tint dim>{'  no committed offsets and no assigned partitions'}</Tint>
        </Text>
      ) : (
        shown.map((p) => {
          const cells: Record<Key, Cell> = {
            topic: { text: p.topic },
            partition: { text: String(p.partition) },
            committed: { text: p.committed === null ? '-' : fmtCount(p.committed) },
            logEnd: { text: fmtCount(p.logEnd) },
            lag: { text: fmtCount(p.lag), color: p.lag ? 'yellow' : undefined },
            timeLag: { text: fmtDuration(p.timeLagMs, p.timeLagMethod === 'bound') },
            method: { text: p.timeLagMethod },
            rate: { text: fmtRate(p.consumeRate) },
            member: { text: p.member ? `${p.member.clientId} @ ${p.member.host}` : 'unassigned', color: p.member ? undefined : 'gray' },
          };
          return <Row key={`${p.topic}:${p.partition}`} columns={columns} cells={cells} />;
        })
      )}
    </>
  );
}
