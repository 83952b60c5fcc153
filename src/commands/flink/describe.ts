import { Command } from 'commander';
import { describeJob } from '../../flink/jobs.js';
import type { Io } from '../../io.js';
import { describeView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { JOB_ARGUMENT_HELP, findJob, flinkDeps } from './context.js';

export function describeCommand(io: Io): Command {
  return new Command('describe')
    .description('show one Flink job: operators, rates, checkpoints, the savepoint it came from, recent exceptions')
    .argument('<job>', JOB_ARGUMENT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink describe 3f2a
  $ streamctl flink describe trades
  $ streamctl flink describe trades -o json | jq .checkpoints.restoredFrom`,
    )
    .action(async (ref: string, _flags: unknown, cmd: Command) => {
      const deps = flinkDeps(io);
      const job = await findJob(deps, ref);
      printResult(io, cmd, { data: await describeJob(deps, job.jid), table: describeView });
    });
}
