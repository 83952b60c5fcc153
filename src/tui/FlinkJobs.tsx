import { Text } from 'ink';
import type { FlinkJobView, SourceStatus } from '../collector/types.js';
import { fmtDuration, fmtRate } from '../output/units.js';
import { HeaderRow, Row, Title, type Cell } from './cells.js';
import { capToContent, fitColumns, type Column } from './layout.js';
import { Tint, type Hue } from './theme.js';

type Key = 'job' | 'state' | 'in' | 'out' | 'backpressure' | 'checkpoint';

const COLUMNS: Column<Key>[] = [
  { key: 'job', header: 'job', width: 16, priority: 0, flex: { max: 60 } },
  { key: 'state', header: 'state', width: 10, priority: 0 },
  { key: 'in', header: 'in/s', width: 8, align: 'right', priority: 1 },
  { key: 'out', header: 'out/s', width: 8, align: 'right', priority: 2 },
  { key: 'backpressure', header: 'backpressure', width: 12, priority: 3 },
  { key: 'checkpoint', header: 'last ckpt', width: 9, align: 'right', priority: 4 },
];

function stateHue(state: string): Hue {
  if (state === 'RUNNING') return 'green';
  if (state === 'FAILED' || state === 'FAILING') return 'red';
  if (state === 'RESTARTING' || state === 'CANCELLING' || state === 'INITIALIZING' || state === 'CREATED') return 'yellow';
  return 'gray';
}

export function FlinkJobs({
  jobs,
  total,
  status,
  height,
  width,
  filter,
}: {
  jobs: readonly FlinkJobView[];
  total: number;
  status: SourceStatus | undefined;
  height: number;
  width: number;
  filter: string;
}) {
  const columns = fitColumns(
    capToContent(
      COLUMNS,
      'job',
      jobs.map((j) => j.name),
    ),
    width - 2,
  );
  const shown = jobs.slice(0, height);
  const running = jobs.filter((j) => j.state === 'RUNNING').length;
  return (
    <>
      <Title
        name={`FLINK JOBS (${running} running, ${filter ? `${jobs.length} of ${total}` : total} listed)`}
        notes={[jobs.length > height && `${height} shown`]}
      />
      <HeaderRow columns={columns} />
      {jobs.length === 0 ? (
        <Text>
          <Tint dim>
            {status && !status.enabled
              ? '  Flink is not sampled'
              : status && status.lastSuccessAt === null
                ? '  no data from Flink yet'
                : '  no Flink jobs'}
          </Tint>
        </Text>
      ) : (
        shown.map((j) => {
          const bp = j.backpressure;
          const cells: Record<Key, Cell> = {
            job: { text: j.name.replace(/\s+/g, ' ') },
            state: { text: j.state, color: stateHue(j.state) },
            in: { text: fmtRate(j.recordsInPerSec) },
            out: { text: fmtRate(j.recordsOutPerSec) },
            backpressure: bp
              ? {
                  text: `${bp.level} ${Math.round(bp.ratio * 100)}%`,
                  color: bp.level === 'high' ? 'red' : bp.level === 'low' ? 'yellow' : 'green',
                }
              : { text: '-' },
            checkpoint: {
              text: fmtDuration(j.lastCheckpointAgeMs) + (j.checkpointsFailed > 0 ? ` !${j.checkpointsFailed}` : ''),
              color: j.checkpointsFailed > 0 ? 'yellow' : undefined,
            },
          };
          return <Row key={j.id} columns={columns} cells={cells} />;
        })
      )}
    </>
  );
}
