import { Command } from 'commander';
import type { Io } from '../../io.js';
import { rebuildJob } from '../../pipeline/rebuild.js';
import { printResult, withProgress } from '../shared.js';
import { durationOption, pipelineDeps, positiveInt } from './context.js';
import { rebuildView } from './view.js';

export function rebuildCommand(io: Io): Command {
  return new Command('rebuild')
    .description("recompute a job's results from the log: cancel it, empty its tables, replay from the earliest offset")
    .argument('<job>', 'analytics, positions or count-window')
    .option('--suffix <tag>', 'the copy of the pipeline with this suffix')
    .addOption(durationOption('--watermark-delay <duration>', 'as for `up`', 5_000, '5s'))
    .addOption(durationOption('--idle-timeout <duration>', 'as for `up`', 30_000, '30s'))
    .option('--window-size <n>', 'as for `up`', positiveInt('--window-size'), 10)
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the job to run', 180_000, '3m'))
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline rebuild positions
  $ streamctl pipeline rebuild count-window --window-size 20

The job's state is discarded and its savepoints forgotten; while it replays, its tables fill
up again from empty. Rebuilding analytics writes every window to symbol-stats again.`,
    )
    .action(
      async (
        job: string,
        opts: { suffix?: string; watermarkDelay: number; idleTimeout: number; windowSize: number; timeout: number },
        cmd: Command,
      ) => {
        const result = await withProgress(io, (progress) =>
          rebuildJob(pipelineDeps(io, { progress, changes: 'rebuild a pipeline job' }), job, {
            ...(opts.suffix !== undefined ? { suffix: opts.suffix } : {}),
            watermarkDelayMs: opts.watermarkDelay,
            idleTimeoutMs: opts.idleTimeout,
            windowSize: opts.windowSize,
            timeoutMs: opts.timeout,
          }),
        );
        printResult(io, cmd, { data: result, table: rebuildView });
      },
    );
}
