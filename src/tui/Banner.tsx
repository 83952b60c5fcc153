import { Text } from 'ink';
import type { SourceName, Snapshot } from '../collector/types.js';
import { fmtAge } from '../output/units.js';
import { Tint } from './theme.js';

const LABEL: Record<SourceName, string> = { kafka: 'Kafka', registry: 'Schema registry', flink: 'Flink' };

/** The banner's lines, one per failing source, then partial failures; empty when all is well. */
export function bannerLines(snapshot: Snapshot | undefined, now: number): { text: string; severe: boolean }[] {
  if (!snapshot) return [];
  const out: { text: string; severe: boolean }[] = [];
  const every = fmtAge(snapshot.intervalMs).replace(/\.0s$/, 's');
  for (const name of ['kafka', 'registry', 'flink'] as const) {
    const s = snapshot.sources[name];
    if (!s.enabled || s.ok) continue;
    const since = s.lastSuccessAt === null ? 'no data yet' : `showing data from ${fmtAge(now - s.lastSuccessAt)} ago`;
    out.push({
      text: `${LABEL[name]} unavailable: ${s.error ?? 'unknown error'} — ${since}; retrying every ${every}`,
      severe: name === 'kafka',
    });
  }
  if (snapshot.sources.kafka.ok) {
    const groups = snapshot.groups.filter((g) => g.error).length;
    const topics = snapshot.topics.filter((t) => t.error).length;
    if (groups + topics > 0) {
      const what = [groups ? `${groups} group${groups === 1 ? '' : 's'}` : '', topics ? `${topics} topic${topics === 1 ? '' : 's'}` : '']
        .filter(Boolean)
        .join(' and ');
      const first = snapshot.groups.find((g) => g.error)?.error ?? snapshot.topics.find((t) => t.error)?.error;
      out.push({ text: `${what} could not be read (${first}); showing earlier numbers for them`, severe: false });
    }
  }
  return out;
}

/** A visible, un-missable line per failing source: the dashboard keeps running and recovers by itself. */
export function Banner({ lines }: { lines: { text: string; severe: boolean }[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          <Tint color={l.severe ? 'red' : 'yellow'} bold inverse>
            {' ! '}
          </Tint>
          <Tint color={l.severe ? 'red' : 'yellow'}>{` ${l.text}`}</Tint>
        </Text>
      ))}
    </>
  );
}
