import { Command, Option } from 'commander';
import { takeSavepoint } from '../../flink/savepoints.js';
import type { Io } from '../../io.js';
import { savepointView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { JOB_ARGUMENT_HELP, durationOption, findJob, flinkDeps } from './context.js';

export function savepointCommand(io: Io): Command {
  return new Command('savepoint')
    .description('take a savepoint of a running Flink job (it keeps running), and print where it is')
    .argument('<job>', JOB_ARGUMENT_HELP)
    .option('--savepoint-dir <dir>', "where to write the savepoint (default: the cluster's execution.checkpointing.savepoint-dir)")
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for the savepoint')
        .argParser(durationOption('--timeout'))
        .default(300_000, '5m'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink savepoint trades
  $ streamctl flink savepoint 3f2a -o json | jq -r .location`,
    )
    .action(async (ref: string, flags: { savepointDir?: string; timeout: number }, cmd: Command) => {
      const deps = flinkDeps(io);
      const job = await findJob(deps, ref);
      const result = await takeSavepoint(deps, job.jid, {
        timeoutMs: flags.timeout,
        ...(flags.savepointDir ? { targetDirectory: flags.savepointDir } : {}),
      });
      printResult(io, cmd, { data: result, table: savepointView });
    });
}
