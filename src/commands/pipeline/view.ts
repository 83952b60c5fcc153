import { formatDuration } from '../../config/duration.js';
import type { Style } from '../../output/style.js';
import { renderTable } from '../../output/table.js';
import type { DownRow } from '../../pipeline/down.js';
import type { RebuildResult } from '../../pipeline/rebuild.js';
import type { StatusResult } from '../../pipeline/status.js';
import type { UpResult } from '../../pipeline/up.js';

const ACTION_TEXT: Record<string, string> = {
  running: 'already running',
  restored: 'resumed from its savepoint/checkpoint',
  started: 'started (from the earliest offset)',
  rebuilt: 'rebuilt: no state found, tables emptied, log replayed',
};

export function upView(r: UpResult, style: Style): string {
  const jobs = renderTable(
    ['job', 'id', 'state', 'action'],
    r.jobs.map((j) => [
      j.name,
      j.id,
      j.state === 'RUNNING' ? style.green(j.state) : style.yellow(j.state),
      ACTION_TEXT[j.action] ?? j.action,
    ]),
    style,
  );
  const lines = [jobs, ''];
  const created = r.topics.filter((t) => t.created).map((t) => t.topic);
  const registered = r.schemas.filter((s) => s.action === 'registered').map((s) => s.subject);
  lines.push(
    style.dim(
      `topics ${r.topics.map((t) => t.topic).join(', ')}${created.length ? ` (created: ${created.join(', ')})` : ''}; ` +
        `schemas ${r.schemas.map((s) => `${s.subject}#${s.id}`).join(', ')}${registered.length ? ` (registered: ${registered.join(', ')})` : ''}`,
    ),
  );
  lines.push(
    style.dim(
      `tables ${r.tables.join(', ')}${r.jar ? `; jar ${r.jar.path} (${r.jar.action === 'built' ? 'built now' : 'up to date'})` : ''}`,
    ),
  );
  for (const w of r.warnings) lines.push(style.yellow(`warning: ${w}`));
  const topic = r.topics[0]?.topic ?? 'transactions';
  lines.push('', `ready: streamctl produce --events 1000 --rate 100/sec${topic === 'transactions' ? '' : ` --topic ${topic}`}`);
  return lines.join('\n');
}

export function statusView(r: StatusResult, style: Style): string {
  const now = Date.now();
  return renderTable(
    ['job', 'id', 'state', 'uptime', 'checkpoint', 'rows', 'resumes from'],
    r.jobs.map((j) => [
      j.name,
      j.id,
      j.state === 'RUNNING' ? style.green(j.state) : style.yellow(j.state),
      j.startTime ? formatDuration(Math.round((now - j.startTime) / 1000) * 1000) : null,
      j.lastCheckpointAgeMs !== null ? `${formatDuration(Math.round(j.lastCheckpointAgeMs / 1000) * 1000)} ago` : null,
      Object.entries(j.tables)
        .map(([t, n]) => `${t} ${n < 0 ? 'missing' : n}`)
        .join(', ') || null,
      j.id ? null : (j.resumeFrom ?? 'the earliest offset (no state)'),
    ]),
    style,
  );
}

export function downView(rows: DownRow[], style: Style): string {
  return renderTable(
    ['job', 'id', 'action', 'savepoint'],
    rows.map((r) => [r.name, r.id, r.action, r.savepoint]),
    style,
  );
}

export function rebuildView(r: RebuildResult, style: Style): string {
  return [
    renderTable(['job', 'id', 'state'], [[r.name, r.id, r.state === 'RUNNING' ? style.green(r.state) : r.state]], style),
    '',
    style.dim(
      `${r.canceled ? `canceled ${r.canceled}; ` : ''}emptied ${r.truncated.join(', ') || 'nothing'}; replaying the log from the earliest offset`,
    ),
  ].join('\n');
}
