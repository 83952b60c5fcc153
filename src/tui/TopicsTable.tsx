import { Text } from 'ink';
import type { TopicView } from '../collector/types.js';
import { sparkline } from '../collector/sparkline.js';
import { fmtBytesRate, fmtCount, fmtRate } from '../output/units.js';
import { HeaderRow, Row, Title, type Cell } from './cells.js';
import { capToContent, fitColumns, type Column } from './layout.js';
import { Tint } from './theme.js';

type Key = 'topic' | 'partitions' | 'messages' | 'rate' | 'bytes' | 'trend';

const COLUMNS: Column<Key>[] = [
  { key: 'topic', header: 'topic', width: 16, priority: 0, flex: { max: 48 } },
  { key: 'partitions', header: 'partitions', width: 10, align: 'right', priority: 3 },
  { key: 'messages', header: 'messages', width: 11, align: 'right', priority: 2 },
  { key: 'rate', header: 'produce', width: 9, align: 'right', priority: 0 },
  { key: 'bytes', header: '~bytes/s', width: 11, align: 'right', priority: 1 },
  { key: 'trend', header: 'produce trend', width: 13, priority: 4, flex: { max: 30 } },
];

export function TopicsTable({
  topics,
  total,
  height,
  width,
  filter,
}: {
  topics: readonly TopicView[];
  total: number;
  height: number;
  width: number;
  filter: string;
}) {
  const columns = fitColumns(
    capToContent(
      COLUMNS,
      'topic',
      topics.map((t) => t.topic + (t.error ? ' !' : '')),
    ),
    width - 2,
  );
  const trendWidth = columns.find((c) => c.key === 'trend')?.width ?? 0;
  const shown = topics.slice(0, height);
  return (
    <>
      <Title
        name={`TOPICS (${filter ? `${topics.length} of ${total}` : total})`}
        notes={['busiest first', topics.length > height && `${height} shown`]}
      />
      <HeaderRow columns={columns} />
      {topics.length === 0 ? (
        <Text>
          <Tint dim>{filter ? `  no topic matches "${filter}"` : '  no topics'}</Tint>
        </Text>
      ) : (
        shown.map((t) => {
          const cells: Record<Key, Cell> = {
            topic: { text: t.topic + (t.error ? ' !' : ''), color: t.error ? 'yellow' : undefined },
            partitions: { text: String(t.partitions) },
            messages: { text: fmtCount(t.messages) },
            rate: { text: fmtRate(t.produceRate) },
            bytes: { text: fmtBytesRate(t.bytesRate) },
            trend: { text: sparkline(t.rateHistory, trendWidth), color: 'green' },
          };
          return <Row key={t.topic} columns={columns} cells={cells} />;
        })
      )}
    </>
  );
}
