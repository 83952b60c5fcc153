import { Command, InvalidArgumentError } from 'commander';
import { parseTimePoint } from '../../config/duration.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { offsetCommitter, parseTopicSelection, resetOffsets, type ResetStrategy, type TopicSelection } from '../../kafka/groups.js';
import { resetView } from '../../output/groups.js';
import { TIMEOUT_HELP, kafkaSession, withAdmin } from '../connect.js';
import { assertWritable, printResult } from '../shared.js';

interface ResetFlags {
  topic: TopicSelection[];
  toEarliest: boolean;
  toLatest: boolean;
  toDatetime?: string;
  shiftBy?: number;
  toOffset?: number;
  execute: boolean;
  timeout?: string;
}

const collectTopic = (value: string, previous: TopicSelection[]): TopicSelection[] => {
  try {
    return [...previous, parseTopicSelection(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

function integer(name: string, min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^[+-]?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer`);
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`${name} must be ${min} or more`);
    return n;
  };
}

/** Exactly one of the --to-…/--shift-by flags. */
export function resetStrategy(flags: Omit<ResetFlags, 'topic' | 'execute' | 'timeout'>, now = Date.now()): ResetStrategy {
  const given: ResetStrategy[] = [];
  if (flags.toEarliest) given.push({ kind: 'earliest' });
  if (flags.toLatest) given.push({ kind: 'latest' });
  if (flags.toDatetime !== undefined) given.push({ kind: 'datetime', ms: parseTimePoint(flags.toDatetime, now) });
  if (flags.shiftBy !== undefined) given.push({ kind: 'shift', by: flags.shiftBy });
  if (flags.toOffset !== undefined) given.push({ kind: 'offset', offset: flags.toOffset });
  if (given.length !== 1) {
    throw new UsageError(given.length === 0 ? 'say where to reset to' : 'give one place to reset to', {
      hint: 'use one of --to-earliest, --to-latest, --to-datetime <time>, --shift-by <±n>, --to-offset <n>',
    });
  }
  return given[0]!;
}

export function resetOffsetsCommand(io: Io): Command {
  return new Command('reset-offsets')
    .description("plan (and with --execute, apply) new committed offsets for a group's partitions")
    .argument('<group>', 'the consumer group')
    .option('-t, --topic <topic[:p1,p2]>', 'a topic, optionally with partitions; repeatable', collectTopic, [])
    .option('--to-earliest', 'to the start of the log', false)
    .option('--to-latest', 'to the end of the log (skip everything not yet read)', false)
    .option('--to-datetime <time>', 'to the first record at or after a time: ISO-8601, epoch ms, or -1h ago')
    .option('--shift-by <n>', 'move the committed offset by n (negative: re-read n records)', integer('--shift-by'))
    .option('--to-offset <n>', 'to this offset', integer('--to-offset', 0))
    .option('--execute', 'apply the plan (default: only print it)', false)
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl groups reset-offsets billing --topic orders --to-earliest           print the plan
  $ streamctl groups reset-offsets billing --topic orders --to-earliest --execute apply it
  $ streamctl groups reset-offsets billing --topic orders:0,2 --shift-by -500 --execute
  $ streamctl groups reset-offsets billing --topic orders --to-datetime 2026-11-25T08:00:00Z

Without --execute nothing changes: the plan shows the current and new offset of every
partition. Targets outside the log are clamped to it. --execute refuses (exit 2) while the
group has active members, naming them, and on a read-only context.`,
    )
    .action(async (group: string, flags: ResetFlags, cmd: Command) => {
      if (flags.topic.length === 0) throw new UsageError('say which topics to reset', { hint: 'pass --topic <topic> (or topic:0,1)' });
      const strategy = resetStrategy(flags);
      const session = kafkaSession(io, cmd, flags, 'streamctl-groups');
      if (flags.execute) assertWritable(session.config, `reset the offsets of group ${group}`);
      const result = await withAdmin(session, `reset the offsets of group ${group}`, (admin) =>
        resetOffsets(admin, { group, topics: flags.topic, strategy, execute: flags.execute }, offsetCommitter(session.kafka)),
      );
      printResult(io, cmd, { data: result, table: resetView });
    });
}
