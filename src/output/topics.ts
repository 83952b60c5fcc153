import type { AlterTopicResult, CreateTopicResult, DeleteTopicsResult, TopicDescription, TopicSummary } from '../kafka/topics-admin.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** How the topics commands show their results to a person; -o json/yaml print the data itself. */

const list = (ids: number[]): string => (ids.length > 0 ? ids.join(',') : '-');

export function topicListView(topics: TopicSummary[], style: Style): string {
  if (topics.length === 0) return style.dim('no topics');
  return renderTable(
    ['name', 'partitions', 'replicas'],
    topics.map((t) => [t.internal ? `${t.name} ${style.dim('(internal)')}` : t.name, t.partitions, t.replicationFactor]),
    style,
  );
}

export function topicDescribeView(d: TopicDescription, style: Style): string {
  const head = [
    `${style.bold(d.name)}${d.internal ? style.dim(' (internal)') : ''}`,
    `partitions ${d.partitions.length}, replication factor ${d.replicationFactor}, ${d.records} records`,
  ].join('  ');
  const parts = renderTable(
    ['partition', 'leader', 'replicas', 'isr', 'log start', 'log end'],
    d.partitions.map((p) => {
      const underReplicated = p.isr.length < p.replicas.length;
      return [
        p.partition,
        p.leader >= 0 ? p.leader : style.red('none'),
        list(p.replicas),
        underReplicated ? style.yellow(list(p.isr)) : list(p.isr),
        p.logStartOffset,
        p.logEndOffset,
      ];
    }),
    style,
  );
  const configTitle = d.allConfigs ? 'configs' : 'configs (not at their defaults; --all-configs for every one)';
  const configs =
    d.configs.length === 0
      ? style.dim('every config at its default')
      : renderTable(
          ['name', 'value', 'source'],
          d.configs.map((c) => [c.name, c.sensitive ? style.dim('(sensitive)') : c.value, c.source]),
          style,
        );
  return `${head}\n\n${parts}\n\n${style.bold(configTitle)}\n${configs}`;
}

export function topicCreateView(r: CreateTopicResult, style: Style): string {
  if (!r.created)
    return style.dim(`topic ${r.topic} already exists (${r.partitions} partitions, replication factor ${r.replicationFactor})`);
  const configs = Object.entries(r.configs).map(([k, v]) => `${k}=${v}`);
  return `${style.green('created')} topic ${style.bold(r.topic)}: ${r.partitions} partitions, replication factor ${r.replicationFactor}${configs.length > 0 ? `, ${configs.join(', ')}` : ''}`;
}

export function topicDeleteView(r: DeleteTopicsResult, style: Style): string {
  return r.deleted.map((t) => `${style.red('deleted')} topic ${style.bold(t)}`).join('\n');
}

export function topicAlterView(r: AlterTopicResult, style: Style): string {
  if (r.unchanged) return style.dim(`topic ${r.topic}: nothing changed (already as asked)`);
  const lines = [`${style.green('altered')} topic ${style.bold(r.topic)}`];
  if (r.partitions) lines.push(`  partitions  ${r.partitions.from} → ${r.partitions.to}`);
  for (const [k, v] of Object.entries(r.set)) lines.push(`  ${k}  ${v.from ?? '-'} → ${v.to}`);
  for (const [k, v] of Object.entries(r.removed)) lines.push(`  ${k}  ${v ?? '-'} → ${style.dim('(default)')}`);
  return lines.join('\n');
}
