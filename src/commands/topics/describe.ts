import { Command } from 'commander';
import type { Io } from '../../io.js';
import { describeTopic } from '../../kafka/topics-admin.js';
import { topicDescribeView } from '../../output/topics.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { printResult } from '../shared.js';

export function describeCommand(io: Io): Command {
  return new Command('describe')
    .description('show a topic: partitions (leader, replicas, ISR, offsets) and configs')
    .argument('<topic>', 'the topic')
    .option('--all-configs', 'every config, not only those that differ from the default', false)
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics describe transactions
  $ streamctl topics describe transactions --all-configs
  $ streamctl topics describe transactions -o json | jq '.partitions[] | select(.isr | length < 3)'

Configs show where their value comes from: topic (set on it), broker, cluster default, or default.`,
    )
    .action(async (topic: string, opts: { allConfigs: boolean; timeout?: string }, cmd: Command) => {
      const session = kafkaSession(io, cmd, opts, 'streamctl-topics');
      const description = await withAdmin(session, `describe topic ${topic}`, (admin) =>
        describeTopic(admin, topic, { allConfigs: opts.allConfigs }),
      );
      printResult(io, cmd, { data: description, table: topicDescribeView });
    });
}
