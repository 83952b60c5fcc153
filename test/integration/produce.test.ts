import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { parseAvroSchema } from '../../src/produce/logical-types.js';
import { CACHE_ENTRIES } from '../../src/platform/versions.js';
import { readTopic, topicSize } from '../helpers/kafka.js';
import { BIN, cli, run, runningPlatform, unique } from '../helpers/platform.js';
import { SqlGatewayClient } from '../../src/flink/gateway.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const TX_SCHEMA = join(SCHEMAS, 'transaction_event.avsc');

let bootstrap: string;
let registryUrl: string;

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  registryUrl = status.registry.url;
});

/** Runs statements in one batch-mode SQL Gateway session and returns the last statement's rows. */
async function flinkSql(gateway: string, statements: string[]): Promise<unknown[][]> {
  const client = new SqlGatewayClient({ url: gateway });
  const session = await client.openSession({ properties: { 'execution.runtime-mode': 'batch' } });
  let rows: unknown[][] = [];
  try {
    for (const statement of statements) rows = (await client.execute(session, statement, { maxRows: 100_000 })).rows;
  } finally {
    await client.closeSession(session);
  }
  return rows;
}

/** Decodes Confluent-wire-format values independently: header by hand, schema fetched by id from the registry. */
async function decodeAll(values: Buffer[]): Promise<{ ids: Set<number>; records: Record<string, unknown>[] }> {
  const ids = new Set<number>();
  const types = new Map<number, ReturnType<typeof parseAvroSchema>>();
  const records: Record<string, unknown>[] = [];
  for (const v of values) {
    expect(v[0]).toBe(0);
    const id = v.readInt32BE(1);
    ids.add(id);
    if (!types.has(id)) {
      const res = await fetch(`${registryUrl}/schemas/ids/${id}`);
      expect(res.status).toBe(200);
      types.set(id, parseAvroSchema(((await res.json()) as { schema: string }).schema));
    }
    const type = types.get(id)!;
    const value = type.fromBuffer(v.subarray(5)) as Record<string, unknown>;
    expect(type.isValid(value)).toBe(true);
    records.push(value);
  }
  return { ids, records };
}

