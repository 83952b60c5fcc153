import { Command } from 'commander';
import { listJobs } from '../../flink/jobs.js';
import type { Io } from '../../io.js';
import { jobsView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { flinkDeps } from './context.js';

export function jobsCommand(io: Io): Command {
  return new Command('jobs')
    .description('list Flink jobs with throughput, backpressure and checkpoints')
    .option('-a, --all', 'include finished, canceled and long-ago failed jobs', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink jobs
  $ streamctl flink jobs --all
  $ streamctl flink jobs -o json | jq -r '.[] | select(.state == "RUNNING") | .id'

Without --all: jobs that are not finished, plus those that failed in the last hour.
IN/S is what the job's sources emit per second, OUT/S what its sinks receive; BACKPRESSURE is
the share of time its most backpressured subtask waited (ok ≤ 10% < low ≤ 50% < high);
LAST CHECKPOINT is the age and full state size of the latest completed checkpoint.`,
    )
    .action(async (flags: { all: boolean }, cmd: Command) => {
      const deps = flinkDeps(io);
      const jobs = await listJobs(deps.rest, { all: flags.all });
      printResult(io, cmd, { data: jobs, table: jobsView });
    });
}
