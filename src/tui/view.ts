import type { FlinkJobView, GroupView, TopicView } from '../collector/types.js';
import type { Verdict } from '../collector/verdict.js';

/** The `s` key cycles through these, in this order. */
export const SORT_KEYS = ['lag', 'time lag', 'rate', 'name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export function nextSort(key: SortKey): SortKey {
  return SORT_KEYS[(SORT_KEYS.indexOf(key) + 1) % SORT_KEYS.length]!;
}

function matches(name: string, filter: string): boolean {
  return filter === '' || name.toLowerCase().includes(filter.toLowerCase());
}

/** Groups whose id contains the filter (case-insensitive), sorted: numbers descending, names ascending. */
export function visibleGroups(groups: readonly GroupView[], filter: string, sort: SortKey): GroupView[] {
  const out = groups.filter((g) => matches(g.groupId, filter));
  const byName = (a: GroupView, b: GroupView) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0);
  const desc = (f: (g: GroupView) => number | null) => (a: GroupView, b: GroupView) => (f(b) ?? -1) - (f(a) ?? -1) || byName(a, b);
  switch (sort) {
    case 'lag':
      return out.sort(desc((g) => g.lag));
    case 'time lag':
      return out.sort(desc((g) => g.timeLagMs));
    case 'rate':
      return out.sort(desc((g) => g.consumeRate));
    case 'name':
      return out.sort(byName);
  }
}

/** Topics matching the filter, busiest first. */
export function visibleTopics(topics: readonly TopicView[], filter: string): TopicView[] {
  return topics
    .filter((t) => matches(t.topic, filter))
    .sort((a, b) => (b.produceRate ?? -1) - (a.produceRate ?? -1) || b.messages - a.messages || (a.topic < b.topic ? -1 : 1));
}

/** Flink jobs matching the filter, in the collector's order (running first, newest first). */
export function visibleJobs(jobs: readonly FlinkJobView[], filter: string): FlinkJobView[] {
  return jobs.filter((j) => matches(j.name, filter) || matches(j.id, filter));
}

export function verdictHue(v: Verdict): 'green' | 'yellow' | 'red' | 'gray' {
  return v === 'OK' ? 'green' : v === 'LAGGING' ? 'yellow' : v === 'STALLED' ? 'red' : 'gray';
}
