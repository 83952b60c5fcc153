import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { fileURLToPath } from 'node:url';
import kafkajs, { type Kafka, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  DecimalType,
  bigintToTwosComplement,
  parseAvroSchema,
  plainDecimalUnscaled,
  safeIntToTwosComplement,
} from '../../src/produce/logical-types.js';
import { JavaCompatiblePartitioner, murmur2 } from '../../src/produce/partitioner.js';
import { createRng } from '../../src/produce/random.js';
import { constantShape } from '../../src/produce/rate.js';
import { runProduce } from '../../src/produce/run.js';
import type { RegistryClient } from '../../src/registry/client.js';
import { InThreadSource, generatedEvents, type EventSource, type StreamSpec } from '../../src/produce/source.js';
import { WorkerSource } from '../../src/produce/worker-source.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));
const TX = readFileSync(`${SCHEMAS}transaction_event.avsc`, 'utf8');
const USER = readFileSync(`${SCHEMAS}user_event.avsc`, 'utf8');
const BENCH = readFileSync(fileURLToPath(new URL('../../bench/bench_event.avsc', import.meta.url)), 'utf8');
const header = (id: number) => Uint8Array.from([0, 0, 0, 0, id]);

const TWO_STREAMS: StreamSpec[] = [
  { topic: 'transactions', schemaText: TX, keyPath: ['account_id'], weight: 4, header: header(3) },
  { topic: 'user-events', schemaText: USER, keyPath: ['user_id'], weight: 1, header: header(4) },
];

// vitest runs the TypeScript sources, so the worker gets tsx as its loader; the bundle runs dist/produce-worker.js.
const WORKER = { entry: new URL('../../src/produce/worker.ts', import.meta.url), loader: 'tsx/esm/api' };

/** Takes `total` events in releases of random sizes, as the pacer would ask for them. */
async function drain(source: EventSource, total: number, seed: number): Promise<{ stream: number; key: string | null; value: string }[]> {
  const rng = createRng(seed);
  const out: { stream: number; key: string | null; value: string }[] = [];
  while (out.length < total) {
    const { events, bytes } = await source.take(Math.min(total - out.length, rng.int(1, 700)));
    expect(bytes).toBe(events.reduce((n, e) => n + e.value.length, 0));
    for (const e of events) out.push({ stream: e.stream, key: e.key?.toString('utf8') ?? null, value: e.value.toString('hex') });
  }
  await source.close();
  return out;
}

describe('InThreadSource', () => {
  it('encodes the generated events in the Confluent wire format, keyed by their key field', async () => {
    const events = await drain(new InThreadSource({ streams: TWO_STREAMS, seed: 5, format: 'avro' }), 2000, 1);
    const types = TWO_STREAMS.map((s) => parseAvroSchema(s.schemaText));
    const reference = generatedEvents({ streams: TWO_STREAMS, seed: 5 });
    for (const e of events) {
      const value = Buffer.from(e.value, 'hex');
      expect([...value.subarray(0, 5)]).toEqual([...TWO_STREAMS[e.stream]!.header!]);
      const decoded = types[e.stream]!.fromBuffer(value.subarray(5)) as Record<string, unknown>;
      expect(e.key).toBe(e.stream === 0 ? decoded.account_id : decoded.user_id);
      // Same events as the generator makes, apart from wall-clock fields.
      const expected = reference.next();
      expect(expected.stream).toBe(e.stream);
      expect(types[e.stream]!.toBuffer(expected.value).length).toBe(value.length - 5);
    }
    const transactions = events.filter((e) => e.stream === 0).length;
    expect(transactions / events.length).toBeGreaterThan(0.75);
    expect(transactions / events.length).toBeLessThan(0.85);
  });

  it('repeats itself byte for byte with a seed and the seeded clock', async () => {
    const options = { streams: TWO_STREAMS, seed: 42, seededRate: 1000, format: 'avro' as const };
    const a = await drain(new InThreadSource(options), 3000, 1);
    const b = await drain(new InThreadSource(options), 3000, 2);
    expect(b).toEqual(a);
    const c = await drain(new InThreadSource({ ...options, seed: 43 }), 3000, 1);
    expect(c.map((e) => e.value)).not.toEqual(a.map((e) => e.value));
  });

  it('writes JSON values, and events larger than a slab', async () => {
    const big = JSON.stringify({
      type: 'record',
      name: 'Big',
      fields: [{ name: 'blob', type: { type: 'string', 'arg.properties': { length: 300_000 } } }],
    });
    const source = new InThreadSource({ streams: [{ topic: 'big', schemaText: big, weight: 1 }], seed: 1, format: 'json' });
    const { events } = await source.take(3);
    expect(events.map((e) => (JSON.parse(e.value.toString()) as { blob: string }).blob.length)).toEqual([300_000, 300_000, 300_000]);
    expect(events.every((e) => e.key === null)).toBe(true);
  });

  it('ends with the input, and reports a bad line after the events before it', async () => {
    async function* lines() {
      yield JSON.parse('{"n": 1}');
      yield JSON.parse('{"n": 2}');
      throw new UsageError('invalid event on line 3');
    }
    const schemaText = JSON.stringify({ type: 'record', name: 'N', fields: [{ name: 'n', type: 'int' }] });
    const source = new InThreadSource({
      streams: [{ topic: 'n', schemaText, weight: 1, header: header(1) }],
      seed: 1,
      format: 'avro',
      input: lines(),
    });
    const first = await source.take(1);
    expect(first.events).toHaveLength(1);
    expect(first.end).toBeUndefined();
    const rest = await source.take(10);
    expect(rest.events).toHaveLength(1);
    expect(rest.end?.error).toBeInstanceOf(UsageError);
  });

  it('names the topic of an event it cannot encode', async () => {
    const schemaText = JSON.stringify({ type: 'record', name: 'N', fields: [{ name: 'n', type: 'int' }] });
    async function* lines() {
      yield { n: 'not a number' };
    }
    const source = new InThreadSource({
      streams: [{ topic: 'numbers', schemaText, weight: 1, header: header(1) }],
      seed: 1,
      format: 'avro',
      input: lines(),
    });
    await expect(source.take(1)).rejects.toThrow(/unable to encode an event for numbers/);
  });
});

