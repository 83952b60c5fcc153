import { Command, Option } from 'commander';
import { stopWithSavepoint } from '../../flink/savepoints.js';
import type { Io } from '../../io.js';
import { savepointView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { JOB_ARGUMENT_HELP, durationOption, findJob, flinkDeps } from './context.js';

export function stopCommand(io: Io): Command {
  return new Command('stop')
    .description('stop a Flink job with a savepoint, and print where the savepoint is')
    .argument('<job>', JOB_ARGUMENT_HELP)
    .option('--savepoint-dir <dir>', "where to write the savepoint (default: the cluster's execution.checkpointing.savepoint-dir)")
    .option('--drain', 'advance event time to the end first, firing every pending window (for a final stop, not an upgrade)', false)
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for the savepoint')
        .argParser(durationOption('--timeout'))
        .default(300_000, '5m'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink stop trades
  $ streamctl flink stop 3f2a --savepoint-dir file:///backups/savepoints
  $ streamctl flink submit jobs/trades.sql --from-savepoint "$(streamctl flink stop trades -o json | jq -r .location)"

Exit codes: 0 stopped with a savepoint, 1 the savepoint failed (the job keeps running),
2 unknown job, not running, or Flink unreachable.`,
    )
    .action(async (ref: string, flags: { savepointDir?: string; drain: boolean; timeout: number }, cmd: Command) => {
      const deps = flinkDeps(io, { changes: 'stop a Flink job' });
      const job = await findJob(deps, ref);
      const result = await stopWithSavepoint(deps, job.jid, {
        drain: flags.drain,
        timeoutMs: flags.timeout,
        ...(flags.savepointDir ? { targetDirectory: flags.savepointDir } : {}),
      });
      printResult(io, cmd, { data: result, table: savepointView });
    });
}
