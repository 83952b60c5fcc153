import { Command, InvalidArgumentError, Option } from 'commander';
import { parseTimePoint } from '../../config/duration.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { withDeadline } from '../../kafka/client.js';
import { runConsume, type ConsumeResult, type Isolation, type StartSpec } from '../../kafka/consume.js';
import { VALUE_FORMATS, type SchemaLookup, type ValueFormat } from '../../kafka/decode.js';
import { registryFromEndpoints, type RegistryClient } from '../../registry/client.js';
import { TIMEOUT_HELP, kafkaSession, kafkaTimeout, withAdmin } from '../connect.js';

interface ConsumeFlags {
  fromBeginning: boolean;
  offset?: string;
  partition: number[];
  fromTime?: string;
  max?: number;
  follow: boolean;
  group?: string;
  isolation: Isolation;
  format: ValueFormat;
  timeout?: string;
}

function partitionsOption(value: string, previous: number[]): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === '') || nums.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new InvalidArgumentError('partitions are non-negative integers, e.g. -P 0 or -P 0,2');
  }
  return [...previous, ...nums];
}

function maxOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--max must be a non-negative integer');
  return n;
}

/** --offset: a number, -N (N before the end), earliest/beginning or latest/end. */
export function parseOffsetSpec(value: string): StartSpec {
  const v = value.trim().toLowerCase();
  if (v === 'earliest' || v === 'beginning' || v === 'start') return { kind: 'earliest' };
  if (v === 'latest' || v === 'end') return { kind: 'latest' };
  if (/^\d+$/.test(v)) return { kind: 'offset', offset: Number(v) };
  if (/^-\d+$/.test(v)) return { kind: 'fromEnd', count: Number(v.slice(1)) };
  throw new UsageError(`invalid --offset "${value}"`, {
    hint: 'use an offset (1200), -N for the last N records of each partition, earliest or latest',
  });
}

/** The start position the flags ask for (at most one of --from-beginning, --offset, --from-time). */
export function startSpec(flags: Pick<ConsumeFlags, 'fromBeginning' | 'offset' | 'fromTime'>, now = Date.now()): StartSpec {
  const given = [
    flags.fromBeginning && '--from-beginning',
    flags.offset !== undefined && '--offset',
    flags.fromTime !== undefined && '--from-time',
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} both say where to start`, { hint: 'use one of them' });
  if (flags.fromBeginning) return { kind: 'earliest' };
  if (flags.offset !== undefined) return parseOffsetSpec(flags.offset);
  if (flags.fromTime !== undefined) return { kind: 'time', ms: parseTimePoint(flags.fromTime, now) };
  return { kind: 'default' };
}

/** The registry is only contacted for a record in the Avro wire format, so a JSON topic needs none. */
function lazyRegistry(make: () => RegistryClient): SchemaLookup {
  let client: RegistryClient | undefined;
  return { schemaById: (id) => (client ??= make()).schemaById(id) };
}

function summary(r: ConsumeResult): string {
  const why = { end: 'end of topic', max: '--max reached', interrupted: 'interrupted' }[r.reason];
  const errors = r.errors > 0 ? `, ${r.errors} not decodable` : '';
  return `${r.records} record${r.records === 1 ? '' : 's'} from ${r.topic}${errors} (${why})`;
}

export function consumeCommand(io: Io): Command {
  return new Command('consume')
    .description('read records from a topic as JSON Lines, decoding Avro (Confluent wire format) through the registry')
    .argument('<topic>', 'the topic')
    .option('--from-beginning', 'start at the beginning of each partition', false)
    .option('--offset <n|-n|earliest|latest>', 'start at this offset (-n: the last n records of each partition)')
    .option('-P, --partition <p>', 'read only these partitions (repeatable, or 0,2)', partitionsOption, [])
    .option('--from-time <time>', 'start at the first record at or after this time: ISO-8601, epoch ms, or -5m, -1h, -2d ago')
    .option('-n, --max <n>', 'stop after n records', maxOption)
    .option('-f, --follow', 'keep reading new records until Ctrl-C (default: stop at the end)', false)
    .option('-g, --group <id>', 'read as this consumer group and commit its offsets (default: no group, nothing committed)')
    .addOption(
      new Option('--isolation <level>', 'transactional records: only committed ones, or also open and aborted ones')
        .choices(['read_committed', 'read_uncommitted'])
        .default('read_committed'),
    )
    .addOption(new Option('--format <format>', 'how to decode values').choices(VALUE_FORMATS).default('auto'))
    .option('--timeout <duration>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl consume transactions --max 5                 the first 5 records, Avro decoded
  $ streamctl consume transactions --offset -10            the last 10 records of each partition
  $ streamctl consume transactions -P 2 --offset 1200      partition 2 from offset 1200 to its end
  $ streamctl consume transactions --from-time -5m         what arrived in the last 5 minutes
  $ streamctl consume transactions -f                      new records as they arrive, until Ctrl-C
  $ streamctl consume orders -g audit --max 100            as group "audit", committing offsets
  $ streamctl consume transactions --max 100 | jq -c '.value | {symbol, amount}'

Output is JSON Lines whatever -o says: one object per record with topic, partition,
offset, timestamp (ISO-8601), key, headers and value (plus schemaId for Avro). Decimals
are strings, bytes are strings of code points 0-255 (what \`produce --input\` reads).
A value that can't be decoded is printed as base64 with an "error" field.

Where reading starts: --from-beginning, --offset or --from-time; otherwise the group's
committed offsets (with --group), else the beginning, or with --follow the end.
Where it stops: at the end of each partition as it was when reading started (like
kcat -e), at --max, or with --follow on Ctrl-C.

--format auto (default): Avro when the value starts with the magic byte and a schema id
the registry knows, else JSON when it parses, else text, else base64. Keys are Avro the
same way, else text, else base64. --isolation read_committed (default) shows what
downstream consumers see: records of aborted or still open transactions are skipped.
Without --group a throwaway group (streamctl-consume-<random>) is used and never commits.`,
    )
    .action(async (topic: string, flags: ConsumeFlags, cmd: Command) => {
      const start = startSpec(flags);
      const session = kafkaSession(io, cmd, flags, 'streamctl-consume');
      const registry = lazyRegistry(() => registryFromEndpoints(session.endpoints));
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      // `streamctl consume … | head` closes the pipe: stop reading instead of crashing.
      const stdout = io.stdout as { once?: (e: string, l: (err: NodeJS.ErrnoException) => void) => unknown };
      stdout.once?.('error', () => abort.abort());
      try {
        const result = await withAdmin(session, `consume ${topic}`, (admin) =>
          runConsume(
            {
              topic,
              ...(flags.partition.length > 0 ? { partitions: [...new Set(flags.partition)] } : {}),
              start,
              ...(flags.max !== undefined ? { max: flags.max } : {}),
              follow: flags.follow,
              ...(flags.group !== undefined ? { group: flags.group } : {}),
              isolation: flags.isolation,
              format: flags.format,
              timeoutMs: session.timeoutMs,
              signal: abort.signal,
            },
            {
              kafka: session.kafka,
              admin,
              registry,
              onRecord: (r) => io.stdout.write(JSON.stringify(r) + '\n'),
              deadline: (step, action) => withDeadline(step, session.timeoutMs, () => kafkaTimeout(session, action)),
            },
          ),
        );
        if (io.stderr.isTTY) io.stderr.write(`${summary(result)}\n`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