describe('WorkerSource', () => {
  it('makes the same bytes as InThreadSource from the same seed, whatever the release sizes', async () => {
    const options = { streams: TWO_STREAMS, seed: 42, seededRate: 50_000, format: 'avro' as const };
    const inThread = await drain(new InThreadSource(options), 5000, 1);
    const worker = await drain(await WorkerSource.start({ ...options, chunkEvents: 500, prefetchChunks: 3, ...WORKER }), 5000, 2);
    expect(worker).toEqual(inThread);
  }, 30_000);

  it('splits chunks at the slab size for large events, and writes JSON', async () => {
    const streams: StreamSpec[] = [{ topic: 'bench', schemaText: BENCH, keyPath: ['account_id'], weight: 1 }];
    const options = { streams, seed: 7, seededRate: 1000, format: 'json' as const };
    const inThread = await drain(new InThreadSource(options), 1500, 3);
    const worker = await drain(await WorkerSource.start({ ...options, chunkEvents: 1000, prefetchChunks: 2, ...WORKER }), 1500, 4);
    expect(worker).toEqual(inThread);
  }, 30_000);

  it('passes a generation error on as a usage error, and stops', async () => {
    // Nothing on the cycle can be left out, so the 64th nesting of the first event fails.
    const loop = JSON.stringify({ type: 'record', name: 'Loop', fields: [{ name: 'next', type: 'Loop' }] });
    const failed = await WorkerSource.start({
      streams: [{ topic: 'loop', schemaText: loop, weight: 1, header: header(1) }],
      seed: 1,
      format: 'avro',
      chunkEvents: 10,
      prefetchChunks: 2,
      ...WORKER,
    }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(UsageError);
    expect((failed as Error).message).toMatch(/contains itself/);
  }, 30_000);
});

describe('JavaCompatiblePartitioner', () => {
  const metadata = (n: number, down: number[] = []): PartitionMetadata[] =>
    Array.from({ length: n }, (_, i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: down.includes(i) ? -1 : 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
    }));

  it('puts keyed records where kafkajs DefaultPartitioner (Java murmur2) does', () => {
    const ours = JavaCompatiblePartitioner();
    const theirs = kafkajs.Partitioners.DefaultPartitioner();
    const rng = createRng(9);
    for (let i = 0; i < 5000; i++) {
      const partitionMetadata = metadata(rng.int(1, 50));
      const text = Array.from({ length: rng.int(0, 40) }, () => String.fromCharCode(rng.int(32, 0x2fff))).join('');
      for (const key of [text, Buffer.from(text)]) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
    expect(murmur2(Buffer.from('acc-100042'))).toBe(murmur2(Buffer.from('acc-100042')));
  });

  it('keeps an explicit partition and sends keyless records round robin to partitions with a leader', () => {
    const partition = JavaCompatiblePartitioner();
    expect(partition({ topic: 't', partitionMetadata: metadata(4), message: { key: 'k', value: null, partition: 2 } })).toBe(2);
    const partitionMetadata = metadata(4, [1]);
    const picks = Array.from({ length: 300 }, () => partition({ topic: 't', partitionMetadata, message: { value: null } }));
    expect(new Set(picks)).toEqual(new Set([0, 2, 3]));
    expect(picks.filter((p) => p === 0)).toHaveLength(100);
  });
});

describe('decimal encoding without BigInt', () => {
  const slow = (text: string, scale: number): bigint | undefined => {
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const frac = m[3] ?? '';
    if (frac.length > scale) return undefined;
    const v = BigInt(`${m[2]}${frac}`.padStart(1, '0')) * 10n ** BigInt(scale - frac.length);
    return m[1] ? -v : v;
  };

  it('reads plain decimal strings exactly, and leaves everything else to the BigInt path', () => {
    const rng = createRng(3);
    for (let i = 0; i < 20_000; i++) {
      const scale = rng.int(0, 8);
      const intPart = String(rng.int(0, 10 ** rng.int(0, 9)));
      const fracDigits = rng.int(0, scale + 1);
      const frac = Array.from({ length: fracDigits }, () => rng.int(0, 9)).join('');
      const text = `${rng.chance(0.3) ? '-' : ''}${intPart}${fracDigits > 0 || rng.chance(0.1) ? '.' : ''}${frac}`;
      const fast = plainDecimalUnscaled(text, scale);
      const exact = slow(text, scale);
      if (fast === undefined) expect(exact === undefined || exact >= 2n ** 53n || exact <= -(2n ** 53n) || fracDigits > scale).toBe(true);
      else expect(BigInt(fast)).toBe(exact);
    }
    for (const text of ['', '-', '.', '1e3', '+1', ' 1', '1.2.3', '0x10', '12345678901234567'])
      expect(plainDecimalUnscaled(text, 2)).toBeUndefined();
    expect(plainDecimalUnscaled('-0.00', 2)).toBe(0);
    expect(plainDecimalUnscaled('.5', 2)).toBe(50);
    expect(plainDecimalUnscaled('5.', 2)).toBe(500);
  });

  it('writes the same two’s complement bytes as the BigInt path', () => {
    const rng = createRng(4);
    const values = [0, 1, -1, 127, 128, -128, -129, 32767, 32768, -32768, -32769, 2 ** 53 - 1, -(2 ** 53 - 1)];
    for (let i = 0; i < 20_000; i++) values.push(Math.round((rng.next() - 0.5) * 2 ** rng.int(1, 54)));
    for (const n of values) {
      expect(safeIntToTwosComplement(n)).toEqual(bigintToTwosComplement(BigInt(n)));
      expect(safeIntToTwosComplement(n, 12)).toEqual(bigintToTwosComplement(BigInt(n), 12));
    }
    expect(safeIntToTwosComplement(40_000, 2)).toBeUndefined();
  });

  it('writes optional and fixed decimals byte for byte as a BigInt-only decimal type does', () => {
    class BigIntDecimal extends avro.types.LogicalType {
      private readonly scale: number;
      private readonly size: number | undefined;
      constructor(schema: avro.Schema, opts?: unknown) {
        super(schema, opts);
        this.scale = (schema as unknown as { scale: number }).scale;
        this.size = (this.underlyingType as unknown as { size?: number }).size;
      }
      protected override _toValue(value: unknown): Buffer | undefined {
        const m = /^(-?)(\d+)\.?(\d*)$/.exec(String(value));
        if (!m) return undefined;
        const v = BigInt(`${m[2]}${(m[3] ?? '').padEnd(this.scale, '0')}`);
        return bigintToTwosComplement(m[1] ? -v : v, this.size);
      }
      protected override _fromValue(value: unknown): unknown {
        return value;
      }
    }
    const schema = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 4 }] },
        { name: 'b', type: { type: 'fixed', name: 'F', size: 9, logicalType: 'decimal', precision: 20, scale: 2 } },
      ],
    } as avro.Schema;
    const ours = parseAvroSchema(schema);
    const reference = avro.Type.forSchema(schema, { logicalTypes: { decimal: BigIntDecimal } });
    const rng = createRng(5);
    for (let i = 0; i < 5000; i++) {
      const digits = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
      const value = {
        a: rng.chance(0.2) ? null : `${rng.chance(0.5) ? '-' : ''}${rng.int(0, 10 ** rng.int(0, 12))}.${digits(rng.int(0, 4))}`,
        b: `${rng.chance(0.5) ? '-' : ''}${digits(rng.int(1, 18))}.${digits(2)}`,
      };
      expect(ours.toBuffer(value).toString('hex')).toBe(reference.toBuffer(value).toString('hex'));
      expect(ours.isValid(value)).toBe(true);
    }
    // avsc's overflow protocol: minus the missing bytes, then the same bytes in a buffer with room.
    const value = { a: '123456.7890', b: '-1.00' };
    const small = Buffer.alloc(6);
    const missing = ours.encode(value, small, 0);
    expect(missing).toBeLessThan(0);
    const roomy = Buffer.alloc(small.length - missing);
    expect(ours.encode(value, roomy, 0)).toBe(roomy.length);
    expect(roomy).toEqual(ours.toBuffer(value));
    expect(ours.isValid({ a: '123456789012345.5', b: '1' })).toBe(false);
    expect(ours.isValid({ a: '12345678901234.5', b: '1' })).toBe(true);
    expect(() => ours.toBuffer({ a: '1.23456', b: '1' })).toThrow(/invalid/);
  });

  it('encodes decimals the same either way, and still refuses what does not fit', () => {
    const type = parseAvroSchema({ type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 }) as DecimalType;
    for (const text of ['0', '1.5', '-1.50', '9999.99', '-9999.99', '12.345e1', '1.500']) {
      expect(type.fromBuffer(type.toBuffer(text))).toBe(type.fromBuffer(type.toBuffer(`${text} `.trim())));
    }
    expect(type.fromBuffer(type.toBuffer('12.345e1'))).toBe('123.45');
    expect(type.fromBuffer(type.toBuffer('1.500'))).toBe('1.50');
    expect(type.isValid('10000.00')).toBe(false);
    expect(type.isValid('1.234')).toBe(false);
    const big = parseAvroSchema({ type: 'fixed', name: 'D', size: 16, logicalType: 'decimal', precision: 30, scale: 4 });
    for (const text of ['-123456789012.3456', '99999999999999999999999999.9999', '-0.0001'])
      expect(big.fromBuffer(big.toBuffer(text))).toBe(text);
  });
});

