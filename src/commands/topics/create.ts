import { Command, InvalidArgumentError } from 'commander';
import type { Io } from '../../io.js';
import { createTopic, parseConfigPairs, validateTopicName } from '../../kafka/topics-admin.js';
import { topicCreateView } from '../../output/topics.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { assertWritable, printResult } from '../shared.js';

export function positiveIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function createCommand(io: Io): Command {
  return new Command('create')
    .description('create a topic and wait until every partition has a leader')
    .argument('<topic>', 'the topic')
    .option('-p, --partitions <n>', "partitions (default: the broker's num.partitions)", positiveIntOption('--partitions'))
    .option(
      '-r, --replication-factor <n>',
      "replicas of each partition (default: the broker's default.replication.factor)",
      positiveIntOption('--replication-factor'),
    )
    .option('-c, --config <key=value>', 'a topic config, repeatable', collect, [])
    .option('--if-not-exists', 'an existing topic is not an error (it is left as it is)', false)
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics create orders
  $ streamctl topics create orders -p 6 -r 3 -c retention.ms=604800000 -c min.insync.replicas=2
  $ streamctl topics create accounts -c cleanup.policy=compact --if-not-exists

Exit codes: 0 created (or already there with --if-not-exists); 2 the topic exists, a bad
config or replication factor, a read-only context, or Kafka unreachable.`,
    )
    .action(
      async (
        topic: string,
        opts: { partitions?: number; replicationFactor?: number; config: string[]; ifNotExists: boolean; timeout?: string },
        cmd: Command,
      ) => {
        validateTopicName(topic);
        const configs = parseConfigPairs(opts.config);
        const session = kafkaSession(io, cmd, opts, 'streamctl-topics');
        assertWritable(session.config, `create topic ${topic}`);
        const result = await withAdmin(session, `create topic ${topic}`, (admin) =>
          createTopic(admin, {
            topic,
            partitions: opts.partitions ?? -1,
            replicationFactor: opts.replicationFactor ?? -1,
            configs,
            ifNotExists: opts.ifNotExists,
            timeoutMs: Math.max(session.timeoutMs, 15_000),
          }),
        );
        printResult(io, cmd, { data: result, table: topicCreateView });
      },
    );
}
