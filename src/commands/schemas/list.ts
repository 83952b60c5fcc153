import { Command } from 'commander';
import type { Io } from '../../io.js';
import { listView } from '../../output/schemas.js';
import { runList } from '../../schemas/inspect-run.js';
import { printResult } from '../shared.js';
import { schemasContext } from './context.js';

export function listCommand(io: Io): Command {
  return new Command('list')
    .description('list the registered subjects with their version count, latest version and id, and compatibility level')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl schemas list
  $ streamctl schemas list -o json | jq -r '.subjects[].subject'`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = schemasContext(io);
      printResult(io, cmd, { data: await runList(ctx.deps), table: listView });
    });
}
