import { Command, Option } from 'commander';
import type { Io } from '../../io.js';
import { diffView } from '../../output/schemas.js';
import { runDiff } from '../../schemas/inspect-run.js';
import { printResult } from '../shared.js';
import { schemasContext, versionOption } from './context.js';

export function diffCommand(io: Io): Command {
  return new Command('diff')
    .description('show what changed between a registered version and a schema file: fields, types, defaults, enum symbols, docs')
    .argument('<subject>', 'the registry subject, e.g. transactions-value')
    .argument('[file]', 'the new schema (default: the file mapped to the subject)')
    .addOption(new Option('--schema-version <n>', 'the registered version to compare with (default: the latest)').argParser(versionOption))
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl schemas diff transactions-value
  $ streamctl schemas diff transactions-value schemas/transaction_event.avsc --schema-version 1
  $ streamctl schemas diff user-events-value -o json

+ added, - removed, ~ changed. The exit code is 0 whatever changed; \`schemas check\` judges compatibility.`,
    )
    .action(async (subject: string, file: string | undefined, opts: { schemaVersion?: number }, cmd: Command) => {
      const ctx = schemasContext(io);
      const result = await runDiff(
        {
          subject,
          ...(file ? { file } : {}),
          ...(opts.schemaVersion ? { version: opts.schemaVersion } : {}),
          schemas: ctx.config.schemas,
          projectDir: ctx.projectDir,
        },
        ctx.deps,
      );
      printResult(io, cmd, { data: result, table: diffView });
    });
}
