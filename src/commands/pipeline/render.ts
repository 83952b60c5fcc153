import { Command } from 'commander';
import type { Io } from '../../io.js';
import { showJob, type ShownJob } from '../../pipeline/show.js';
import { printResult } from '../shared.js';
import { durationOption, pipelineDeps, positiveInt } from './context.js';

const view = (job: ShownJob): string =>
  job.kind === 'sql' ? job.sql!.trimEnd() : `# ${job.name}: upload ${job.jar} and run it with\n${job.args!.join(' ')}`;

export function renderCommand(io: Io): Command {
  return new Command('render')
    .description('print a job exactly as `up` submits it (SQL filled in; for the jar, its arguments)')
    .argument('<job>', 'analytics, positions or count-window')
    .option('--suffix <tag>', 'the copy of the pipeline with this suffix')
    .addOption(durationOption('--watermark-delay <duration>', 'as for `up`', 5_000, '5s'))
    .addOption(durationOption('--idle-timeout <duration>', 'as for `up`', 30_000, '30s'))
    .option('--window-size <n>', 'as for `up`', positiveInt('--window-size'), 10)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline render positions > positions.sql && streamctl flink submit positions.sql
  $ streamctl pipeline render count-window`,
    )
    .action((job: string, opts: { suffix?: string; watermarkDelay: number; idleTimeout: number; windowSize: number }, cmd: Command) => {
      const shown = showJob(pipelineDeps(io), job, {
        ...(opts.suffix !== undefined ? { suffix: opts.suffix } : {}),
        watermarkDelayMs: opts.watermarkDelay,
        idleTimeoutMs: opts.idleTimeout,
        windowSize: opts.windowSize,
      });
      printResult(io, cmd, { data: shown, table: view });
    });
}
