import { Command } from 'commander';
import type { Io } from '../../io.js';
import { listGroups } from '../../kafka/groups.js';
import { groupListView } from '../../output/groups.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { printResult } from '../shared.js';

export function listCommand(io: Io): Command {
  return new Command('list')
    .alias('ls')
    .description('list consumer groups with their state, member count and protocol')
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl groups list
  $ streamctl groups list -o json | jq -r '.[] | select(.state == "Empty") | .group'`,
    )
    .action(async (opts: { timeout?: string }, cmd: Command) => {
      const session = kafkaSession(io, cmd, opts, 'streamctl-groups');
      const groups = await withAdmin(session, 'list consumer groups', (admin) => listGroups(admin));
      printResult(io, cmd, { data: groups, table: groupListView });
    });
}
