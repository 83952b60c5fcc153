import { Command, Option } from 'commander';
import type { Io } from '../../io.js';
import { showView } from '../../output/schemas.js';
import { runShow } from '../../schemas/inspect-run.js';
import { printResult } from '../shared.js';
import { schemasContext, versionOption } from './context.js';

export function showCommand(io: Io): Command {
  return (
    new Command('show')
      .description('print a registered schema, pretty-printed, with its version and id')
      .argument('<subject>', 'the registry subject, e.g. transactions-value')
      // Not --version: the program's -V/--version is recognised anywhere on the command line.
      .addOption(new Option('--schema-version <n>', 'the version to show (default: the latest)').argParser(versionOption))
      .addHelpText(
        'after',
        `
Examples:
  $ streamctl schemas show transactions-value
  $ streamctl schemas show transactions-value --schema-version 1
  $ streamctl schemas show user-events-value -o json | jq -r .schema`,
      )
      .action(async (subject: string, opts: { schemaVersion?: number }, cmd: Command) => {
        const ctx = schemasContext(io);
        const schema = await runShow({ subject, ...(opts.schemaVersion ? { version: opts.schemaVersion } : {}) }, ctx.deps);
        printResult(io, cmd, { data: schema, table: showView });
      })
  );
}
