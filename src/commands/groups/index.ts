import { Command } from 'commander';
import type { Io } from '../../io.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';
import { resetOffsetsCommand } from './reset-offsets.js';

export function groupsCommand(io: Io): Command {
  return new Command('groups')
    .description('consumer groups: list, describe (members, offsets, lag) and reset offsets')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl groups list
  $ streamctl groups describe flink-aggregator               members, committed offsets and lag per partition
  $ streamctl groups reset-offsets billing --topic orders --to-earliest             the plan (dry run)
  $ streamctl groups reset-offsets billing --topic orders:0,1 --shift-by -100 --execute`,
    )
    .addCommand(listCommand(io))
    .addCommand(describeCommand(io))
    .addCommand(resetOffsetsCommand(io));
}