describe('runProduce with a stand-in Kafka', () => {
  /** Records every sendBatch, answering each after a random delay (so that answers can overtake each other). */
  function fakeKafka(partitions: number) {
    const sent: { key: string | null; value: string }[] = [];
    let active = 0;
    let maxActive = 0;
    const rng = createRng(11);
    const admin = {
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: (topics.length ? topics : ['t']).map((name) => ({
          name,
          partitions: Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 1 })),
        })),
      }),
    };
    const producer = {
      connect: async () => {},
      disconnect: async () => {},
      sendBatch: async (batch: { topicMessages: { topic: string; messages: { key: Buffer | null; value: Buffer }[] }[] }) => {
        maxActive = Math.max(maxActive, ++active);
        for (const t of batch.topicMessages)
          for (const m of t.messages) sent.push({ key: m.key?.toString() ?? null, value: m.value.toString('hex') });
        await new Promise((r) => setTimeout(r, rng.int(0, 3)));
        active--;
        return [];
      },
    };
    const kafka = { admin: () => admin, producer: () => producer } as unknown as Kafka;
    return { kafka, sent, maxActive: () => maxActive };
  }
  const registry = { register: async () => ({ id: 7 }) } as unknown as RegistryClient;
  const streams = [{ topic: 't', subject: 't-value', schemaText: TX, key: 'account_id' }];

  it('with acks=all keeps one send in flight, so events arrive in the order they were made', async () => {
    const { kafka, sent, maxActive } = fakeKafka(3);
    const result = await runProduce(
      { streams, shape: constantShape(Infinity), events: 5000, seed: 42, maxBatch: 300 },
      { kafka, registry },
    );
    expect(result.summary).toMatchObject({ sent: 5000, acked: 5000, failed: 0 });
    expect(result.topics[0]).toMatchObject({ schemaId: 7, events: 5000 });
    expect(maxActive()).toBe(1);
    const expected = await drain(
      new InThreadSource({
        streams: [{ topic: 't', schemaText: TX, keyPath: ['account_id'], weight: 1, header: header(7) }],
        seed: 42,
        seededRate: 1000,
        format: 'avro',
      }),
      5000,
      1,
    );
    expect(sent).toEqual(expected.map(({ key, value }) => ({ key, value })));
  }, 30_000);

  it('with acks=1 keeps several sends in flight', async () => {
    const { kafka, maxActive } = fakeKafka(1);
    await runProduce({ streams, shape: constantShape(Infinity), events: 5000, acks: 1, maxBatch: 100 }, { kafka, registry });
    expect(maxActive()).toBeGreaterThan(1);
  }, 30_000);
});
