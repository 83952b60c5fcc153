import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { JsonValueError, jsonToAvro, parseJsonLine, readJsonLines } from '../../src/produce/json-input.js';
import { parseAvroSchema } from '../../src/produce/logical-types.js';

const t = (schema: unknown) => parseAvroSchema(schema);
const ok = (schema: unknown, value: unknown) => {
  const type = t(schema);
  const out = jsonToAvro(type, value);
  expect(type.isValid(out)).toBe(true);
  return out;
};
const bad = (schema: unknown, value: unknown): string => {
  try {
    jsonToAvro(t(schema), value);
  } catch (err) {
    expect(err).toBeInstanceOf(JsonValueError);
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};

const dec = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });

const Device = {
  type: 'record',
  name: 'Device',
  namespace: 'io.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'platform', type: { type: 'enum', name: 'Platform', symbols: ['IOS', 'ANDROID', 'WEB'] } },
    { name: 'os', type: ['null', 'string'], default: null },
  ],
};

const Event = {
  type: 'record',
  name: 'Event',
  namespace: 'io.acme',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'amount', type: dec(18, 2) },
    { name: 'fee', type: ['null', dec(18, 2)], default: null },
    { name: 'note', type: 'string', default: '' },
    { name: 'device', type: ['null', Device], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
  ],
};

describe('jsonToAvro: primitives', () => {
  it('takes null, booleans and strings as they are', () => {
    expect(ok('null', null)).toBeNull();
    expect(ok('boolean', false)).toBe(false);
    expect(ok('string', 'héllo')).toBe('héllo');
    expect(bad('boolean', 'true')).toBe('expected true or false, got string "true"');
    expect(bad('string', 12)).toBe('expected a string, got number 12');
    expect(bad('null', 0)).toBe('expected null, got number 0');
  });

  it('checks int and long ranges', () => {
    expect(ok('int', -2147483648)).toBe(-2147483648);
    expect(bad('int', 2147483648)).toMatch(/^expected an integer from -2147483648 to 2147483647 \(int\), got number 2147483648$/);
    expect(bad('int', 1.5)).toMatch(/got number 1.5$/);
    expect(ok('long', 9007199254740990)).toBe(9007199254740990);
    expect(bad('long', 2 ** 60)).toMatch(/long; larger values lose precision in JSON/);
  });

  it('takes numbers and the JSON-less specials for float and double', () => {
    expect(ok('double', 1.25)).toBe(1.25);
    expect(ok('float', 3)).toBe(3);
    expect(Number.isNaN(ok('double', 'NaN'))).toBe(true);
    expect(ok('double', '-Infinity')).toBe(-Infinity);
    expect(bad('double', '1.5')).toBe('expected a number (double), got string "1.5"');
  });

  it('reads bytes as Avro JSON code points or byte arrays, and checks fixed sizes', () => {
    expect(ok('bytes', '\u0000\u00ffA')).toEqual(Buffer.from([0, 255, 65]));
    expect(ok('bytes', [1, 2, 3])).toEqual(Buffer.from([1, 2, 3]));
    expect(bad('bytes', '€')).toMatch(
      /^expected bytes as a string of code points U\+0000–U\+00FF or an array of byte values, got string "€"$/,
    );
    expect(bad('bytes', [256])).toMatch(/got an array$/);
    const fixed = { type: 'fixed', name: 'Two', size: 2 };
    expect(ok(fixed, 'AB')).toEqual(Buffer.from('AB'));
    expect(bad(fixed, 'ABC')).toBe('expected exactly 2 bytes (fixed), got 3');
  });

  it('takes enum symbols and names the choices otherwise', () => {
    const e = { type: 'enum', name: 'Side', symbols: ['BUY', 'SELL'] };
    expect(ok(e, 'SELL')).toBe('SELL');
    expect(bad(e, 'buy')).toBe('expected one of BUY, SELL, got string "buy"');
  });
});

