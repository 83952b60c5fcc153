import { Command } from 'commander';
import type { Io } from '../../io.js';
import { cancelCommand } from './cancel.js';
import { describeCommand } from './describe.js';
import { jobsCommand } from './jobs.js';
import { savepointCommand } from './savepoint.js';
import { stopCommand } from './stop.js';
import { submitCommand } from './submit.js';
import { upgradeCommand } from './upgrade.js';

export function flinkCommand(io: Io): Command {
  return new Command('flink')
    .description('Flink jobs: submit SQL or jars, list and describe, savepoint, stop, cancel, and upgrade with state')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink submit jobs/trades.sql               run a SQL file as one job, wait for RUNNING
  $ streamctl flink jobs                                 running jobs, rates, backpressure, checkpoints
  $ streamctl flink describe trades                      one job in detail (by id, id prefix or name)
  $ streamctl flink savepoint trades                     a savepoint; the job keeps running
  $ streamctl flink stop trades                          stop with a savepoint, print its path
  $ streamctl flink upgrade trades jobs/trades-v2.sql    new version from a savepoint, rollback on failure
  $ streamctl flink cancel trades                        cancel without a savepoint

Jobs are named by id, a unique id prefix (4+ characters) or their exact name.`,
    )
    .addCommand(submitCommand(io))
    .addCommand(jobsCommand(io))
    .addCommand(describeCommand(io))
    .addCommand(savepointCommand(io))
    .addCommand(stopCommand(io))
    .addCommand(cancelCommand(io))
    .addCommand(upgradeCommand(io));
}
