import { createReadStream } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolveEndpoints } from '../../config/endpoints.js';
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { kafkaFromEndpoints } from '../../kafka/client.js';
import { COMPRESSIONS, type Compression } from '../../kafka/codecs.js';
import { PRODUCER_CLIENTS, chooseProducerClient, kafkajsProducer, type ProducerClient } from '../../kafka/producer.js';
import { platformaticProducer } from '../../kafka/producer-platformatic.js';
import { colorEnabled, makeStyle } from '../../output/style.js';
import { registryFromEndpoints } from '../../registry/client.js';
import { assertWritable, globals, loadConfig, parseIntOption, printResult } from '../shared.js';
import { liveLine, summaryView } from './view.js';

const RATE_HELP = `Rates and shapes:
  --rate 100/sec | 100/s | 5k/s | 1.5k/s | 6000/min | 2M/min | max   (a bare number is per second)
  --shape constant:<rate>                    the same rate throughout (what --rate gives)
  --shape ramp:<from>..<to>[:<duration>]     linear ramp over the run (or its own duration), e.g. ramp:100..10k/s
  --shape step:<r1>,<r2>,…:<each>            each rate for <each> in turn, e.g. step:1k/s,5k/s,10k/s:10s
  --shape burst:<base>,<peak>:<every>/<for>  a peak for <for> every <every>, e.g. burst:100/s,5k/s:10s/2s
  --shape sine:<min>..<max>:<period>         a wave between two rates
  Durations: 500ms, 30s, 5m, 1h, 1m30s. The run ends at --events or --duration, whichever comes
  first, at the end of --input, or on Ctrl-C (in-flight events are awaited and counted).`;

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

interface ProduceFlags {
  events?: number;
  rate?: string;
  duration?: string;
  shape?: string;
  topic?: string;
  schema?: string;
  key?: string;
  seed?: number;
  input?: string;
  format: 'avro' | 'json';
  subjectStrategy: 'topic' | 'record';
  partitions: number;
  replicationFactor: number;
  acks: 'all' | '1' | '0';
  compression: Compression;
  client?: ProducerClient;
  transactionalId?: string;
  transactionSize: number;
  batchSize: number;
  dryRun: boolean;
  timeout: string;
}

