import { Command, Option } from 'commander';
import { jobKindOf, splitArgs, type JobArtifact } from '../../flink/submit.js';
import { UpgradeFailedError, upgradeJob } from '../../flink/upgrade.js';
import type { Io } from '../../io.js';
import { upgradeView } from '../../output/flink.js';
import { printResult, withProgress } from '../shared.js';
import { JOB_ARGUMENT_HELP, durationOption, findJob, flinkDeps, positiveIntOption } from './context.js';

interface UpgradeFlags {
  old?: string;
  oldClass?: string;
  oldArgs?: string;
  grace: number;
  savepointDir?: string;
  drain: boolean;
  name?: string;
  parallelism?: number;
  class?: string;
  args?: string;
  allowNonRestoredState: boolean;
  timeout: number;
}

export function upgradeCommand(io: Io): Command {
  return new Command('upgrade')
    .description('replace a running Flink job by a new version that keeps its state, rolling back if the new version fails')
    .argument('<job>', JOB_ARGUMENT_HELP)
    .argument('<file>', 'the new version: a .sql file or a .jar')
    .addOption(
      new Option('--grace <duration>', 'how long the new version must run without a failure or restart')
        .argParser(durationOption('--grace'))
        .default(30_000, '30s'),
    )
    .option('--old <file>', 'the .sql or .jar the job runs now, to roll back to (needed when streamctl did not submit the job)')
    .option('--old-class <class>', 'with --old <jar>: its main class')
    .option('--old-args <args>', 'with --old <jar>: its program arguments')
    .option('--savepoint-dir <dir>', "where to write the savepoint (default: the cluster's execution.checkpointing.savepoint-dir)")
    .option('--drain', 'fire every pending window before stopping the old version', false)
    .option('--name <name>', "job name of the new version (default: the new SQL file's SET 'pipeline.name', else the running job's name)")
    .option(
      '-p, --parallelism <n>',
      'parallelism of the new version (default: the --parallelism the old version was submitted with, if any)',
      positiveIntOption('--parallelism'),
    )
    .option('--class <class>', "jar: the new version's main class")
    .option('--args <args>', "jar: the new version's program arguments, split like a shell")
    .option('--allow-non-restored-state', 'let the new version drop savepoint state no operator claims', false)
    .addOption(
      new Option('--timeout <duration>', 'how long each version may take to reach RUNNING')
        .argParser(durationOption('--timeout'))
        .default(120_000, '2m'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl flink upgrade trades jobs/trades.sql
  $ streamctl flink upgrade trades jobs/trades-v2.sql --grace 1m
  $ streamctl flink upgrade 3f2a target/enricher-2.jar --class io.acme.Enricher
  $ streamctl flink upgrade legacy-job new.jar --old old.jar --old-class io.acme.Main

Steps: stop the job with a savepoint; check the savepoint is there (file: paths, locally);
start the new version from it; wait for RUNNING and watch it for --grace. If the new version
fails to start or fails (or restarts) within the grace period, it is canceled and the old
version is started again from the same savepoint — never from an older checkpoint.
streamctl records what it submits, so it can restart the old version; for a job it did not
submit, pass --old, or upgrade refuses before stopping anything.
Exit codes: 0 upgraded, 1 the new version failed (rolled back, or the rollback failed too),
2 bad input or Flink unreachable (nothing was stopped).`,
    )
    .action(async (ref: string, file: string, flags: UpgradeFlags, cmd: Command) => {
      const deps = flinkDeps(io, { changes: 'upgrade a Flink job' });
      const job = await findJob(deps, ref);
      const next: JobArtifact = {
        kind: jobKindOf(file),
        file,
        ...(flags.name ? { name: flags.name } : {}),
        ...(flags.parallelism !== undefined ? { parallelism: flags.parallelism } : {}),
        ...(flags.class ? { entryClass: flags.class } : {}),
        ...(flags.args !== undefined ? { args: splitArgs(flags.args) } : {}),
      };
      const old: JobArtifact | undefined = flags.old
        ? {
            kind: jobKindOf(flags.old),
            file: flags.old,
            ...(flags.oldClass ? { entryClass: flags.oldClass } : {}),
            ...(flags.oldArgs !== undefined ? { args: splitArgs(flags.oldArgs) } : {}),
          }
        : undefined;
      try {
        const result = await withProgress(io, (progress) =>
          upgradeJob(
            { ...deps, progress },
            {
              jobId: job.jid,
              next,
              ...(old ? { old } : {}),
              graceMs: flags.grace,
              drain: flags.drain,
              allowNonRestoredState: flags.allowNonRestoredState,
              startTimeoutMs: flags.timeout,
              ...(flags.savepointDir ? { savepointDir: flags.savepointDir } : {}),
            },
          ),
        );
        printResult(io, cmd, { data: result, table: upgradeView });
      } catch (err) {
        // Say what runs now before failing: the old version again, or nothing.
        if (err instanceof UpgradeFailedError) printResult(io, cmd, { data: err.result, table: upgradeView });
        throw err;
      }
    });
}
