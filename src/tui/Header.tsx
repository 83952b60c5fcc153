import { Text } from 'ink';
import type { Snapshot } from '../collector/types.js';
import { fmtAge, fmtRate } from '../output/units.js';
import { Tint } from './theme.js';

/** The groups and topics `top` was started with (--group, --topic); absent: the whole cluster. */
export interface Selection {
  groups?: readonly string[];
  topics?: readonly string[];
}

export interface HeaderProps {
  snapshot: Snapshot | undefined;
  /** Bootstrap servers, shown until the first snapshot names the context. */
  target: string;
  /** Default: none, the whole cluster is watched. */
  selection?: Selection;
  now: number;
  paused: boolean;
  width: number;
}

/** Age of the Kafka data on screen: from its latest successful sample, frozen or not. */
export function dataAge(snapshot: Snapshot | undefined, now: number): number | null {
  const at = snapshot?.sources.kafka.lastSuccessAt;
  return at === null || at === undefined ? null : Math.max(0, now - at);
}

/** "only group billing, 3 topics": what a selective dashboard watches; null when it watches everything. */
export function selectionText(selection: Selection | undefined): string | null {
  const part = (names: readonly string[] | undefined, one: string) =>
    !names?.length ? [] : names.length === 1 ? [`${one} ${names[0]}`] : [`${names.length} ${one}s`];
  const parts = [...part(selection?.groups, 'group'), ...part(selection?.topics, 'topic')];
  return parts.length ? `only ${parts.join(', ')}` : null;
}

function clock(now: number): string {
  const d = new Date(now);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * One line: context, the selection if any, brokers up, controller, produce and
 * consume rates (of what is watched), the clock and how old the data is. Less
 * important parts drop off on narrow terminals.
 */
export function Header({ snapshot, target, selection, now, paused, width }: HeaderProps) {
  const c = snapshot?.cluster;
  const age = dataAge(snapshot, now);
  const stale = snapshot !== undefined && (!snapshot.sources.kafka.ok || (age !== null && age > 3 * snapshot.intervalMs + 2000));
  const brokersDown = c ? c.brokersUp < c.brokersKnown : false;
  // [text, priority (lower stays longer), colour]
  const parts: [string, number, Parameters<typeof Tint>[0]['color']?, boolean?][] = [
    ['streamctl top', 0, 'cyan', true],
    [snapshot ? snapshot.context : target, 1],
  ];
  // A dashboard showing part of the cluster must say so, or its totals read as the cluster's;
  // only the context and the data's age outrank it.
  const only = selectionText(selection);
  if (only) parts.push([only, 1.5, 'yellow']);
  parts.push(
    [c ? `brokers ${c.brokersUp}/${c.brokersKnown}` : 'brokers -', 2, brokersDown ? 'red' : undefined],
    [`controller ${c?.controller ?? '-'}`, 5],
    [`produce ${fmtRate(snapshot?.totals.produceRate)}`, 3],
    [`consume ${fmtRate(snapshot?.totals.consumeRate)}`, 3],
    [clock(now), 4],
    [age === null ? 'no data yet' : stale ? `STALE ${fmtAge(age)}` : `data ${fmtAge(age)} old`, 1, stale || age === null ? 'red' : 'gray'],
  );
  if (paused) parts.push(['PAUSED', 0, 'yellow', true]);
  let shown = parts;
  const len = (ps: typeof parts) => ps.reduce((n, p) => n + p[0].length, 0) + 2 * (ps.length - 1);
  while (len(shown) > width && shown.some((p) => p[1] > 0)) {
    const worst = Math.max(...shown.map((p) => p[1]));
    const i = shown.map((p) => p[1]).lastIndexOf(worst);
    shown = shown.filter((_, j) => j !== i);
  }
  return (
    <Text wrap="truncate-end">
      {shown.map(([text, , color, bold], i) => (
        <Text key={i}>
          {i > 0 ? '  ' : ''}
          <Tint color={color} bold={bold ?? false}>
            {text}
          </Tint>
        </Text>
      ))}
    </Text>
  );
}
