import { Command } from 'commander';
import type { Io } from '../../io.js';
import { alterCommand } from './alter.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';

export function topicsCommand(io: Io): Command {
  return new Command('topics')
    .description('Kafka topics: list, describe, create, delete and alter')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl topics list                                   name, partitions, replication factor
  $ streamctl topics describe transactions                  partitions (leader, replicas, ISR) and configs
  $ streamctl topics create orders -p 6 -c retention.ms=86400000
  $ streamctl topics alter orders --partitions 12 -c cleanup.policy=compact
  $ streamctl topics delete orders --yes
  $ streamctl --context staging topics list -o json

create, alter and delete refuse on a read-only context (exit 2).`,
    )
    .addCommand(listCommand(io))
    .addCommand(describeCommand(io))
    .addCommand(createCommand(io))
    .addCommand(deleteCommand(io))
    .addCommand(alterCommand(io));
}
