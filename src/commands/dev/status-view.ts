import type { StatusResult } from '../../platform/platform.js';
import { renderTable } from '../../output/table.js';
import type { Style } from '../../output/style.js';
import { SERVICE_GROUPS } from '../../platform/types.js';

const LABEL = { kafka: 'kafka', registry: 'schema registry', flink: 'flink', sqlGateway: 'sql gateway', postgres: 'postgres' } as const;

function endpointOf(status: StatusResult, group: (typeof SERVICE_GROUPS)[number]): string {
  const g = status[group] as unknown as Record<string, unknown>;
  return String(g.bootstrap ?? g.url ?? g.rest ?? '');
}

/** The human view of `dev status` / `dev up`: one row per service. */
export function statusTable(status: StatusResult, style: Style): string {
  const rows = SERVICE_GROUPS.map((g) => [
    LABEL[g],
    status[g].healthy ? style.green('healthy') : style.red(status[g].pids.length > 0 ? 'unhealthy' : 'down'),
    endpointOf(status, g),
    status[g].detail,
  ]);
  return renderTable(['service', 'health', 'endpoint', 'detail'], rows, style);
}
