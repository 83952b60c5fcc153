import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { parseOffsetSpec, startSpec } from '../../src/commands/consume/index.js';
import { ConnectionError, UsageError } from '../../src/errors.js';
import { planStartOffsets, toConsumedRecord, type PartitionOffsets } from '../../src/kafka/consume.js';
import { AvroDecoder, asText, decodeKey, decodeValue } from '../../src/kafka/decode.js';
import { parseAvroSchema } from '../../src/produce/logical-types.js';

const parts: PartitionOffsets[] = [
  { partition: 0, low: 0, high: 100 },
  { partition: 1, low: 50, high: 60 },
  { partition: 2, low: 0, high: 0 },
];
const plan = (spec: Parameters<typeof planStartOffsets>[0], ctx: Parameters<typeof planStartOffsets>[2] = { follow: false }) =>
  Object.fromEntries(planStartOffsets(spec, parts, ctx));

describe('planStartOffsets', () => {
  it.each([
    ['default: the beginning', { kind: 'default' } as const, { follow: false }, { 0: 0, 1: 50, 2: 0 }],
    ['default with follow: the end', { kind: 'default' } as const, { follow: true }, { 0: 100, 1: 60, 2: 0 }],
    ['earliest', { kind: 'earliest' } as const, { follow: true }, { 0: 0, 1: 50, 2: 0 }],
    ['latest', { kind: 'latest' } as const, { follow: false }, { 0: 100, 1: 60, 2: 0 }],
    ['an offset, clamped to each log', { kind: 'offset', offset: 55 } as const, { follow: false }, { 0: 55, 1: 55, 2: 0 }],
    ['an offset past the end', { kind: 'offset', offset: 1000 } as const, { follow: false }, { 0: 100, 1: 60, 2: 0 }],
    ['the last 20 of each partition', { kind: 'fromEnd', count: 20 } as const, { follow: false }, { 0: 80, 1: 50, 2: 0 }],
  ])('%s', (_name, spec, ctx, expected) => expect(plan(spec, ctx)).toEqual(expected));

  it('takes the committed offsets of a group, else the default', () => {
    const committed = new Map([
      [0, 42],
      [1, -1],
    ]);
    expect(plan({ kind: 'default' }, { follow: false, committed })).toEqual({ 0: 42, 1: 50, 2: 0 });
    expect(plan({ kind: 'default' }, { follow: true, committed })).toEqual({ 0: 42, 1: 60, 2: 0 });
    // A committed offset that retention has since deleted starts at the log start.
    expect(plan({ kind: 'default' }, { follow: false, committed: new Map([[1, 10]]) })[1]).toBe(50);
  });

  it('starts a time with no record at or after it at the end', () => {
    const byTime = new Map([
      [0, 70],
      [1, -1],
    ]);
    expect(plan({ kind: 'time', ms: 1 }, { follow: false, byTime })).toEqual({ 0: 70, 1: 60, 2: 0 });
  });
});

describe('consume flags', () => {
  it('parses --offset', () => {
    expect(parseOffsetSpec('1200')).toEqual({ kind: 'offset', offset: 1200 });
    expect(parseOffsetSpec('-10')).toEqual({ kind: 'fromEnd', count: 10 });
    expect(parseOffsetSpec('earliest')).toEqual({ kind: 'earliest' });
    expect(parseOffsetSpec('Beginning')).toEqual({ kind: 'earliest' });
    expect(parseOffsetSpec('latest')).toEqual({ kind: 'latest' });
    expect(parseOffsetSpec('end')).toEqual({ kind: 'latest' });
    expect(() => parseOffsetSpec('soon')).toThrow(/invalid --offset "soon"/);
  });

  it('takes one start position at most', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(startSpec({ fromBeginning: false }, now)).toEqual({ kind: 'default' });
    expect(startSpec({ fromBeginning: true }, now)).toEqual({ kind: 'earliest' });
    expect(startSpec({ fromBeginning: false, fromTime: '-5m' }, now)).toEqual({ kind: 'time', ms: now - 300_000 });
    expect(() => startSpec({ fromBeginning: true, offset: '5' }, now)).toThrow(/--from-begin.*--offset both say where to start/);
    expect(() => startSpec({ fromBeginning: false, offset: '5', fromTime: '-1m' }, now)).toThrow(UsageError);
  });
});

const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Trade',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 4 } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'raw', type: 'bytes' },
  ],
});

function wire(id: number, schema: string, value: unknown): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, parseAvroSchema(schema).toBuffer(value)]);
}

function registry(schemas: Record<number, string>) {
  const calls: number[] = [];
  return {
    calls,
    schemaById: async (id: number) => {
      calls.push(id);
      const s = schemas[id];
      if (s === undefined) throw new UsageError(`unable to fetch schema id ${id}: the registry has no schema with that id`);
      return s;
    },
  };
}

const TRADE = {
  id: '0b7e5c9a-1f3e-4c55-9a6e-0d2b6a1c9e11',
  price: '189.3300',
  at: 1764064800000,
  note: null,
  raw: Buffer.from([0, 255, 65]),
};

