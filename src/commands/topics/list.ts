import { Command } from 'commander';
import type { Io } from '../../io.js';
import { listTopics } from '../../kafka/topics-admin.js';
import { topicListView } from '../../output/topics.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { printResult } from '../shared.js';

export function listCommand(io: Io): Command {
  return new Command('list')
    .alias('ls')
    .description('list topics with their partition count and replication factor')
    .option('--internal', "include Kafka's internal topics (__consumer_offsets…)", false)
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics list
  $ streamctl topics list --internal
  $ streamctl topics list -o json | jq -r '.[].name'`,
    )
    .action(async (opts: { internal: boolean; timeout?: string }, cmd: Command) => {
      const session = kafkaSession(io, cmd, opts, 'streamctl-topics');
      const topics = await withAdmin(session, 'list topics', (admin) => listTopics(admin, { internal: opts.internal }));
      printResult(io, cmd, { data: topics, table: topicListView });
    });
}
