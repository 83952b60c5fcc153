import { Command } from 'commander';
import { runRemove } from '../../config/context-remove.js';
import type { Io } from '../../io.js';
import { contextRemoveView } from '../../output/context-remove.js';
import { printResult } from '../shared.js';

export function removeCommand(io: Io): Command {
  return new Command('remove')
    .alias('rm')
    .description('remove a context from the user file (comments and the rest of the file are kept)')
    .argument('<name>', 'the context to remove (the built-in "local" cannot be)')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context remove staging
  $ streamctl context rm old-cluster -o json

When the removed context is the current one (currentContext in the user file), the current
context goes back to the built-in local. Password files and environment variables a
context names are left as they are. Read-only contexts can be removed: read-only guards
the cluster, not the user file.`,
    )
    .action((name: string, _opts: unknown, cmd: Command) => {
      printResult(io, cmd, { data: runRemove({ name }, { env: io.env, cwd: io.cwd }), table: contextRemoveView });
    });
}
