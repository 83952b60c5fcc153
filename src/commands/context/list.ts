import { Command } from 'commander';
import { contextList } from '../../config/context-view.js';
import type { Io } from '../../io.js';
import { contextListView } from '../../output/context.js';
import { loadConfig, printResult } from '../shared.js';

export function listCommand(io: Io): Command {
  return new Command('list')
    .alias('ls')
    .description('list the contexts of the user file and the built-in local one')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl context list
  $ streamctl context list -o json | jq -r .current`,
    )
    .action((_opts: unknown, cmd: Command) => {
      printResult(io, cmd, { data: contextList(loadConfig(io)), table: contextListView });
    });
}
