import { Command } from 'commander';
import { CheckFailedError } from '../../errors.js';
import type { Io } from '../../io.js';
import { registerView } from '../../output/schemas.js';
import { runRegister } from '../../schemas/register-run.js';
import { assertWritable, printResult } from '../shared.js';
import { checkFailed } from './check.js';
import { schemasContext } from './context.js';

export function registerCommand(io: Io): Command {
  return new Command('register')
    .description('check schemas against the registry, then register them under their subjects (idempotent)')
    .argument('[files...]', 'the .avsc files to register (default: every file of the subjects map)')
    .option('--dry-run', 'check and show what would be registered, change nothing', false)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl schemas register --dry-run
  $ streamctl schemas register
  $ streamctl schemas register schemas/user_event.avsc -o json

Nothing is registered unless every schema passes the check. A schema the subject already
has is reported as unchanged (same id, no new version). When streamctl.yaml sets a level
for the subject (or schemas.defaultLevel), it is set on the subject before registering.`,
    )
    .action(async (files: string[], opts: { dryRun: boolean }, cmd: Command) => {
      const ctx = schemasContext(io);
      if (!opts.dryRun) assertWritable(ctx.config, 'register schemas');
      const result = await runRegister({ files, dryRun: opts.dryRun, schemas: ctx.config.schemas, projectDir: ctx.projectDir }, ctx.deps);
      printResult(io, cmd, { data: result, table: registerView });
      if (!result.check.ok) throw checkFailed(result.check);
      if (!result.ok) {
        throw new CheckFailedError('the registry rejected a schema that passed the local check', {
          hint: `compare with \`streamctl schemas diff <subject>\` and the registry's level (\`streamctl schemas list\`)`,
        });
      }
    });
}