export function produceCommand(io: Io): Command {
  return new Command('produce')
    .description('produce schema-driven events (Avro in the Confluent wire format) at a precise rate')
    .option('-n, --events <n>', 'stop after N events', positiveInt('--events'))
    .option('-r, --rate <rate>', 'events per second or minute, or max (default: max)')
    .option('-d, --duration <duration>', 'stop after this long, e.g. 30s, 5m')
    .option('--shape <shape>', 'load shape over time (see below); replaces --rate')
    .option('-t, --topic <topic>', 'topic to write (default: transactions and user-events, or from --schema)')
    .option(
      '-s, --schema <file|subject>',
      'an .avsc file, or a registered subject (default: schemas/transaction_event.avsc + schemas/user_event.avsc)',
    )
    .option('-k, --key <field>', 'record key from this field (dotted path); keyed records land where a Java producer puts them (murmur2)')
    .option('--seed <n>', 'make the run reproducible byte for byte', parseIntOption('--seed'))
    .option('-i, --input <file|->', 'send events from a JSON Lines file (or - for stdin) instead of generating them')
    .addOption(new Option('--format <format>', 'value encoding').choices(['avro', 'json']).default('avro'))
    .addOption(
      new Option('--subject-strategy <strategy>', 'subject naming: topic (<topic>-value) or record (<namespace.Name>)')
        .choices(['topic', 'record'])
        .default('topic'),
    )
    .option('-p, --partitions <n>', 'partitions of a topic that has to be created', positiveInt('--partitions'), 3)
    .option(
      '--replication-factor <n>',
      'replication factor of a created topic (-1: broker default)',
      parseIntOption('--replication-factor'),
      -1,
    )
    .addOption(new Option('--acks <acks>', 'acknowledgements to wait for').choices(['all', '1', '0']).default('all'))
    .addOption(new Option('-z, --compression <codec>', 'batch compression').choices(COMPRESSIONS).default('none'))
    .addOption(
      new Option(
        '--client <library>',
        'Kafka client library that produces (default: platformatic; kafkajs for zstd on Node < 22.15)',
      ).choices(PRODUCER_CLIENTS),
    )
    .option('--transactional-id <id>', 'produce in transactions (exactly-once; readers use read_committed)')
    .option('--transaction-size <n>', 'events per transaction', positiveInt('--transaction-size'), 1000)
    .option('--batch-size <n>', 'most events per produce request', positiveInt('--batch-size'), 500)
    .option('--dry-run', 'print the events as JSON lines (default 10) without connecting anywhere', false)
    .option('--timeout <duration>', 'how long to wait for Kafka and the registry to answer', '10s')
    .addHelpText(
      'after',
      `
Examples:
  $ streamctl produce --events 1000 --rate 100/sec        the platform's transaction and user events
  $ streamctl produce --duration 30s --rate 10k/s --topic transactions
  $ streamctl produce --shape ramp:100..10k/s --duration 1m
  $ streamctl produce --schema orders.avsc --key order_id --seed 42 --events 500
  $ streamctl produce --input events.jsonl --schema schemas/transaction_event.avsc
  $ streamctl produce --events 10000 --transactional-id loader-1 --transaction-size 500
  $ streamctl produce --dry-run --events 3 --seed 7          look at the data, connect nowhere

${RATE_HELP}

By default transactions (80%, keyed by account_id) go to topic "transactions" and user
events (20%, keyed by user_id) to "user-events", registered as <topic>-value. Topics are
created when missing. Delivery is idempotent with acks=all unless --acks says otherwise.
Exit codes: 0 all delivered, 1 some events not delivered, 2 usage, config or connection error.`,
    )
    .action(async (flags: ProduceFlags, cmd: Command) => {
      // Loaded lazily: the generator pulls in faker, which other commands don't need.
      const [
        { parseRate, parseDuration, parseShape, constantShape },
        { runProduce },
        { planStreams },
        { readJsonLines },
        { parseAvroSchema },
      ] = await Promise.all([
        import('../../produce/rate.js'),
        import('../../produce/run.js'),
        import('../../produce/plan.js'),
        import('../../produce/json-input.js'),
        import('../../produce/logical-types.js'),
      ]);
      if (flags.rate && flags.shape) throw new UsageError('--rate and --shape both set the rate', { hint: 'use one of them' });
      const durationMs = flags.duration !== undefined ? parseDuration(flags.duration) : undefined;
      const shape = flags.shape
        ? parseShape(flags.shape, durationMs !== undefined ? { durationMs } : {})
        : constantShape(parseRate(flags.rate ?? 'max'));
      const runDurationMs = durationMs ?? (flags.shape && flags.events === undefined ? shape.durationMs : undefined);

      const timeoutMs = parseDuration(flags.timeout);
      const config = loadConfig(io);
      if (!flags.dryRun) assertWritable(config, 'produce');
      const endpoints = resolveEndpoints(config);
      // A dry run with schema files needs no registry; a registered subject still has to be looked up.
      const needsRegistry = flags.dryRun
        ? Boolean(flags.schema && !/\.(avsc|json)$/.test(flags.schema))
        : flags.format === 'avro' || Boolean(flags.schema);
      const registry = needsRegistry ? registryFromEndpoints(endpoints, { timeoutMs }) : undefined;
      const streams = await planStreams(
        {
          cwd: io.cwd,
          subjectStrategy: flags.subjectStrategy,
          ...(flags.schema ? { schema: flags.schema } : {}),
          ...(flags.topic ? { topic: flags.topic } : {}),
          ...(flags.key ? { key: flags.key } : {}),
        },
        registry,
      );
      if (flags.dryRun) {
        const { dryRunEvents } = await import('../../produce/run.js');
        const events = dryRunEvents({ streams, shape, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) }, flags.events ?? 10);
        for (const e of events) io.stdout.write(JSON.stringify(e) + '\n');
        return;
      }
      let input: AsyncIterable<unknown> | undefined;
      if (flags.input) {
        if (streams.length !== 1) throw new UsageError('--input needs one schema', { hint: 'pass --schema (and --topic) with --input' });
        const type = parseAvroSchema(streams[0]!.schemaText);
        const stream = flags.input === '-' ? process.stdin : createReadStream(flags.input);
        if (flags.input !== '-') {
          await new Promise<void>((resolve, reject) => {
            (stream as ReturnType<typeof createReadStream>).once('open', () => resolve());
            stream.once('error', (err: Error) => reject(new UsageError(`unable to read ${flags.input}: ${err.message}`)));
          });
        }
        input = readJsonLines(stream, type);
      }

      const verbose = globals(cmd).verbose;
      const log = verbose ? { log: (l: string) => io.stderr.write(`${l}\n`) } : {};
      const client = chooseProducerClient(flags.client, flags.compression);
      // Topics are prepared with the usual few retries: a refused connection answers at once.
      const adminKafka = kafkaFromEndpoints(endpoints, { clientId: 'streamctl-produce', connectionTimeoutMs: timeoutMs, ...log });
      const producer =
        client === 'kafkajs'
          ? kafkajsProducer(
              // Long enough (~35 s) to ride out a broker restart inside kafkajs, where the idempotent
              // producer's sequence numbers survive the retry; connect-phase waits are bounded by --timeout.
              kafkaFromEndpoints(endpoints, {
                clientId: 'streamctl-produce',
                connectionTimeoutMs: timeoutMs,
                retries: 10,
                maxRetryTimeMs: 5_000,
                ...log,
              }),
            )
          : platformaticProducer(endpoints, { clientId: 'streamctl-produce', connectTimeoutMs: timeoutMs });
      const tty = io.stderr.isTTY === true;
      const style = makeStyle(colorEnabled(io.stderr, io.env));
      let lastPlain = 0;
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await runProduce(
          {
            streams,
            shape,
            format: flags.format,
            acks: flags.acks === 'all' ? -1 : (Number(flags.acks) as 0 | 1),
            compression: flags.compression,
            partitions: flags.partitions,
            replicationFactor: flags.replicationFactor,
            transactionSize: flags.transactionSize,
            maxBatch: flags.batchSize,
            connectTimeoutMs: timeoutMs,
            ...(input ? { input } : {}),
            ...(flags.events !== undefined ? { events: flags.events } : {}),
            ...(runDurationMs !== undefined ? { durationMs: runDurationMs } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.transactionalId ? { transactionalId: flags.transactionalId } : {}),
          },
          {
            kafka: adminKafka,
            producer,
            brokers: endpoints.kafka.brokers,
            ...(registry ? { registry } : {}),
            signal: abort.signal,
            // A terminal gets a live line redrawn in place; logs and pipes get a plain line every 5 s.
            onLive: tty
              ? (u) => io.stderr.write(`\r\x1b[2K${liveLine(u, style)}`)
              : (u) => {
                  if (u.stats.elapsedMs - lastPlain < 5_000) return;
                  lastPlain = u.stats.elapsedMs;
                  io.stderr.write(`${liveLine(u, style).trim()}\n`);
                },
          },
        );
        if (tty) io.stderr.write('\r\x1b[2K');
        printResult(io, cmd, { data: result, table: summaryView });
      } catch (err) {
        if (tty) io.stderr.write('\r\x1b[2K');
        // Not everything delivered: still show what happened, then fail with exit 1.
        const partial = (err as { result?: Parameters<typeof summaryView>[0] }).result;
        if (partial) printResult(io, cmd, { data: partial, table: summaryView });
        throw err;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
