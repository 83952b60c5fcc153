import type { LagReport } from '../../collector/report.js';
import { describeThreshold } from '../../collector/threshold.js';
import type { Style } from '../../output/style.js';
import { renderTable } from '../../output/table.js';
import { fmtCount, fmtDuration, fmtRate } from '../../output/units.js';

function verdictText(v: string, style: Style): string {
  return v === 'OK' ? style.green(v) : v === 'LAGGING' ? style.yellow(v) : v === 'STALLED' ? style.red(v) : style.dim(v);
}

/**
 * The human view of `streamctl lag`: one row per group; with a single group,
 * its partitions too. The rate column appears once rates are known (--watch).
 */
export function lagTable(report: LagReport, style: Style): string {
  if (report.groups.length === 0) return style.dim('no consumer groups');
  const withRate = report.groups.some((g) => g.consumeRate !== null);
  const headers = ['group', 'state', 'members', 'topics', 'lag', 'time lag', ...(withRate ? ['rate'] : []), 'health'];
  const rows = report.groups.map((g) => [
    g.group,
    g.state,
    g.members,
    g.topics.join(',') || '-',
    fmtCount(g.lag),
    fmtDuration(g.timeLagSeconds === null ? null : g.timeLagSeconds * 1000, g.timeLagAtLeast),
    ...(withRate ? [fmtRate(g.consumeRate)] : []),
    verdictText(g.verdict, style),
  ]);
  const parts = [renderTable(headers, rows, style)];
  if (report.groups.length === 1) parts.push('', partitionsTable(report.groups[0]!, style));
  if (report.failAbove) {
    const threshold = describeThreshold(report.failAbove);
    parts.push(
      '',
      report.above.length === 0
        ? style.green(`every group is at or below ${threshold} of lag`)
        : style.red(`above ${threshold}: ${report.above.map((b) => `${b.group} (${b.value})`).join(', ')}`),
    );
  }
  return parts.join('\n');
}

function partitionsTable(g: LagReport['groups'][number], style: Style): string {
  return renderTable(
    ['topic', 'partition', 'committed', 'log end', 'lag', 'time lag', 'member'],
    g.partitions.map((p) => [
      p.topic,
      p.partition,
      p.committed === null ? '-' : p.committed,
      p.logEnd,
      p.lag === null ? '-' : p.lag,
      fmtDuration(p.timeLagSeconds === null ? null : p.timeLagSeconds * 1000, p.timeLagMethod === 'bound'),
      p.member ? `${p.member.clientId} @ ${p.member.host}` : style.dim('unassigned'),
    ]),
    style,
  );
}

/** The line above each --watch sample, so a log shows when each table was taken. */
export function watchHeading(report: LagReport, style: Style): string {
  return style.bold(`${report.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${report.context}`);
}
