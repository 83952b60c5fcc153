import type { GroupDescription, GroupSummary, ResetResult } from '../kafka/groups.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** How the groups commands show their results to a person; -o json/yaml print the data itself. */

export function groupListView(groups: GroupSummary[], style: Style): string {
  if (groups.length === 0) return style.dim('no consumer groups');
  return renderTable(
    ['group', 'state', 'members', 'protocol type', 'assignor'],
    groups.map((g) => [
      g.group,
      g.state === 'Stable' ? style.green(g.state) : g.state,
      g.members,
      g.protocolType || '-',
      g.protocol || '-',
    ]),
    style,
  );
}

export function groupDescribeView(d: GroupDescription, style: Style): string {
  const head = `${style.bold(d.group)}  state ${d.state}, ${d.members.length} member${d.members.length === 1 ? '' : 's'}${d.protocol ? `, assignor ${d.protocol}` : ''}, total lag ${d.totalLag}`;
  const sections = [head];
  if (d.members.length > 0) {
    sections.push(
      renderTable(
        ['client id', 'host', 'member id', 'assigned partitions'],
        d.members.map((m) => [
          m.clientId,
          m.host,
          m.memberId,
          m.assignments.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-',
        ]),
        style,
      ),
    );
  }
  sections.push(
    d.partitions.length === 0
      ? style.dim('no committed offsets and no assigned partitions')
      : renderTable(
          ['topic', 'partition', 'committed', 'log end', 'lag', 'owner'],
          d.partitions.map((p) => [
            p.topic,
            p.partition,
            p.committed,
            p.logEnd,
            p.lag !== null && p.lag > 0 ? style.yellow(String(p.lag)) : p.lag,
            p.owner,
          ]),
          style,
        ),
  );
  return sections.join('\n\n');
}

export function resetView(r: ResetResult, style: Style): string {
  const table = renderTable(
    ['topic', 'partition', 'current', 'new', 'change', 'log start', 'log end'],
    r.plan.map((row) => [
      row.topic,
      row.partition,
      row.current,
      row.clampedFrom !== undefined ? `${row.target} ${style.dim(`(${row.clampedFrom} is outside the log)`)}` : row.target,
      row.change === null ? '-' : row.change > 0 ? `+${row.change}` : String(row.change),
      row.logStart,
      row.logEnd,
    ]),
    style,
  );
  const lines = [table, ''];
  if (r.executed) lines.push(style.green(`offsets of group ${r.group} reset`));
  else {
    lines.push(style.dim('dry run: nothing changed; pass --execute to apply this plan'));
    if (r.activeMembers.length > 0)
      lines.push(style.yellow(`the group has active members (${r.activeMembers.join(', ')}): --execute refuses until they stop`));
  }
  return lines.join('\n');
}