describe('jsonToAvro: complex types', () => {
  it('converts arrays and maps item by item, naming the bad item', () => {
    expect(ok({ type: 'array', items: 'int' }, [1, 2])).toEqual([1, 2]);
    expect(bad({ type: 'array', items: 'int' }, [1, 'x'])).toBe(
      'field "[1]": expected an integer from -2147483648 to 2147483647 (int), got string "x"',
    );
    expect(ok({ type: 'map', values: 'long' }, { a: 1 })).toEqual({ a: 1 });
    expect(bad({ type: 'map', values: 'long' }, { 'a.b': 'x' })).toMatch(/^field "\["a\.b"\]": expected an integer/);
    expect(bad({ type: 'map', values: 'long' }, [])).toBe('expected an object (map), got an array');
  });

  it('fills defaults, nulls missing nullable fields, and reports missing and unknown fields', () => {
    const out = ok(Event, { id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 1 }) as Record<string, unknown>;
    expect(out).toEqual({ id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: '1.00', fee: null, note: '', device: null, tags: [] });
    const noDefault = { type: 'record', name: 'R', fields: [{ name: 'maybe', type: ['null', 'int'] }] };
    expect(ok(noDefault, {})).toEqual({ maybe: null });
    expect(bad(Event, { id: '123e4567-e89b-12d3-a456-426614174000', at: 0 })).toBe(
      'field "amount": missing required field (decimal(18,2))',
    );
    expect(bad(Event, { id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 1, amout: 2 })).toBe(
      'field "amout": unknown field (did you mean "amount"?)',
    );
    expect(bad(Device, { id: 'd', platform: 'WEB', colour: 'red' })).toBe(
      'field "colour": unknown field (record Device has id, platform, os)',
    );
    expect(bad(Device, 'x')).toBe('expected an object (record Device), got string "x"');
  });
});

describe('jsonToAvro: unions', () => {
  it('resolves optional fields from the plain value, nested records included', () => {
    const full = {
      id: '123e4567-e89b-12d3-a456-426614174000',
      at: '2026-11-25T20:46:00.123Z',
      amount: '12.5',
      fee: 0.99,
      device: { id: 'dev-1', platform: 'IOS' },
      tags: ['a'],
    };
    expect(ok(Event, full)).toEqual({
      id: '123e4567-e89b-12d3-a456-426614174000',
      at: Date.UTC(2026, 10, 25, 20, 46, 0, 123),
      amount: '12.50',
      fee: '0.99',
      note: '',
      device: { id: 'dev-1', platform: 'IOS', os: null },
      tags: ['a'],
    });
  });

  it('reports the error inside the one branch a value could be, with its path', () => {
    const event = { id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 1 };
    expect(bad(Event, { ...event, device: { id: 'dev-1', platform: 'PHONE' } })).toBe(
      'field "device.platform": expected one of IOS, ANDROID, WEB, got string "PHONE"',
    );
    expect(bad(Event, { ...event, device: 'dev-1' })).toBe('field "device": expected null or record Device, got string "dev-1"');
  });

  it('accepts the Avro JSON wrapped form when the plain reading fails', () => {
    const event = { id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 1 };
    expect(ok(Event, { ...event, fee: { bytes: '1.5' } })).toMatchObject({ fee: '1.50' });
    expect(ok(Event, { ...event, device: { 'io.acme.Device': { id: 'd', platform: 'WEB' } } })).toMatchObject({ device: { id: 'd' } });
    expect(ok(Event, { ...event, device: { Device: { id: 'd', platform: 'WEB' } } })).toMatchObject({ device: { platform: 'WEB' } });
    expect(ok(['null', 'string'], { string: 'x' })).toBe('x');
  });

  it('prefers the branch that fits the JSON value best', () => {
    const u = ['null', 'string', 'double', 'boolean', { type: 'array', items: 'int' }, { type: 'map', values: 'int' }];
    expect(ok(u, 'x')).toBe('x');
    expect(ok(u, 2.5)).toBe(2.5);
    expect(ok(u, true)).toBe(true);
    expect(ok(u, [1])).toEqual([1]);
    expect(ok(u, { a: 1 })).toEqual({ a: 1 });
    expect(bad(['null', 'string'], 3)).toBe('expected null or string, got number 3');
    expect(ok(['null', { type: 'long', logicalType: 'timestamp-millis' }], '1970-01-01T00:00:01Z')).toBe(1000);
    const enumOrString = ['null', { type: 'enum', name: 'E', symbols: ['A'] }, 'string'];
    expect(ok(enumOrString, 'A')).toEqual({ E: 'A' });
    expect(ok(enumOrString, 'B')).toEqual({ string: 'B' });
  });

  it('wraps values for unions avsc cannot tell apart', () => {
    const u = ['null', 'int', 'long', 'double'];
    expect(ok(u, 5)).toEqual({ int: 5 });
    expect(ok(u, 2 ** 40)).toEqual({ long: 2 ** 40 });
    expect(ok(u, 0.5)).toEqual({ double: 0.5 });
    expect(ok(u, { long: 5 })).toEqual({ long: 5 });
    expect(ok(u, null)).toBeNull();
  });
});

