import { Command } from 'commander';
import type { Io } from '../../io.js';
import { pipelineUp } from '../../pipeline/up.js';
import { parseIntOption, printResult, withProgress } from '../shared.js';
import { durationOption, pipelineDeps, positiveInt, withScopeOptions } from './context.js';
import { upView } from './view.js';

interface UpFlags {
  suffix?: string;
  jobs?: string[];
  partitions: number;
  replicationFactor: number;
  watermarkDelay: number;
  idleTimeout: number;
  windowSize: number;
  timeout: number;
}

export function upCommand(io: Io): Command {
  return withScopeOptions(
    new Command('up').description(
      'bring the pipeline up: topics, schemas, Postgres tables, the jobs; idempotent; waits until every job runs',
    ),
  )
    .option('-p, --partitions <n>', 'partitions of topics that have to be created', positiveInt('--partitions'), 3)
    .option(
      '--replication-factor <n>',
      'replication factor of created topics (-1: broker default)',
      parseIntOption('--replication-factor'),
      -1,
    )
    .addOption(
      durationOption('--watermark-delay <duration>', 'how late an event may arrive and still make its analytics window', 5_000, '5s'),
    )
    .addOption(
      durationOption('--idle-timeout <duration>', 'a partition without data this long stops holding back the watermark', 30_000, '30s'),
    )
    .option('--window-size <n>', 'transactions per count window', positiveInt('--window-size'), 10)
    .addOption(durationOption('--timeout <duration>', 'how long to wait for every job to run', 180_000, '3m'))
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl pipeline up
  $ streamctl pipeline up -o json | jq -r '.jobs[] | "\\(.name) \\(.id)"'
  $ streamctl pipeline up --watermark-delay 5m       wait for the generator's late events (up to 5 min)

A job already running under its name is left alone. A job that is not running resumes from its
newest savepoint or retained checkpoint; without one it starts from the earliest offset, after
emptying its tables (a rebuild). The count-window jar is built with Maven (jobs/count-window)
when it is missing or older than its sources. Needs 3 free task slots.`,
    )
    .action(async (opts: UpFlags, cmd: Command) => {
      const result = await withProgress(io, (progress) =>
        pipelineUp(pipelineDeps(io, { progress, changes: 'bring the pipeline up' }), {
          ...(opts.suffix !== undefined ? { suffix: opts.suffix } : {}),
          ...(opts.jobs ? { jobs: opts.jobs } : {}),
          partitions: opts.partitions,
          replicationFactor: opts.replicationFactor,
          watermarkDelayMs: opts.watermarkDelay,
          idleTimeoutMs: opts.idleTimeout,
          windowSize: opts.windowSize,
          timeoutMs: opts.timeout,
        }),
      );
      printResult(io, cmd, { data: result, table: upView });
    });
}
