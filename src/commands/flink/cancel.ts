import { Command, Option } from 'commander';
import { cancelJob } from '../../flink/jobs.js';
import type { Io } from '../../io.js';
import { cancelView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { JOB_ARGUMENT_HELP, durationOption, findJob, flinkDeps } from './context.js';

export function cancelCommand(io: Io): Command {
  return new Command('cancel')
    .description('cancel a Flink job without a savepoint, and wait until it is CANCELED')
    .argument('<job>', JOB_ARGUMENT_HELP)
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for CANCELED').argParser(durationOption('--timeout')).default(60_000, '1m'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink cancel 3f2a
  $ streamctl flink cancel trades

Its retained checkpoints stay (the platform keeps them on cancellation); to keep state for a
restart, prefer \`streamctl flink stop\`.`,
    )
    .action(async (ref: string, flags: { timeout: number }, cmd: Command) => {
      const deps = flinkDeps(io, { changes: 'cancel a Flink job' });
      const job = await findJob(deps, ref);
      printResult(io, cmd, { data: await cancelJob(deps, job.jid, { timeoutMs: flags.timeout }), table: cancelView });
    });
}
