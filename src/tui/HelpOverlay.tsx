import { Text } from 'ink';
import { Tint } from './theme.js';
import { SORT_KEYS } from './view.js';

export const KEYS: [string, string][] = [
  ['↑ ↓  j k', 'select a consumer group (in details: scroll partitions)'],
  ['Enter', 'details of the selected group: partitions, offsets, lag, members'],
  ['Esc', 'back (closes details, help, or clears the filter)'],
  ['/', 'filter groups, topics and jobs by name; Enter keeps it, Esc clears it'],
  ['s', `cycle the sort of groups: ${SORT_KEYS.join(' → ')}`],
  ['p', 'pause the screen (sampling continues); p again resumes'],
  ['?', 'this help'],
  ['q  Ctrl-C', 'quit'],
];

/** Keys, the health rule and what the columns mean; fills the screen until Esc or ?. */
export function HelpOverlay({ verdictRule, height, intervalMs }: { verdictRule: string; height: number; intervalMs: number }) {
  const lines: { text: string; bold?: boolean }[] = [
    { text: 'KEYS', bold: true },
    ...KEYS.map(([k, what]) => ({ text: `  ${k.padEnd(10)}  ${what}` })),
    { text: '' },
    { text: 'HEALTH (first matching line wins)', bold: true },
    ...verdictRule.split('\n').map((l) => ({ text: `  ${l}` })),
    { text: '' },
    { text: 'COLUMNS', bold: true },
    { text: '  lag        messages between the committed offset and the log end, summed over partitions' },
    { text: '  time lag   age of the next record to consume (of the slowest partition); ≥ marks a lower bound' },
    { text: '  rate       messages/s committed (consume) or appended (produce), over the last 5 s' },
    { text: '  ~bytes/s   produce rate × average size of recently sampled records (an estimate)' },
    { text: '  last ckpt  age of the latest completed Flink checkpoint; !N: N checkpoints failed' },
    { text: `  refresh every ${intervalMs / 1000}s; time lag method and limits: docs/lag.md` },
    { text: '' },
    { text: 'Esc or ? closes this help' },
  ];
  return (
    <>
      {lines.slice(0, Math.max(1, height)).map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l.bold ? (
            <Tint color="cyan" bold>
              {l.text}
            </Tint>
          ) : (
            l.text
          )}
        </Text>
      ))}
    </>
  );
}
