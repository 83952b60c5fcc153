import { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { Collector } from '../../collector/collector.js';
import { lagReport, type LagReport } from '../../collector/report.js';
import { breaches, describeThreshold, parseFailAbove, type FailAbove } from '../../collector/threshold.js';
import type { Snapshot } from '../../collector/types.js';
import { verdictRule } from '../../collector/verdict.js';
import { CheckFailedError, ConnectionError, UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { colorEnabled, makeStyle } from '../../output/style.js';
import { collectNames, selectionOf } from '../selection.js';
import { globals, printResult } from '../shared.js';
import { openCollector, parseInterval } from './options.js';
import { lagTable, watchHeading } from './view.js';

interface LagFlags {
  group?: string[];
  topic?: string[];
  watch: boolean;
  interval: string;
  failAbove?: string;
}

export function lagCommand(io: Io): Command {
  return new Command('lag')
    .description('consumer group lag in messages and in time, once or every interval (--watch); --fail-above for alerts')
    .option(
      '-g, --group <groups>',
      'only these consumer groups (exact ids; repeat or separate with commas); one group lists its partitions too',
      collectNames('--group'),
    )
    .option(
      '-t, --topic <topics>',
      'only partitions of these topics, and the groups that read them (repeat or commas)',
      collectNames('--topic'),
    )
    .option('-w, --watch', 'sample again every --interval until Ctrl-C; plain text, works without a terminal', false)
    .option('-i, --interval <duration>', 'time between samples with --watch', '1s')
    .option('--fail-above <messages|duration>', 'exit 1 when a selected group lags more than this: 1000 (messages) or 30s, 5m (time)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl lag                                  every group: lag, time lag, health
  $ streamctl lag --group payments -o json          one group, partition by partition, for scripts
  $ streamctl lag --topic transactions --watch      the groups reading a topic, every second
  $ streamctl lag --fail-above 30s || page-oncall   alert when any group is more than 30 s behind
  $ streamctl lag --group etl --fail-above 10000    a CI gate on messages waiting

Time lag is the age of the next record a group will read (the timestamp of the record at its
committed offset). Consume rates, and the STALLED verdict, need more than one sample: use
--watch (or \`streamctl top\`). With --fail-above, a group whose time lag is unknown counts
as above. Method and limits: docs/lag.md.

Health (first match wins):
${verdictRule()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}

Exit codes: 0 ok, 1 a group is above --fail-above, 2 bad flags, unknown group or topic, Kafka unreachable.`,
    )
    .action(async (flags: LagFlags, cmd: Command) => {
      // Flags are checked before connecting, so a typo fails fast with exit 2.
      const failAbove = flags.failAbove !== undefined ? parseFailAbove(flags.failAbove) : null;
      const intervalMs = parseInterval(flags.interval);
      const { output, verbose } = globals(cmd);
      const { collector, endpoints } = await openCollector(io, {
        intervalMs,
        ...selectionOf(flags),
        allTopics: false,
        flink: false,
        registry: false,
        // One sample has no history to date offsets with: read every record at a committed offset.
        recordLookups: Infinity,
        sizeSamples: 0,
        ...(verbose ? { log: (l: string) => io.stderr.write(`${l}\n`) } : {}),
      });
      try {
        if (!flags.watch) {
          const report = checkedReport(await collector.sample(), flags, failAbove, endpoints.kafka.brokers);
          printResult(io, cmd, { data: report, table: lagTable });
          failIfAbove(report, failAbove);
          return;
        }
        await watch(io, collector, flags, failAbove, output, endpoints.kafka.brokers);
      } finally {
        await collector.stop();
      }
    });
}

/** The report for one snapshot, or the error a user must see (Kafka down, unknown group or topic). */
function checkedReport(snapshot: Snapshot, flags: LagFlags, failAbove: FailAbove | null, brokers: string[]): LagReport {
  const kafka = snapshot.sources.kafka;
  if (!kafka.ok) {
    // An authentication failure is its own message ("authentication failed for user X"), as in every command.
    const message = kafka.errorKind === 'auth' ? kafka.error! : `unable to read consumer lag: ${kafka.error ?? 'Kafka did not answer'}`;
    throw new ConnectionError(message, {
      hint: kafka.hint ?? `check that Kafka is reachable at ${brokers.join(',')} (local platform: \`streamctl dev up\`)`,
    });
  }
  const missingTopics = (flags.topic ?? []).filter((name) => {
    const topic = snapshot.topics.find((t) => t.topic === name);
    return topic?.error && /does not host this topic|unknown topic/i.test(topic.error);
  });
  if (missingTopics.length > 0) {
    throw new UsageError(`unable to show lag: no topic ${missingTopics.map((t) => `"${t}"`).join(', ')}`, {
      hint: 'check the name; `streamctl lag` shows every group and its topics',
    });
  }
  const missingGroups = (flags.group ?? []).filter((name) => !snapshot.groups.some((g) => g.groupId === name));
  if (missingGroups.length > 0) {
    throw new UsageError(`unable to show lag: no consumer group ${missingGroups.map((g) => `"${g}"`).join(', ')}`, {
      hint: '`streamctl lag` lists every consumer group',
    });
  }
  // Named groups always show; with only --topic, the groups that read none of the topics don't.
  const groups = flags.topic && !flags.group ? snapshot.groups.filter((g) => g.partitions.length > 0) : snapshot.groups;
  const selected = { ...snapshot, groups };
  const above = failAbove
    ? breaches(
        groups.map((g) => ({ group: g.groupId, lag: g.lag, timeLagMs: g.timeLagMs, timeLagAtLeast: g.timeLagAtLeast })),
        failAbove,
      )
    : [];
  return lagReport(selected, failAbove, above);
}

function failIfAbove(report: LagReport, failAbove: FailAbove | null): void {
  if (!failAbove || report.above.length === 0) return;
  const n = report.above.length;
  throw new CheckFailedError(
    `${n} consumer group${n === 1 ? ' is' : 's are'} above ${describeThreshold(failAbove)} of lag: ${report.above.map((b) => `${b.group} (${b.value})`).join(', ')}`,
  );
}

/**
 * --watch: one report per interval as plain text (a heading and the table),
 * one JSON object per line with -o json, or YAML documents, until Ctrl-C.
 * Kafka going away prints a line on stderr and sampling goes on; with
 * --fail-above, the first sample above the threshold ends the watch with exit 1.
 */
async function watch(
  io: Io,
  collector: Collector,
  flags: LagFlags,
  failAbove: FailAbove | null,
  output: string,
  brokers: string[],
): Promise<void> {
  const style = makeStyle(output === 'table' && colorEnabled(io.stdout, io.env));
  let stopped = false;
  let wake: (() => void) | undefined;
  const onSigint = () => {
    stopped = true;
    wake?.();
  };
  process.on('SIGINT', onSigint);
  try {
    while (!stopped) {
      const started = Date.now();
      const snapshot = await collector.sample();
      if (!snapshot.sources.kafka.ok) {
        io.stderr.write(
          `${style.red('kafka unavailable:')} ${snapshot.sources.kafka.error ?? 'no answer'} (retrying every ${collector.intervalMs / 1000}s)\n`,
        );
        if (snapshot.sources.kafka.lastSuccessAt === null && snapshot.sources.kafka.failures === 1) {
          io.stderr.write(`${style.dim('hint:')} check that Kafka is reachable at ${brokers.join(',')}\n`);
        }
      } else {
        const report = checkedReport(snapshot, flags, failAbove, brokers);
        if (output === 'json') io.stdout.write(`${JSON.stringify(report)}\n`);
        else if (output === 'yaml') io.stdout.write(`---\n${toYaml(report)}`);
        else io.stdout.write(`${watchHeading(report, style)}\n${lagTable(report, style)}\n\n`);
        failIfAbove(report, failAbove);
      }
      const wait = collector.intervalMs - (Date.now() - started);
      if (!stopped && wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
