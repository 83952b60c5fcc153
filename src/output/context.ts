import type { ContextList, ContextView } from '../config/context-view.js';
import { formatDuration } from '../config/duration.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** How the context commands show their results; secrets are already redacted in the data. */

export function contextListView(list: ContextList, style: Style): string {
  const table = renderTable(
    ['current', 'name', 'kafka', 'security', 'auth', 'registry', 'read-only'],
    list.contexts.map((c) => [
      c.current ? '*' : '',
      c.builtIn ? `${c.name} ${style.dim('(built-in)')}` : c.name,
      c.kafka,
      c.securityProtocol,
      c.auth,
      c.registry,
      c.readOnly ? style.yellow('yes') : 'no',
    ]),
    style,
  );
  return `${table}\n\n${style.dim(`current: ${list.current} (selected by ${list.selectedBy})`)}`;
}

export function contextShowView(v: ContextView, style: Style): string {
  const from = (o: string) => style.dim(`(${o})`);
  const rows: [string, string][] = [];
  rows.push([
    'context',
    `${style.bold(v.name)}${v.builtIn ? style.dim(' (built-in: the local platform)') : ''}${v.selectedBy ? style.dim(`  selected by ${v.selectedBy}`) : ''}`,
  ]);
  rows.push(['read-only', v.readOnly ? style.yellow('yes') : 'no']);
  rows.push(['timeout', formatDuration(v.timeoutMs)]);
  rows.push(['kafka', `${v.kafka.brokers} ${from(v.kafka.origin)}`]);
  rows.push(['  security', v.kafka.securityProtocol]);
  if (v.kafka.sasl) rows.push(['  sasl', `${v.kafka.sasl.mechanism}, user ${v.kafka.sasl.username}, password ${v.kafka.sasl.password}`]);
  if (v.kafka.tls) {
    const parts = [`ca ${v.kafka.tls.ca}`];
    if (v.kafka.tls.cert) parts.push(`client cert ${v.kafka.tls.cert}`);
    if (v.kafka.tls.key) parts.push(`key ${v.kafka.tls.key}`);
    rows.push(['  tls', parts.join(', ')]);
  }
  rows.push(['registry', `${v.registry.url} ${from(v.registry.origin)}`]);
  if (v.registry.username) rows.push(['  basic auth', `user ${v.registry.username}, password ${v.registry.password ?? '-'}`]);
  rows.push(['flink', `${v.flink.url} ${from(v.flink.origin)}`]);
  rows.push(['sql gateway', `${v.sqlGateway.url} ${from(v.sqlGateway.origin)}`]);
  rows.push(['postgres', `${v.postgres.url} ${from(v.postgres.origin)}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`).join('\n');
}
