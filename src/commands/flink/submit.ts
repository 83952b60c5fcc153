import { Command, Option } from 'commander';
import { jobKindOf, splitArgs, submitJob } from '../../flink/submit.js';
import type { Io } from '../../io.js';
import { submitView } from '../../output/flink.js';
import { printResult } from '../shared.js';
import { durationOption, flinkDeps, positiveIntOption } from './context.js';

export interface SubmitFlags {
  name?: string;
  parallelism?: number;
  fromSavepoint?: string;
  allowNonRestoredState: boolean;
  class?: string;
  args?: string;
  wait?: boolean;
  timeout: number;
}

export function submitCommand(io: Io): Command {
  return new Command('submit')
    .description('run a Flink SQL file (through the SQL Gateway) or a jar (through the JobManager) as a job')
    .argument('<file>', 'a .sql file (SET, DDL and INSERTs; all INSERTs become one job) or a .jar')
    .option('--name <name>', "job name (pipeline.name; default: the SQL file's SET or Flink's generated name)")
    .option('-p, --parallelism <n>', "default parallelism of the job (default: the cluster's)", positiveIntOption('--parallelism'))
    .option('--from-savepoint <path>', 'restore state from this savepoint or retained checkpoint (checked locally for file paths)')
    .option('--allow-non-restored-state', 'with --from-savepoint: skip savepoint state that maps to no operator', false)
    .option('--class <class>', "jar: the main class (default: the manifest's Main-Class)")
    .option('--args <args>', 'jar: program arguments, split like a shell, e.g. --args "--topic tx --window \'5 min\'"')
    .option('--wait', "return once every task is RUNNING, or fail with the job's root cause (the default)")
    .option('--no-wait', 'return as soon as the job is submitted')
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for RUNNING').argParser(durationOption('--timeout')).default(120_000, '2m'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink submit jobs/trades.sql
  $ streamctl flink submit jobs/trades.sql --name trades --parallelism 2
  $ streamctl flink submit jobs/trades.sql --from-savepoint file:///var/lib/streamctl/dev/data/flink/savepoints/savepoint-1a2b3c-0123456789ab
  $ streamctl flink submit target/enricher.jar --class io.acme.Enricher --args "--topic transactions"
  $ streamctl flink submit jobs/trades.sql --no-wait -o json | jq -r .jobId

SQL files: SET 'key' = 'value' holds for the session (flags win over the file), DDL runs in
order, and every INSERT (loose, in EXECUTE STATEMENT SET BEGIN … END, or between BEGIN
STATEMENT SET; and END;) goes into one statement set: one job. A failing statement is
reported with its line in the file.
Exit codes: 0 submitted (and RUNNING unless --no-wait), 1 the job failed or did not start in
time, 2 bad input (file, SQL, jar, savepoint) or Flink unreachable.`,
    )
    .action(async (file: string, flags: SubmitFlags, cmd: Command) => {
      const kind = jobKindOf(file);
      const deps = flinkDeps(io, { changes: 'submit a Flink job' });
      const result = await submitJob(deps, {
        kind,
        file,
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.parallelism !== undefined ? { parallelism: flags.parallelism } : {}),
        ...(flags.fromSavepoint ? { fromSavepoint: flags.fromSavepoint } : {}),
        ...(flags.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
        ...(flags.class ? { entryClass: flags.class } : {}),
        ...(flags.args !== undefined ? { args: splitArgs(flags.args) } : {}),
        wait: flags.wait ?? true,
        waitTimeoutMs: flags.timeout,
      });
      printResult(io, cmd, { data: result, table: submitView });
    });
}
