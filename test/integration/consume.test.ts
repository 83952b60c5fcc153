import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../src/produce/logical-types.js';
import { kafkaFor, readTopic } from '../helpers/kafka.js';
import { BIN, cli, runningPlatform, unique } from '../helpers/platform.js';

const TX_SCHEMA = fileURLToPath(new URL('../../schemas/transaction_event.avsc', import.meta.url));

let bootstrap: string;
let registryUrl: string;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  registryUrl = status.registry.url;
  const kafka = kafkaFor(bootstrap);
  admin = kafka.admin();
  await admin.connect();
  // Idempotent: a retry right after a topic is created must not write a record twice.
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

interface Line {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  key: unknown;
  headers: Record<string, string | string[]>;
  value: unknown;
  schemaId?: number;
  valueEncoding?: string;
  keyEncoding?: string;
  error?: string;
}

const lines = (stdout: string): Line[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

async function createTopic(topic: string, partitions: number): Promise<void> {
  const r = await cli(['topics', 'create', topic, '-p', String(partitions)]);
  expect(r.code, r.stderr).toBe(0);
}

/** 30 Avro transaction events over 3 partitions, written by streamctl produce. */
async function avroTopic(): Promise<string> {
  const topic = unique('it-consume-avro');
  const r = await cli([
    'produce',
    '--schema',
    TX_SCHEMA,
    '--topic',
    topic,
    '--key',
    'account_id',
    '--events',
    '30',
    '--seed',
    '7',
    '-p',
    '3',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return topic;
}

let avro: Promise<string> | undefined;
const sharedAvroTopic = () => (avro ??= avroTopic());

describe('streamctl consume', () => {
  it('prints every record of an Avro topic as JSON Lines, decoded through the registry, and stops at the end', async () => {
    const topic = await sharedAvroTopic();
    const started = Date.now();
    const r = await cli(['consume', topic, '-o', 'yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const got = lines(r.stdout);
    expect(got).toHaveLength(30);

    // The same records, decoded independently: raw bytes from kafkajs, schema fetched by id.
    const raw = await readTopic(bootstrap, topic, 30);
    const types = new Map<number, ReturnType<typeof parseAvroSchema>>();
    for (const rec of raw) {
      const id = rec.value.readInt32BE(1);
      if (!types.has(id)) {
        const res = await fetch(`${registryUrl}/schemas/ids/${id}`);
        types.set(id, parseAvroSchema(((await res.json()) as { schema: string }).schema));
      }
      const value = JSON.parse(JSON.stringify(types.get(id)!.fromBuffer(rec.value.subarray(5))));
      const line = got.find((l) => l.partition === rec.partition && l.offset === Number(rec.offset));
      expect(line).toMatchObject({ topic, key: rec.key, value, schemaId: id, headers: {} });
    }
    for (const l of got) {
      expect(l.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const v = l.value as Record<string, unknown>;
      // Decimals are strings with exactly their scale.
      expect(v.amount).toMatch(/^-?\d+\.\d{2}$/);
      if (v.price !== null) expect(v.price).toMatch(/^\d+\.\d{4}$/);
      expect(l.error).toBeUndefined();
    }
    // Each partition from its first offset to its last, in order.
    for (const p of [0, 1, 2]) {
      const offsets = got.filter((l) => l.partition === p).map((l) => l.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('--max, -P with --offset, and --offset -n', async () => {
    const topic = await sharedAvroTopic();
    const max = await cli(['consume', topic, '--max', '5']);
    expect(max.code).toBe(0);
    expect(lines(max.stdout)).toHaveLength(5);

    const ends = await admin.fetchTopicOffsets(topic);
    const end1 = Number(ends.find((o) => o.partition === 1)!.high);
    const p1 = lines((await cli(['consume', topic, '-P', '1', '--offset', '2'])).stdout);
    expect(p1.map((l) => l.partition)).toEqual(Array(end1 - 2).fill(1));
    expect(p1.map((l) => l.offset)).toEqual(Array.from({ length: end1 - 2 }, (_, i) => i + 2));

    const last = lines((await cli(['consume', topic, '--offset', '-2'])).stdout);
    expect(last).toHaveLength(6);
    for (const o of ends) {
      expect(last.filter((l) => l.partition === o.partition).map((l) => l.offset)).toEqual([Number(o.high) - 2, Number(o.high) - 1]);
    }
    const latest = await cli(['consume', topic, '--offset', 'latest']);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toBe('');

    const badPartition = await cli(['consume', topic, '-P', '7']);
    expect(badPartition.code).toBe(2);
    expect(badPartition.stderr).toContain(`topic ${topic} has no partition 7`);
    const both = await cli(['consume', topic, '--from-beginning', '--offset', '3']);
    expect(both.code).toBe(2);
    const missing = await cli(['consume', unique('it-missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/topic ".*" does not exist/);
  });

  it('--from-time: ISO-8601 or a time ago', async () => {
    const topic = unique('it-consume-time');
    await createTopic(topic, 2);
    const now = Date.now();
    const at = (ms: number, i: number) => ({ key: `k${i}`, value: `v${i}`, timestamp: String(ms), partition: i % 2 });
    await producer.send({
      topic,
      messages: [
        ...[0, 1, 2, 3].map((i) => at(now - 3 * 3_600_000, i)),
        ...[4, 5, 6].map((i) => at(now - 3_600_000, i)),
        ...[7, 8].map((i) => at(now - 60_000, i)),
      ],
    });
    const values = (args: string[]) =>
      cli(['consume', topic, ...args]).then((r) => {
        expect(r.code, r.stderr).toBe(0);
        return lines(r.stdout)
          .map((l) => l.value)
          .sort();
      });
    expect(await values(['--from-time', '-2h'])).toEqual(['v4', 'v5', 'v6', 'v7', 'v8']);
    expect(await values(['--from-time', '-5m'])).toEqual(['v7', 'v8']);
    expect(await values(['--from-time', new Date(now - 3 * 3_600_000).toISOString()])).toHaveLength(9);
    expect(await values(['--from-time', new Date(now + 3_600_000).toISOString()])).toEqual([]);
    const bad = await cli(['consume', topic, '--from-time', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid time "yesterday"');
  });

  it('--format auto/json/raw/avro: JSON, text, binary, tombstones, headers, and undecodable values with an error', async () => {
    const topic = unique('it-consume-formats');
    await createTopic(topic, 1);
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 2, 4]);
    await producer.send({
      topic,
      messages: [
        { key: 'json', value: '{"a":1,"b":[true,null]}', headers: { trace: 'abc', multi: ['x', 'y'] } },
        { key: 'text', value: 'plain text' },
        { key: Buffer.from([0xff, 0x01]), value: Buffer.from([0xff, 0x00, 0x01]) },
        { key: 'tombstone', value: null },
        { key: 'avro?', value: unknownId },
      ],
    });
    const read = async (format: string) => {
      const r = await cli(['consume', topic, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      return lines(r.stdout);
    };
    const auto = await read('auto');
    expect(auto.map((l) => [l.key, l.value])).toEqual([
      ['json', { a: 1, b: [true, null] }],
      ['text', 'plain text'],
      ['/wE=', '/wAB'],
      ['tombstone', null],
      ['avro?', unknownId.toString('base64')],
    ]);
    expect(auto[0]!.headers).toEqual({ trace: 'abc', multi: ['x', 'y'] });
    expect(auto[2]).toMatchObject({ keyEncoding: 'base64', valueEncoding: 'base64' });
    expect(auto.every((l) => l.error === undefined)).toBe(true);

    const json = await read('json');
    expect(json[0]!.value).toEqual({ a: 1, b: [true, null] });
    expect(json[1]!.error).toMatch(/not valid JSON/);
    expect(Buffer.from(json[1]!.value as string, 'base64').toString()).toBe('plain text');
    expect(json[3]!.value).toBeNull();

    const raw = await read('raw');
    expect(raw.map((l) => l.value)).toEqual(['{"a":1,"b":[true,null]}', 'plain text', '/wAB', null, unknownId.toString('base64')]);

    const avroFormat = await read('avro');
    expect(avroFormat[0]!.error).toMatch(/not in the Confluent wire format/);
    expect(avroFormat[4]).toMatchObject({ schemaId: 0x7fffff00, error: `schema id ${0x7fffff00} is not in the registry` });
    expect(avroFormat[3]!.value).toBeNull();
  });

  it('--group commits offsets: a second run continues where the first stopped', async () => {
    const topic = await sharedAvroTopic();
    const group = unique('it-consume-group');
    const first = lines((await cli(['consume', topic, '-g', group, '--max', '10'])).stdout);
    expect(first).toHaveLength(10);
    const second = lines((await cli(['consume', topic, '-g', group])).stdout);
    expect(second).toHaveLength(20);
    const seen = new Set([...first, ...second].map((l) => `${l.partition}:${l.offset}`));
    expect(seen.size).toBe(30);
    const third = await cli(['consume', topic, '-g', group]);
    expect(third.code).toBe(0);
    expect(third.stdout).toBe('');
    // Without a group nothing is committed: no streamctl-consume group keeps offsets for the topic.
    const { groups } = await admin.listGroups();
    for (const g of groups.filter((x) => x.groupId.startsWith('streamctl-consume-'))) {
      const offsets = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
      expect(offsets[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
    }
  });

  it('--isolation: read_committed skips aborted transactions and still stops at the end', async () => {
    const topic = unique('it-consume-tx');
    await createTopic(topic, 1);
    const tp = kafkaFor(bootstrap).producer({ transactionalId: unique('it-tx'), idempotent: true, maxInFlightRequests: 1 });
    await tp.connect();
    try {
      for (const [values, commit] of [
        [['c1', 'c2', 'c3'], true],
        [['a1', 'a2'], false],
        [['c4'], true],
      ] as const) {
        const tx = await tp.transaction();
        await tx.send({ topic, messages: values.map((value) => ({ value })) });
        if (commit) await tx.commit();
        else await tx.abort();
      }
    } finally {
      await tp.disconnect();
    }
    const started = Date.now();
    const committed = await cli(['consume', topic]);
    expect(committed.code).toBe(0);
    expect(lines(committed.stdout).map((l) => l.value)).toEqual(['c1', 'c2', 'c3', 'c4']);
    // The log ends with a commit marker: the end is found from positions, not by waiting.
    expect(Date.now() - started).toBeLessThan(4_500);
    const all = await cli(['consume', topic, '--isolation', 'read_uncommitted']);
    expect(lines(all.stdout).map((l) => l.value)).toEqual(['c1', 'c2', 'c3', 'a1', 'a2', 'c4']);
  });

  it('--follow starts at the end and keeps reading new records; Ctrl-C ends it cleanly', async () => {
    const topic = unique('it-consume-follow');
    await createTopic(topic, 2);
    await producer.send({ topic, messages: [{ value: 'old-1' }, { value: 'old-2' }] });

    const child = spawn(process.execPath, [BIN, 'consume', topic, '--follow', '--max', '3'], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Give it time to join, then write what it should see.
    await new Promise((r) => setTimeout(r, 3_000));
    await producer.send({ topic, messages: [{ value: 'new-1' }, { value: 'new-2' }, { value: 'new-3' }] });
    expect(await exited).toBe(0);
    expect(
      lines(out)
        .map((l) => l.value)
        .sort(),
    ).toEqual(['new-1', 'new-2', 'new-3']);

    const endless = spawn(process.execPath, [BIN, 'consume', topic, '-f', '--from-beginning'], { env: { ...process.env, NO_COLOR: '1' } });
    let seen = '';
    endless.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    const done = new Promise<number | null>((resolve) => endless.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (lines(seen).length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(lines(seen)).toHaveLength(5);
    const interrupted = Date.now();
    endless.kill('SIGINT');
    expect(await done).toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(6_000);
  });
});
