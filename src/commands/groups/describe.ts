import { Command } from 'commander';
import type { Io } from '../../io.js';
import { describeGroup } from '../../kafka/groups.js';
import { groupDescribeView } from '../../output/groups.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { printResult } from '../shared.js';

export function describeCommand(io: Io): Command {
  return new Command('describe')
    .description('show a group: members and their partitions, committed offset, log end and lag per partition')
    .argument('<group>', 'the consumer group')
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl groups describe billing
  $ streamctl groups describe billing -o json | jq .totalLag

Lag is the log end offset (the last stable offset under open transactions) minus the
committed offset.`,
    )
    .action(async (group: string, opts: { timeout?: string }, cmd: Command) => {
      const session = kafkaSession(io, cmd, opts, 'streamctl-groups');
      const description = await withAdmin(session, `describe consumer group ${group}`, (admin) => describeGroup(admin, group));
      printResult(io, cmd, { data: description, table: groupDescribeView });
    });
}