describe('jsonToAvro: logical types', () => {
  it('takes decimals from numbers and strings without rounding', () => {
    expect(ok(dec(18, 2), 12)).toBe('12.00');
    expect(ok(dec(18, 2), '-0.5')).toBe('-0.50');
    expect(ok(dec(18, 2), '1.500')).toBe('1.50');
    expect(ok(dec(6, 0), '1.2e3')).toBe('1200');
    expect(ok(dec(38, 10), '12345678901234567890.0123456789')).toBe('12345678901234567890.0123456789');
    expect(bad(dec(18, 2), '12.345')).toBe('expected a decimal with at most 2 fractional digits (scale 2), got string "12.345"');
    expect(bad(dec(4, 2), 100)).toBe('expected a decimal with at most 4 digits in all (precision 4, scale 2), got number 100');
    expect(bad(dec(18, 2), 'abc')).toBe('expected a decimal(18,2) as a number or numeric string, got string "abc"');
    const fixedDec = { type: 'fixed', name: 'D', size: 4, logicalType: 'decimal', precision: 9, scale: 3 };
    expect(ok(fixedDec, -1.5)).toBe('-1.500');
  });

  it('validates uuids', () => {
    const uuid = { type: 'string', logicalType: 'uuid' };
    expect(ok(uuid, '123E4567-E89B-12D3-A456-426614174000')).toBe('123E4567-E89B-12D3-A456-426614174000');
    expect(bad(uuid, '123e4567')).toBe('expected a UUID like "123e4567-e89b-12d3-a456-426614174000", got string "123e4567"');
    expect(ok({ type: 'fixed', name: 'U', size: 16, logicalType: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000')).toBe(
      '123e4567-e89b-12d3-a456-426614174000',
    );
  });

  it('reads timestamps from ISO-8601 strings and epoch numbers', () => {
    const ms = { type: 'long', logicalType: 'timestamp-millis' };
    const us = { type: 'long', logicalType: 'timestamp-micros' };
    const base = Date.UTC(2026, 10, 25, 20, 46, 0);
    expect(ok(ms, '2026-11-25T20:46:00Z')).toBe(base);
    expect(ok(ms, '2026-11-25T21:46:00.5+01:00')).toBe(base + 500);
    expect(ok(ms, '2026-11-25 20:46:00')).toBe(base); // no offset: UTC
    expect(ok(ms, '2026-11-25')).toBe(Date.UTC(2026, 10, 25));
    expect(ok(ms, 1764103560000)).toBe(1764103560000);
    expect(ok(us, '2026-11-25T20:46:00.123456Z')).toBe(base * 1000 + 123456);
    expect(bad(ms, '2026-11-25T20:46:00.1234Z')).toMatch(
      /^expected an ISO-8601 timestamp like "2026-11-25T20:46:00.123Z" or milliseconds since the epoch/,
    );
    expect(bad(ms, '2026-02-30T00:00:00Z')).toMatch(/got string "2026-02-30T00:00:00Z"$/);
    expect(bad(ms, 1.5)).toMatch(/got number 1.5$/);
    const local = { type: 'long', logicalType: 'local-timestamp-micros' };
    expect(ok(local, '2026-11-25T20:46:00.000001')).toBe(base * 1000 + 1);
    expect(bad(local, '2026-11-25T20:46:00Z')).toMatch(/without a time zone \(local-timestamp\)/);
  });

  it('reads dates and times of day', () => {
    const date = { type: 'int', logicalType: 'date' };
    expect(ok(date, '1970-01-02')).toBe(1);
    expect(ok(date, '1969-12-31')).toBe(-1);
    expect(ok(date, 20417)).toBe(20417);
    expect(bad(date, '2026-11-25T00:00:00Z')).toBe(
      'expected an ISO date like "2026-11-25" or days since 1970-01-01, got string "2026-11-25T00:00:00Z"',
    );
    const tm = { type: 'int', logicalType: 'time-millis' };
    expect(ok(tm, '20:46:00.123')).toBe(74760123);
    expect(ok(tm, '00:01')).toBe(60000);
    expect(bad(tm, '24:00')).toMatch(/^expected a time of day/);
    expect(bad(tm, 86400000)).toMatch(/got number 86400000$/);
    expect(ok({ type: 'long', logicalType: 'time-micros' }, '00:00:01.000002')).toBe(1000002);
  });
});

describe('parseJsonLine', () => {
  it('names the line and the field path', () => {
    const type = t(Event);
    const line = JSON.stringify({ id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 12.345 });
    expect(() => parseJsonLine(type, line, 12)).toThrow(
      new UsageError(
        'invalid event on line 12, field "amount": expected a decimal with at most 2 fractional digits (scale 2), got number 12.345',
      ),
    );
    expect(() => parseJsonLine(type, '{"id": ', 3)).toThrow(/^invalid event on line 3: not valid JSON \(/);
    expect(() => parseJsonLine(type, '[]', 4)).toThrow('invalid event on line 4: expected an object (record Event), got an array');
    const deep = JSON.stringify({ id: '123e4567-e89b-12d3-a456-426614174000', at: 0, amount: 1, tags: ['a', 2] });
    expect(() => parseJsonLine(type, deep, 5)).toThrow('invalid event on line 5, field "tags[1]": expected a string, got number 2');
    const err = (() => {
      try {
        parseJsonLine(type, '1', 1);
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(err?.exitCode).toBe(2);
  });
});

describe('readJsonLines', () => {
  const type = t({ type: 'record', name: 'P', fields: [{ name: 'n', type: 'int' }] });
  const collect = async (it: AsyncIterable<unknown>) => {
    const out: unknown[] = [];
    for await (const v of it) out.push(v);
    return out;
  };

  it('yields one value per line, skipping blank lines, tolerating CRLF and a BOM', async () => {
    const input = Readable.from([Buffer.from('\uFEFF{"n": 1}\r\n\r\n{"n"'), Buffer.from(': 2}\n   \n{"n": 3}')]);
    expect(await collect(readJsonLines(input, type))).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('reads async iterables of strings too, and stops at the first bad line with its number', async () => {
    async function* chunks() {
      yield '{"n": 1}\n';
      yield '\n{"n": "two"}\n{"n": 3}\n';
    }
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const v of readJsonLines(chunks(), type)) seen.push(v);
      })(),
    ).rejects.toThrow('invalid event on line 3, field "n": expected an integer from -2147483648 to 2147483647 (int), got string "two"');
    expect(seen).toEqual([{ n: 1 }]);
  });
});
