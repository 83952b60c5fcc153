import type { CancelResult, JobDescription, JobSummary, Backpressure } from '../flink/jobs.js';
import type { SavepointResult } from '../flink/savepoints.js';
import type { SubmitResult } from '../flink/submit.js';
import type { UpgradeResult } from '../flink/upgrade.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** How the flink commands show their results to a person; -o json/yaml print the data itself. */

/** 42s, 5m 12s, 2h 5m, 3d 4h. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** 0.3/s, 12.5/s, 1,234/s; '-' when unknown. */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '-';
  if (perSecond === 0) return '0/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export function stateText(state: string, style: Style): string {
  switch (state) {
    case 'RUNNING':
    case 'FINISHED':
      return style.green(state);
    case 'FAILED':
    case 'FAILING':
      return style.red(state);
    case 'RESTARTING':
    case 'CANCELLING':
    case 'INITIALIZING':
    case 'CREATED':
    case 'RECONCILING':
      return style.yellow(state);
    default:
      return style.dim(state);
  }
}

function backpressureText(bp: Backpressure | null, style: Style): string {
  if (!bp) return '-';
  const text = `${bp.level} ${Math.round(bp.ratio * 100)}%`;
  return bp.level === 'high' ? style.red(text) : bp.level === 'low' ? style.yellow(text) : text;
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `streamctl flink jobs`: one row per job. */
export function jobsView(jobs: JobSummary[], style: Style): string {
  if (jobs.length === 0) return style.dim('no Flink jobs (--all includes finished and canceled ones)');
  return renderTable(
    ['id', 'name', 'state', 'uptime', 'parallelism', 'in/s', 'out/s', 'backpressure', 'last checkpoint'],
    jobs.map((j) => [
      j.id,
      truncate(oneLine(j.name), 48),
      stateText(j.state, style),
      formatDuration(j.uptimeMs),
      j.parallelism,
      formatRate(j.recordsInPerSecond),
      formatRate(j.recordsOutPerSecond),
      backpressureText(j.backpressure, style),
      j.lastCheckpoint ? `${formatDuration(j.lastCheckpoint.ageMs)} ago, ${formatBytes(j.lastCheckpoint.sizeBytes)}` : '-',
    ]),
    style,
  );
}

/** `streamctl flink submit`: the job id first, for people and for `awk`. */
export function submitView(r: SubmitResult, style: Style): string {
  const lines = [renderTable(['job id', 'name', 'state'], [[r.jobId, oneLine(r.name), stateText(r.state, style)]], style)];
  if (r.fromSavepoint) lines.push(style.dim(`restored from ${r.fromSavepoint}`));
  if (r.inserts !== undefined && r.inserts > 1) lines.push(style.dim(`${r.inserts} INSERT statements run as one statement set`));
  return lines.join('\n');
}

/** `streamctl flink savepoint` and `stop`. */
export function savepointView(r: SavepointResult, style: Style): string {
  const lines = [
    renderTable(['job id', 'name', 'state', 'savepoint'], [[r.jobId, oneLine(r.name), stateText(r.jobState, style), r.location]], style),
  ];
  if (r.check.exists === null && r.check.note) lines.push(style.dim(r.check.note));
  if (r.check.exists === false)
    lines.push(style.yellow(`warning: ${r.check.localPath ?? r.location} is not on this machine's file system`));
  return lines.join('\n');
}

export function cancelView(r: CancelResult, style: Style): string {
  const lines = [renderTable(['job id', 'name', 'state'], [[r.jobId, oneLine(r.name), stateText(r.state, style)]], style)];
  if (r.alreadyCanceled) lines.push(style.dim('it was already canceled'));
  return lines.join('\n');
}

const time = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

/** `streamctl flink describe`: kubectl-describe style sections. */
export function describeView(d: JobDescription, style: Style): string {
  const out: string[] = [];
  const field = (label: string, value: string): void => {
    out.push(`${style.bold(`${label}:`.padEnd(14))}${value}`);
  };
  field('Job', d.id);
  field('Name', oneLine(d.name));
  field('State', `${stateText(d.state, style)}${d.type ? style.dim(` (${d.type.toLowerCase()})`) : ''}`);
  field(
    'Started',
    `${time(d.startTime)} (${d.endTime ? `ran ${formatDuration(d.uptimeMs)}, ended ${time(d.endTime)}` : `up ${formatDuration(d.uptimeMs)}`})`,
  );
  field('Parallelism', String(d.parallelism ?? '-'));
  if (d.state === 'RUNNING') {
    field('Records', `in ${formatRate(d.recordsInPerSecond)}, out ${formatRate(d.recordsOutPerSecond)}`);
    field('Backpressure', backpressureText(d.backpressure, style));
  }
  if (d.submission) {
    const s = d.submission;
    const how = [
      `${s.kind} ${s.file}`,
      s.entryClass ? `class ${s.entryClass}` : '',
      s.args?.length ? `args ${s.args.join(' ')}` : '',
      s.fromSavepoint ? `from ${s.fromSavepoint}` : '',
      s.upgradedFrom ? `replacing ${s.upgradedFrom}` : '',
    ].filter(Boolean);
    field('Submitted', `${how.join(', ')} ${style.dim(`(${s.submittedAt})`)}`);
  }

  out.push('', style.bold('Vertices:'));
  out.push(
    indent(
      renderTable(
        ['id', 'name', 'parallelism', 'status', 'in/s', 'out/s', 'backpressure'],
        d.vertices.map((v) => [
          v.id,
          truncate(oneLine(v.name), 60),
          v.parallelism,
          stateText(v.status, style),
          formatRate(v.recordsInPerSecond),
          formatRate(v.recordsOutPerSecond),
          v.backpressureRatio === null ? '-' : `${Math.round(v.backpressureRatio * 100)}%`,
        ]),
        style,
      ),
    ),
  );

  out.push('', style.bold('Checkpoints:'));
  const c = d.checkpoints;
  if (!c) out.push('  -');
  else {
    out.push(`  ${c.completed} completed, ${c.failed} failed, ${c.inProgress} in progress`);
    if (c.latest)
      out.push(
        `  latest:            #${c.latest.id}, ${formatDuration(c.latest.ageMs)} ago, ${formatBytes(c.latest.sizeBytes)}, took ${c.latest.durationMs} ms${c.latest.path ? `, ${c.latest.path}` : ''}`,
      );
    if (c.latestSavepoint)
      out.push(
        `  latest savepoint:  #${c.latestSavepoint.id}, ${formatDuration(c.latestSavepoint.ageMs)} ago, ${c.latestSavepoint.path ?? '-'}`,
      );
    if (c.latestFailure)
      out.push(
        style.yellow(
          `  latest failure:    #${c.latestFailure.id} at ${time(c.latestFailure.at)}: ${oneLine(c.latestFailure.message ?? 'no message')}`,
        ),
      );
    if (c.restoredFrom)
      out.push(
        `  restored from:     ${c.restoredFrom.path ?? `checkpoint #${c.restoredFrom.id}`}${c.restoredFrom.savepoint ? ' (savepoint)' : ''}`,
      );
  }

  out.push('', style.bold('Exceptions:'));
  if (d.exceptions.length === 0) out.push('  none');
  for (const e of d.exceptions)
    out.push(`  ${style.dim(time(e.timestamp))} ${e.task ? `${oneLine(e.task)}: ` : ''}${style.red(e.message)}`);
  return out.join('\n');
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** `streamctl flink upgrade`: what ran before, what runs now. */
export function upgradeView(r: UpgradeResult, style: Style): string {
  const row = (label: string, value: string): string => `  ${label.padEnd(11)}${value}`;
  const lines: string[] = [];
  if (r.outcome === 'upgraded') lines.push(style.green(`upgraded ${oneLine(r.name)}`));
  else if (r.outcome === 'rolled-back') lines.push(style.yellow(`upgrade of ${oneLine(r.name)} rolled back`));
  else lines.push(style.red(`upgrade of ${oneLine(r.name)} failed`));
  lines.push(row('old job', `${r.oldJobId} (stopped with a savepoint)`));
  lines.push(row('savepoint', r.savepoint));
  if (r.outcome === 'upgraded') {
    lines.push(row('new job', `${r.newJobId} ${style.green('RUNNING')}, no failure for ${formatDuration(r.graceMs)}`));
  } else {
    lines.push(row('new job', `${r.newJobId ?? 'not started'}: ${style.red(oneLine(r.failure ?? 'failed'))}`));
    if (r.restoredJobId) lines.push(row('running', `${r.restoredJobId} (the old version, restored from the savepoint)`));
    else lines.push(row('running', style.red('nothing: restore by hand from the savepoint')));
  }
  return lines.join('\n');
}