describe('decoding values', () => {
  it('decodes Confluent-wire Avro with logical types, fetching each schema id once', async () => {
    const reg = registry({ 7: SCHEMA });
    const decoder = new AvroDecoder(reg);
    const buf = wire(7, SCHEMA, TRADE);
    for (const format of ['avro', 'auto'] as const) {
      const d = await decodeValue(buf, format, decoder);
      expect(d).toEqual({
        value: { id: TRADE.id, price: '189.3300', at: 1764064800000, note: null, raw: '\u0000\u00ffA' },
        schemaId: 7,
      });
    }
    expect(reg.calls).toEqual([7]);
  });

  it('auto: JSON, then text, then base64; avro with an unknown id falls through', async () => {
    const decoder = new AvroDecoder(registry({}));
    expect(await decodeValue(Buffer.from('{"a":1}'), 'auto', decoder)).toEqual({ value: { a: 1 } });
    expect(await decodeValue(Buffer.from('hello world'), 'auto', decoder)).toEqual({ value: 'hello world' });
    expect(await decodeValue(Buffer.from([0xff, 0xfe, 0x01]), 'auto', decoder)).toEqual({ value: '//4B', encoding: 'base64' });
    const unknownId = Buffer.from([0, 0, 0, 0, 99, 1, 2]);
    expect(await decodeValue(unknownId, 'auto', decoder)).toEqual({ value: unknownId.toString('base64'), encoding: 'base64' });
    expect(await decodeValue(null, 'auto', decoder)).toEqual({ value: null });
  });

  it('reports what fails to decode as an error with the bytes, never by throwing', async () => {
    const decoder = new AvroDecoder(registry({ 7: SCHEMA, 8: '{"type": "nope"}' }));
    const notWire = await decodeValue(Buffer.from('{"a":1}'), 'avro', decoder);
    expect(notWire.error).toMatch(/not in the Confluent wire format/);
    expect(Buffer.from(notWire.value as string, 'base64').toString()).toBe('{"a":1}');
    expect((await decodeValue(Buffer.from([0, 0, 0, 0, 99, 1]), 'avro', decoder)).error).toBe('schema id 99 is not in the registry');
    expect((await decodeValue(Buffer.from([0, 0, 0, 0, 8, 1]), 'avro', decoder)).error).toMatch(/schema id 8 is not a usable Avro schema/);
    const truncated = wire(7, SCHEMA, TRADE).subarray(0, 12);
    const t = await decodeValue(truncated, 'avro', decoder);
    expect(t).toMatchObject({ schemaId: 7, encoding: 'base64' });
    expect(t.error).toMatch(/not valid Avro for schema id 7/);
    expect((await decodeValue(Buffer.from('{oops'), 'json', decoder)).error).toMatch(/not valid JSON/);
    expect((await decodeValue(Buffer.from([0xff]), 'json', decoder)).error).toMatch(/not UTF-8/);
  });

  it('raw: text or base64', async () => {
    const decoder = new AvroDecoder(undefined);
    expect(await decodeValue(Buffer.from('{"a":1}'), 'raw', decoder)).toEqual({ value: '{"a":1}' });
    expect(await decodeValue(Buffer.from([1, 2, 3]), 'raw', decoder)).toEqual({ value: 'AQID', encoding: 'base64' });
  });

  it('stops on an unreachable registry rather than printing errors for every record', async () => {
    const decoder = new AvroDecoder({
      schemaById: async () => {
        throw new ConnectionError('unable to fetch schema id 7: schema registry at http://x unreachable');
      },
    });
    await expect(decodeValue(wire(7, SCHEMA, TRADE), 'auto', decoder)).rejects.toThrow(/unreachable/);
  });

  it('keys: Avro, else text, else base64', async () => {
    const decoder = new AvroDecoder(registry({ 3: '"string"' }));
    expect(await decodeKey(wire(3, '"string"', 'acc-1'), decoder)).toEqual({ value: 'acc-1', schemaId: 3 });
    expect(await decodeKey(Buffer.from('123'), decoder)).toEqual({ value: '123' });
    expect(await decodeKey(Buffer.from([0x80, 1]), decoder)).toEqual({ value: 'gAE=', encoding: 'base64' });
    expect(asText(Buffer.from('tab\tand\nnewline'))).toBe('tab\tand\nnewline');
    expect(asText(Buffer.from([0x41, 0x00]))).toBeUndefined();
  });

  it('builds a JSON line with ISO timestamps and headers as text', async () => {
    const decoder = new AvroDecoder(registry({ 7: SCHEMA }));
    const r = await toConsumedRecord(
      't',
      2,
      {
        key: Buffer.from('k1'),
        value: wire(7, SCHEMA, TRADE),
        offset: '41',
        timestamp: '1764064800000',
        headers: { trace: Buffer.from('abc'), multi: [Buffer.from('x'), 'y'], bin: Buffer.from([0xff]) },
      },
      'auto',
      decoder,
    );
    expect(r).toEqual({
      topic: 't',
      partition: 2,
      offset: 41,
      timestamp: '2025-11-25T10:00:00.000Z',
      key: 'k1',
      headers: { trace: 'abc', multi: ['x', 'y'], bin: '/w==' },
      value: { id: TRADE.id, price: '189.3300', at: 1764064800000, note: null, raw: '\u0000\u00ffA' },
      schemaId: 7,
    });
    // The JSON line round-trips.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(avro.Type.isType(parseAvroSchema(SCHEMA))).toBe(true);
  });
});
