import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { colorEnabled } from '../../output/style.js';
import { DEFAULT_LAGGING_MS, DEFAULT_STALL_MS, verdictRule } from '../../collector/verdict.js';
import { openCollector, parseInterval } from '../lag/options.js';
import { collectNames, selectionOf } from '../selection.js';

interface TopFlags {
  interval: string;
  group?: string[];
  topic?: string[];
}

export function topCommand(io: Io): Command {
  return new Command('top')
    .description('live full-screen dashboard: consumer lag, throughput and Flink jobs (q quits)')
    .option('-i, --interval <duration>', 'refresh interval, e.g. 1s, 500ms, 5s', '1s')
    .option('-g, --group <groups>', 'only these consumer groups (exact ids; repeat or separate with commas)', collectNames('--group'))
    .option(
      '-t, --topic <topics>',
      'only these topics, and the groups that read them (exact names; repeat or separate with commas)',
      collectNames('--topic'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl top
  $ streamctl top --interval 5s
  $ streamctl top --group payments,fraud-scoring       two groups and the topics they read
  $ streamctl top --topic transactions                 one topic and the groups that read it
  $ STREAMCTL_BROKERS=kafka-1:9092 streamctl top

Keys:
  ↑ ↓ / j k   select a consumer group       Enter   its partitions, offsets and members
  Esc         back                          /       filter by name (Enter keeps, Esc clears)
  s           sort: lag, time lag, rate, name
  p           pause the screen              ?       help
  q, Ctrl-C   quit

Health of a consumer group (first match wins):
${indent(verdictRule({ stallMs: DEFAULT_STALL_MS, laggingMs: DEFAULT_LAGGING_MS }))}

Time lag is the age of the next record a group will read: the timestamp of the record at its
committed offset, or, when that isn't read, interpolated from the log-end offsets sampled over
time (≥ marks a lower bound). Method and limits: docs/lag.md.

With --group or --topic, only the selected groups and topics are sampled and the header shows
the selection; \`/\` then narrows what is shown further. Names are exact, as in \`streamctl lag\`.

Needs a terminal; for scripts, pipes and CI use \`streamctl lag\` (or \`streamctl lag --watch\`).
A broker, the registry or Flink going away shows a banner; the dashboard keeps retrying.`,
    )
    .action(async (opts: TopFlags) => {
      const intervalMs = parseInterval(opts.interval);
      const selection = selectionOf(opts);
      const selective = selection.groups !== undefined || selection.topics !== undefined;
      if (io.stdout.isTTY !== true || process.stdin.isTTY !== true) {
        throw new UsageError(
          'unable to start the dashboard: not a terminal; use `streamctl lag` (or `streamctl lag --watch`) for plain text',
        );
      }
      const { collector, endpoints } = await openCollector(io, {
        intervalMs,
        ...selection,
        // A selection narrows the topics panel too: to the selected topics, or those the selected groups read.
        allTopics: !selective,
      });
      collector.start();
      try {
        // Ink (with React) loads only here, so other commands don't pay for it. Ink stops live
        // rendering when it thinks it runs in CI; this is an interactive terminal, checked above.
        for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name] !== undefined) process.env[name] = 'false';
        // React's development build (the default without NODE_ENV) records every render for
        // its profiling tools: at a frame a second that is hundreds of MiB an hour and
        // several times the CPU. Set before React loads; an explicit NODE_ENV is kept.
        process.env.NODE_ENV ??= 'production';
        boundInkTextCaches();
        const { runDashboard } = await import('../../tui/run.js');
        await runDashboard({
          feed: collector,
          target: endpoints.kafka.brokers.join(','),
          selection,
          verdictRule: verdictRule(),
          color: colorEnabled(io.stdout, io.env),
          stdout: io.stdout as NodeJS.WriteStream,
          stdin: process.stdin,
        });
      } finally {
        await collector.stop();
      }
    });
}

/**
 * Registers the hooks that bound Ink's text caches (src/tui/ink-text-caches.ts), which would
 * otherwise keep every string the dashboard ever drew. They sit next to the bundle
 * (dist/ink-hooks.js); run from the TypeScript sources (tests) there are none, and Ink loads as is.
 */
function boundInkTextCaches(): void {
  const hooks = new URL('./ink-hooks.js', import.meta.url);
  if (existsSync(fileURLToPath(hooks))) register(hooks);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
