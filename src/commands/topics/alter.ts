import { Command } from 'commander';
import type { Io } from '../../io.js';
import { alterTopic, parseConfigPairs } from '../../kafka/topics-admin.js';
import { topicAlterView } from '../../output/topics.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { assertWritable, printResult } from '../shared.js';
import { collect, positiveIntOption } from './create.js';

export function alterCommand(io: Io): Command {
  return new Command('alter')
    .description('raise the partition count, set or delete topic configs')
    .argument('<topic>', 'the topic')
    .option('-p, --partitions <n>', 'the new partition count (Kafka can only add partitions)', positiveIntOption('--partitions'))
    .option('-c, --config <key=value>', 'set a topic config, repeatable', collect, [])
    .option('--delete-config <key>', 'remove a topic config (back to the default), repeatable', collect, [])
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics alter orders --partitions 12
  $ streamctl topics alter orders -c retention.ms=86400000 -c max.message.bytes=2097152
  $ streamctl topics alter orders --delete-config retention.ms

Adding partitions changes which partition a key lands on for new records.`,
    )
    .action(
      async (topic: string, opts: { partitions?: number; config: string[]; deleteConfig: string[]; timeout?: string }, cmd: Command) => {
        const set = parseConfigPairs(opts.config);
        const session = kafkaSession(io, cmd, opts, 'streamctl-topics');
        assertWritable(session.config, `alter topic ${topic}`);
        const result = await withAdmin(session, `alter topic ${topic}`, (admin) =>
          alterTopic(admin, {
            topic,
            ...(opts.partitions !== undefined ? { partitions: opts.partitions } : {}),
            set,
            remove: opts.deleteConfig,
            timeoutMs: Math.max(session.timeoutMs, 15_000),
          }),
        );
        printResult(io, cmd, { data: result, table: topicAlterView });
      },
    );
}