describe('streamctl produce', () => {
  it('works exactly as `streamctl produce --events 1000 --rate 100/sec`, with no other flags', async () => {
    const before = (await topicSize(bootstrap, 'transactions')) + (await topicSize(bootstrap, 'user-events'));
    const r = await cli(['produce', '--events', '1000', '--rate', '100/sec']);
    // Not a terminal: a plain progress line every 5 s on stderr, nothing else.
    expect(r.stderr).toMatch(/^(\s*\d+\.\ds {2}sent [\d,]+ .*\n)*$/);
    expect(r.code).toBe(0);
    // The contract: 1,000 events at 100/s take 10 s ± 3% (the run itself, not Node's start-up).
    const elapsed = Number(/in (\d+\.\d)s:/.exec(r.stdout)![1]);
    expect(elapsed).toBeGreaterThanOrEqual(9.7);
    expect(elapsed).toBeLessThanOrEqual(10.3);
    expect(r.stdout).toMatch(/^TOPIC\s+SUBJECT\s+SCHEMA ID\s+PARTITIONS\s+EVENTS/);
    expect(r.stdout).toMatch(/transactions.*transactions-value/);
    expect(r.stdout).toMatch(/user-events.*user-events-value/);
    expect(r.stdout).toMatch(/sent 1,000 events in 1\d\.\ds: target 100\/s/);
    expect(r.stdout).toMatch(/acked 1,000 .*failed 0/);
    const after = (await topicSize(bootstrap, 'transactions')) + (await topicSize(bootstrap, 'user-events'));
    expect(after - before).toBe(1000);
  });

  it('writes Confluent wire format that decodes with the registered schema, keyed by account', async () => {
    const topic = unique('it-prod-avro');
    const r = await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--events', '200', '-o', 'json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.topics).toEqual([
      expect.objectContaining({ topic, subject: `${topic}-value`, partitions: 3, created: true, events: 200 }),
    ]);
    expect(result.summary).toMatchObject({ sent: 200, acked: 200, failed: 0 });

    const records = await readTopic(bootstrap, topic, 200);
    expect(records).toHaveLength(200);
    const { ids, records: values } = await decodeAll(records.map((m) => m.value));
    expect([...ids]).toEqual([result.topics[0].schemaId]);
    const latest = (await (await fetch(`${registryUrl}/subjects/${topic}-value/versions/latest`)).json()) as { id: number };
    expect(latest.id).toBe(result.topics[0].schemaId);
    for (const [i, v] of values.entries()) {
      expect(records[i]!.key).toBe(v.account_id);
      expect(['BUY', 'SELL', 'DEPOSIT', 'WITHDRAWAL', 'DIVIDEND']).toContain(v.type);
      expect(typeof v.amount).toBe('string');
      expect(Math.abs(Number(v.event_time) - Date.now())).toBeLessThan(15 * 60_000);
    }
  });

  // Both client libraries behind the producer: @platformatic/kafka (the default) and kafkajs.
  it.each(['platformatic', 'kafkajs'])(
    'puts keyed records on the partition the Java producer picks (murmur2), --client %s',
    async (client) => {
      const topic = unique('it-prod-key');
      const r = await cli([
        'produce',
        '--client',
        client,
        '--schema',
        TX_SCHEMA,
        '--topic',
        topic,
        '--partitions',
        '7',
        '--key',
        'user_id',
        '--events',
        '10000',
        '-o',
        'json',
      ]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ client, summary: { sent: 10_000, acked: 10_000, failed: 0 } });
      const records = await readTopic(bootstrap, topic, 10_000, { timeoutMs: 60_000 });
      expect(records).toHaveLength(10_000);
      const { records: values } = await decodeAll(records.map((m) => m.value));
      expect(values.map((v) => v.user_id)).toEqual(records.map((m) => m.key));
      const keys = records.map((m) => m.key!);
      const clients = join(resolveConfig().dev.cacheDir, CACHE_ENTRIES.kafka, 'libs', '*');
      const java = fileURLToPath(new URL('../fixtures/java/KafkaPartition.java', import.meta.url));
      const expected = execFileSync('java', ['-cp', clients, java, '7', ...keys], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map(Number);
      expect(records.map((m) => m.partition)).toEqual(expected);
      expect(new Set(expected).size).toBeGreaterThan(1);
    },
  );

  it('--seed repeats a run byte for byte', async () => {
    const topics = [unique('it-seed-a'), unique('it-seed-b')];
    for (const topic of topics) {
      // More than one batch: a reordering between batches would break the repeat.
      const r = await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--partitions', '1', '--seed', '42', '--events', '5000']);
      expect(r.code).toBe(0);
    }
    const [a, b] = await Promise.all(topics.map((t) => readTopic(bootstrap, t, 5000)));
    expect(a!.map((m) => m.value.subarray(5).toString('hex'))).toEqual(b!.map((m) => m.value.subarray(5).toString('hex')));
    expect(a!.map((m) => m.key)).toEqual(b!.map((m) => m.key));
    const other = unique('it-seed-c');
    await cli(['produce', '--schema', TX_SCHEMA, '--topic', other, '--partitions', '1', '--seed', '43', '--events', '50']);
    const c = await readTopic(bootstrap, other, 50);
    expect(c.map((m) => m.value.subarray(5).toString('hex'))).not.toEqual(a!.map((m) => m.value.subarray(5).toString('hex')));
  });

  it('reads natural JSON events from a file and from stdin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamctl-input-'));
    const event = (i: number) => ({
      transaction_id: `6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4${i}`,
      event_time: '2026-11-25T10:00:00.000Z',
      user_id: 'usr-1',
      account_id: 'acc-1',
      type: 'BUY',
      status: 'SETTLED',
      symbol: 'AAPL',
      quantity: 2,
      price: '190.25',
      amount: 380.5,
      fee: null,
      currency: 'USD',
      settlement_date: '2026-11-27',
    });
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify(event(i))).join('\n') + '\n');
    const topic = unique('it-prod-input');
    const r = await cli(['produce', '--input', file, '--schema', TX_SCHEMA, '--topic', topic]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { records } = await decodeAll((await readTopic(bootstrap, topic, 3)).map((m) => m.value));
    expect(records.map((v) => v.transaction_id).sort()).toEqual([0, 1, 2].map((i) => event(i).transaction_id));
    expect(records[0]).toMatchObject({
      symbol: 'AAPL',
      quantity: '2.000000',
      price: '190.2500',
      amount: '380.50',
      event_time: Date.parse('2026-11-25T10:00:00Z'),
    });

    const stdinTopic = unique('it-prod-stdin');
    const viaStdin = spawnSync(process.execPath, [BIN, 'produce', '--input', '-', '--schema', TX_SCHEMA, '--topic', stdinTopic], {
      input: JSON.stringify(event(5)) + '\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(viaStdin.status).toBe(0);
    expect(await topicSize(bootstrap, stdinTopic)).toBe(1);
  });

  it('names the line and field of an invalid input event, and says what was delivered before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamctl-input-'));
    const good = {
      transaction_id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a40',
      event_time: 1764064800000,
      user_id: 'u',
      account_id: 'a',
      type: 'DEPOSIT',
      status: 'SETTLED',
      symbol: null,
      quantity: null,
      price: null,
      amount: '10.00',
      fee: null,
      currency: 'USD',
      settlement_date: null,
    };
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, type: 'GIFT' })}\n`);
    const r = await cli(['produce', '--input', file, '--schema', TX_SCHEMA, '--topic', unique('it-prod-bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: invalid event on line 2, field "type": .*GIFT.*\(the 1 events before it were delivered, none after it\)$/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--format json writes plain JSON values', async () => {
    const topic = unique('it-prod-json');
    expect((await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--format', 'json', '--events', '20'])).code).toBe(0);
    const records = await readTopic(bootstrap, topic, 20);
    const first = JSON.parse(records[0]!.value.toString());
    expect(first).toHaveProperty('transaction_id');
    expect(first).toHaveProperty('account_id', records[0]!.key);
  });

  it('--transactional-id commits in transactions that read_committed consumers see', async () => {
    const topic = unique('it-prod-tx');
    const r = await cli([
      'produce',
      '--schema',
      TX_SCHEMA,
      '--topic',
      topic,
      '--events',
      '250',
      '--transactional-id',
      unique('loader'),
      '--transaction-size',
      '100',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.transactional.transactions).toBe(3);
    expect(result.summary.acked).toBe(250);
    expect(await readTopic(bootstrap, topic, 250)).toHaveLength(250);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('--compression %s is readable by librdkafka (kcat)', async (codec) => {
    const topic = unique(`it-prod-${codec}`);
    expect((await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--events', '300', '--compression', codec])).code).toBe(0);
    const out = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%o\\n']);
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split('\n')).toHaveLength(300);
  });

  // The issue asks for `kcat -s value=avro -r <registry>`; Debian builds kcat without libserdes
  // (not packaged), so there it can only say so, and Flink's Java Avro decodes independently
  // instead (the avro-confluent test below). Where kcat has Avro support, it decodes here.
  it('is decoded by kcat -s value=avro through the registry, where kcat is built with Avro support', async () => {
    const topic = unique('it-prod-kcat-avro');
    expect((await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--key', 'account_id', '--events', '200'])).code).toBe(0);
    const out = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-s', 'value=avro', '-r', registryUrl, '-e', '-q', '-f', '%s\\n']);
    if (/lacks Avro\/Schema-Registry support/.test(out.stderr)) {
      expect(out.code).not.toBe(0);
      return;
    }
    expect(out.code).toBe(0);
    const decoded = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { transaction_id: string });
    const records = await readTopic(bootstrap, topic, 200);
    const { records: ours } = await decodeAll(records.map((m) => m.value));
    expect(new Set(decoded.map((d) => d.transaction_id))).toEqual(new Set(ours.map((v) => v.transaction_id)));
  });

  it('--duration ends the run, whichever of events/duration comes first', async () => {
    const topic = unique('it-prod-dur');
    const r = await cli([
      'produce',
      '--schema',
      TX_SCHEMA,
      '--topic',
      topic,
      '--duration',
      '2s',
      '--rate',
      '50/s',
      '--events',
      '100000',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.endReason).toBe('duration');
    expect(result.summary.sent).toBe(100);
  });

  it('is decoded by Flink (Java Avro, avro-confluent format) with the same values', async () => {
    const topic = unique('it-prod-flink');
    const r = await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--events', '500', '--seed', '9', '-o', 'json']);
    expect(r.code).toBe(0);
    const { records } = await decodeAll((await readTopic(bootstrap, topic, 500)).map((m) => m.value));
    const expectedAmount = records.reduce((sum, v) => sum + Math.round(Number(v.amount) * 100), 0) / 100;
    const status = await runningPlatform();
    const schema = (await import('node:fs')).readFileSync(TX_SCHEMA, 'utf8').replace(/'/g, "''");
    const rows = await flinkSql(status.sqlGateway.url, [
      `CREATE TEMPORARY TABLE tx (
        transaction_id STRING NOT NULL, event_time TIMESTAMP(3) NOT NULL, user_id STRING NOT NULL, account_id STRING NOT NULL,
        type STRING NOT NULL, status STRING NOT NULL, symbol STRING, quantity DECIMAL(18,6), price DECIMAL(18,4),
        amount DECIMAL(18,2) NOT NULL, fee DECIMAL(18,2), currency STRING NOT NULL, settlement_date DATE
      ) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrap}',
        'properties.group.id' = '${topic}', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
        'format' = 'avro-confluent', 'avro-confluent.url' = '${registryUrl}', 'avro-confluent.schema' = '${schema}')`,
      'SELECT COUNT(*), SUM(amount), COUNT(DISTINCT transaction_id) FROM tx',
    ]);
    expect(rows.at(-1)).toEqual([500, expectedAmount, 500]);
  });

  it('refuses a schema the registry rejects as incompatible, before sending anything (exit 2)', async () => {
    const topic = unique('it-prod-incompat');
    expect((await cli(['produce', '--schema', TX_SCHEMA, '--topic', topic, '--events', '1'])).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'streamctl-incompat-'));
    const breaking = JSON.parse((await import('node:fs')).readFileSync(TX_SCHEMA, 'utf8'));
    breaking.fields.push({ name: 'venue', type: 'string', doc: 'new required field' });
    writeFileSync(join(dir, 'tx.avsc'), JSON.stringify(breaking));
    const r = await cli(['produce', '--schema', join(dir, 'tx.avsc'), '--topic', topic, '--events', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unable to register a schema under subject .*incompatible/m);
    expect(await topicSize(bootstrap, topic)).toBe(1);
  });

  it('a broker that accepts connections but never answers: exit 2 within the timeout', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const r = await cli(['produce', '--events', '5', '--format', 'json', '--timeout', '3s'], {
        env: { STREAMCTL_BROKERS: `127.0.0.1:${port}` },
      });
      expect(r.code).toBe(2);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.stderr).toMatch(/did not answer within 3s/);
    } finally {
      silent.close();
    }
  });

  it('fails fast and clearly: unreachable broker, bad rate, unknown key field', async () => {
    const t0 = Date.now();
    const down = await cli(['produce', '--events', '10'], { env: { STREAMCTL_BROKERS: '127.0.0.1:1' } });
    expect(down.code).toBe(2);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(down.stderr).toMatch(/^error: unable to .*127\.0\.0\.1:1/m);
    expect(down.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);

    const rate = await cli(['produce', '--events', '10', '--rate', '10/hour']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/^error: invalid rate "10\/hour"\nhint: /);

    const key = await cli(['produce', '--events', '10', '--schema', TX_SCHEMA, '--topic', unique('it-prod-k'), '--key', 'nope']);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/has no such field/);
  });
});
