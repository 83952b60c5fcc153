import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { createGenerator, type DataGenerator } from '../../src/produce/datagen.js';
import {
  DecimalType,
  avroLogicalTypes,
  bigintToTwosComplement,
  parseAvroSchema,
  twosComplementToBigint,
} from '../../src/produce/logical-types.js';

const NOW = Date.UTC(2026, 10, 25, 20, 46, 0);
const DAY = 86_400_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const dec = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });

type Row = Record<string, unknown>;

/** n values, each checked valid and round-tripped through the binary encoding. */
function take(gen: DataGenerator, n: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    const v = gen.next();
    const errors: string[] = [];
    const valid = gen.type.isValid(v, { errorHook: (path) => errors.push(path.join('.')) });
    if (!valid) throw new Error(`invalid value at ${errors.join(', ')}: ${JSON.stringify(v)}`);
    const buf = gen.type.toBuffer(v);
    if (!gen.type.toBuffer(gen.type.fromBuffer(buf)).equals(buf)) throw new Error(`round trip changed ${JSON.stringify(v)}`);
    out.push(v as Row);
  }
  return out;
}

const everything = {
  type: 'record',
  name: 'Everything',
  namespace: 'io.streamctl.test',
  fields: [
    { name: 'nothing', type: 'null' },
    { name: 'flag', type: 'boolean' },
    { name: 'count', type: 'int' },
    { name: 'big', type: 'long' },
    { name: 'ratio', type: 'float' },
    { name: 'score', type: 'double' },
    { name: 'blob', type: 'bytes' },
    { name: 'label', type: 'string' },
    { name: 'hash', type: { type: 'fixed', name: 'Sha256', size: 32 } },
    { name: 'side', type: { type: 'enum', name: 'Side', symbols: ['BUY', 'SELL'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: ['null', 'long'] } },
    { name: 'maybe', type: ['null', 'string'], default: null },
    { name: 'choice', type: ['null', 'int', 'long', 'string'] },
    { name: 'either', type: ['string', { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] }] },
    {
      name: 'tree',
      type: {
        type: 'record',
        name: 'Node',
        fields: [
          { name: 'value', type: 'int' },
          { name: 'children', type: { type: 'array', items: 'Node' } },
          { name: 'next', type: ['null', 'Node'], default: null },
        ],
      },
    },
    { name: 'amount', type: dec(18, 2) },
    { name: 'tiny', type: dec(4, 2) },
    { name: 'money', type: { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 16, scale: 4 } },
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'raw_id', type: { type: 'fixed', name: 'Uuid16', size: 16, logicalType: 'uuid' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'tm', type: { type: 'int', logicalType: 'time-millis' } },
    { name: 'tu', type: { type: 'long', logicalType: 'time-micros' } },
    { name: 'tsm', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'tsu', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'ltm', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
    { name: 'ltu', type: { type: 'long', logicalType: 'local-timestamp-micros' } },
    { name: 'opt_ts', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
    { name: 'opt_dec', type: ['null', dec(10, 3)], default: null },
  ],
};

function depth(node: Row | null): number {
  if (!node) return 0;
  const kids = (node.children as Row[]).map(depth);
  return 1 + Math.max(0, depth(node.next as Row | null), ...kids);
}

describe('createGenerator: every Avro type', () => {
  const rows = take(createGenerator(everything, { seed: 1, now: () => NOW }), 1500);

  it('produces valid values that survive the binary encoding', () => {
    expect(rows).toHaveLength(1500);
    const r = rows[0] as Row;
    expect(r.nothing).toBeNull();
    expect(typeof r.flag).toBe('boolean');
    expect(Buffer.isBuffer(r.blob)).toBe(true);
    expect((r.hash as Buffer).length).toBe(32);
  });

  it('uses every union branch, and mostly the value of an optional one', () => {
    const maybe = rows.map((r) => r.maybe);
    const nulls = maybe.filter((v) => v === null).length;
    expect(nulls).toBeGreaterThan(50);
    expect(nulls).toBeLessThan(300);
    const wrapped = new Set(rows.map((r) => (r.choice === null ? 'null' : Object.keys(r.choice as Row)[0])));
    expect(wrapped).toEqual(new Set(['null', 'int', 'long', 'string']));
    expect(new Set(rows.map((r) => typeof r.either))).toEqual(new Set(['string', 'object']));
  });

  it('bounds recursion: nested records stop at a fixed depth', () => {
    const depths = rows.map((r) => depth(r.tree as Row));
    expect(Math.max(...depths)).toBeLessThanOrEqual(3);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
  });

  it('keeps decimals within precision and scale, as strings', () => {
    for (const r of rows) {
      expect(r.amount).toMatch(/^\d+\.\d{2}$/);
      expect(r.tiny).toMatch(/^-?\d{1,2}\.\d{2}$/);
      expect(r.money).toMatch(/^-?\d{1,12}\.\d{4}$/);
      if (r.opt_dec !== null) expect(r.opt_dec).toMatch(/^-?\d{1,7}\.\d{3}$/);
    }
  });

  it('draws uuids, dates and times near the clock', () => {
    for (const r of rows) {
      expect(r.id).toMatch(UUID_V4);
      expect(r.raw_id).toMatch(UUID_V4);
      expect(r.tsm as number).toBeLessThanOrEqual(NOW);
      expect(r.tsm as number).toBeGreaterThanOrEqual(NOW - 5 * 60_000);
      expect(Math.floor((r.tsu as number) / 1000)).toBeGreaterThanOrEqual(NOW - 5 * 60_000);
      expect(r.ltm as number).toBeGreaterThanOrEqual(NOW - 5 * 60_000);
      expect([Math.floor(NOW / DAY), Math.floor(NOW / DAY) - 1]).toContain(r.day);
      expect(r.tm as number).toBeGreaterThanOrEqual(0);
      expect(r.tm as number).toBeLessThan(DAY);
      expect(r.tu as number).toBeLessThan(DAY * 1000);
    }
  });

  it('stops a record that contains itself with no way out', () => {
    const loop = { type: 'record', name: 'Loop', fields: [{ name: 'self', type: 'Loop' }] };
    const gen = createGenerator(loop, { seed: 1 });
    expect(() => gen.next()).toThrow(UsageError);
    expect(() => gen.next()).toThrow(/Loop: it contains itself/);
  });

  it('generates for a bare primitive or union schema too', () => {
    expect(typeof createGenerator('"string"', { seed: 1 }).next()).toBe('string');
    expect(typeof createGenerator('long', { seed: 1 }).next()).toBe('number');
    take(createGenerator(['null', 'double', { type: 'array', items: 'int' }], { seed: 1 }), 50);
  });
});

describe('createGenerator: seeds and clocks', () => {
  const schema = readFileSync(new URL('../../schemas/transaction_event.avsc', import.meta.url), 'utf8');
  const bytes = (gen: DataGenerator, n: number) => Array.from({ length: n }, () => gen.type.toBuffer(gen.next()).toString('hex'));

  it('repeats a run byte for byte with the same seed and clock', () => {
    const a = bytes(createGenerator(schema, { seed: 42, now: () => NOW }), 300);
    const b = bytes(createGenerator(schema, { seed: 42, now: () => NOW }), 300);
    expect(a).toEqual(b);
    const c = bytes(createGenerator(schema, { seed: 43, now: () => NOW }), 300);
    expect(c).not.toEqual(a);
    expect(c.filter((x, i) => x === a[i]).length).toBe(0);
  });

  it('with the same seed and another clock, only time-derived fields differ', () => {
    const a = take(createGenerator(schema, { seed: 7, now: () => NOW }), 200);
    const b = take(createGenerator(schema, { seed: 7, now: () => NOW + 3 * DAY }), 200);
    const strip = ({ event_time, settlement_date, ...rest }: Row) => ({ ...rest, t: typeof event_time, s: typeof settlement_date });
    expect(b.map(strip)).toEqual(a.map(strip));
    expect((b[0] as Row).event_time).not.toEqual((a[0] as Row).event_time);
  });

  it('reads the clock once per event and picks a random seed when none is given', () => {
    let reads = 0;
    const gen = createGenerator(schema, { now: () => (reads++, NOW) });
    gen.next();
    gen.next();
    expect(reads).toBe(2);
    expect(Number.isInteger(gen.seed)).toBe(true);
    expect(createGenerator(schema, { seed: 5 }).seed).toBe(5);
    expect(() => createGenerator(schema, { seed: Number.NaN })).toThrow(UsageError);
  });

  it('is fast enough to feed a producer: 100k transaction events well within seconds', () => {
    const gen = createGenerator(schema, { seed: 1 });
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i++) gen.next();
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('createGenerator: realistic values by field name', () => {
  const person = {
    type: 'record',
    name: 'Customer',
    namespace: 'io.acme',
    fields: [
      { name: 'customerId', type: 'string' },
      { name: 'firstName', type: 'string' },
      { name: 'last_name', type: 'string' },
      { name: 'email', type: 'string' },
      { name: 'phone', type: ['null', 'string'] },
      { name: 'country', type: 'string' },
      { name: 'city', type: 'string' },
      { name: 'ip_address', type: 'string' },
      { name: 'user_agent', type: 'string' },
      { name: 'referrer_url', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'ticker', type: 'string' },
      { name: 'age', type: 'int' },
      { name: 'created_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'birth_date', type: { type: 'int', logicalType: 'date' } },
      { name: 'last_seen', type: 'long' },
      { name: 'updated_at', type: 'string' },
      { name: 'is_verified', type: 'boolean' },
      { name: 'order_id', type: 'string' },
      { name: 'product_id', type: 'string' },
      { name: 'description', type: 'string' },
    ],
  };
  const rows = take(createGenerator(person, { seed: 3, now: () => NOW }), 500);

  it('gives people coherent names, emails and places', () => {
    for (const r of rows) {
      expect(r.customerId).toMatch(/^user-\d{6}$/);
      const ascii = (s: unknown) =>
        String(s)
          .normalize('NFD')
          .replace(/[^A-Za-z]/g, '')
          .toLowerCase();
      expect(r.email).toMatch(/^[a-z]+\.[a-z]+\d*@[a-z.]+\.[a-z]+$/);
      expect(String(r.email).startsWith(`${ascii(r.firstName)}.${ascii(r.last_name)}`)).toBe(true);
      expect(r.country).toMatch(/^[A-Z]{2}$/);
      if (r.phone !== null) expect(r.phone).toMatch(/^\+\d{1,3} \d{3} \d{3} \d{4}$/);
      expect(r.ip_address).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
      expect(r.user_agent).toMatch(/Mozilla|PortfolioApp/);
      expect(r.referrer_url).toMatch(/^https:\/\//);
      expect(r.currency).toMatch(/^[A-Z]{3}$/);
      expect(r.ticker).toMatch(/^[A-Z]{1,5}(\.[A-Z])?$/);
      expect(r.age as number).toBeGreaterThanOrEqual(18);
      expect(r.created_at as number).toBeLessThan(NOW - DAY + 1);
      expect(r.birth_date as number).toBeLessThan(Math.floor(NOW / DAY) - 17 * 365);
      expect(Math.abs((r.last_seen as number) - NOW)).toBeLessThanOrEqual(5 * 60_000);
      expect(Date.parse(String(r.updated_at))).toBeGreaterThan(NOW - 5 * 60_000 - 1);
      expect(r.order_id).toMatch(UUID_V4);
      expect(r.product_id).toMatch(/^prod-\d{6}$/);
      expect(String(r.description)).toMatch(/^[A-Z].*\.$/);
    }
    expect(rows.filter((r) => r.is_verified).length).toBeGreaterThan(350);
  });

  it('gives the same user the same name and email in every event', () => {
    const user = JSON.parse(readFileSync(new URL('../../schemas/user_event.avsc', import.meta.url), 'utf8'));
    user.fields[3].type = 'string'; // role-based user ids: 1000 users, so ids repeat often
    const emails = new Map<string, Set<string>>();
    for (const r of take(createGenerator(user, { seed: 9, now: () => NOW }), 3000)) {
      const set = emails.get(r.user_id as string) ?? new Set();
      set.add(`${r.name as string} <${r.email as string}>`);
      emails.set(r.user_id as string, set);
    }
    expect(emails.size).toBeLessThan(1000);
    for (const set of emails.values()) expect(set.size).toBe(1);
  });

  it('works from an avsc Type, with or without streamctl logical types', () => {
    const schema = { type: 'record', name: 'T', fields: [{ name: 'price', type: dec(10, 2) }] };
    const withLogical = take(createGenerator(parseAvroSchema(schema), { seed: 1 }), 100);
    expect(withLogical.every((r) => typeof r.price === 'string' && Number(r.price) > 0)).toBe(true);
    const plain = take(createGenerator(avro.Type.forSchema(schema as avro.Schema), { seed: 1 }), 100);
    // avsc drops logical types it was not given, so the Type says plain bytes.
    expect(plain.every((r) => Buffer.isBuffer(r.price))).toBe(true);
    // An invalid decimal falls back to bytes, and the generator still writes sensible unscaled values.
    const fallback = { type: 'record', name: 'T', fields: [{ name: 'price', type: { type: 'bytes', logicalType: 'decimal', scale: 2 } }] };
    const decimals = take(createGenerator(fallback, { seed: 1 }), 100).map((r) => Number(twosComplementToBigint(r.price as Buffer)) / 100);
    expect(decimals.every((d) => d > 0 && d < 1000)).toBe(true);
  });
});

describe('createGenerator: kafka-connect-datagen schemas work unchanged', () => {
  const users = {
    namespace: 'ksql',
    name: 'users',
    type: 'record',
    fields: [
      { name: 'registertime', type: { type: 'long', 'arg.properties': { range: { min: 1487715775521, max: 1519273364600 } } } },
      { name: 'userid', type: { type: 'string', 'arg.properties': { regex: 'User_[1-9]{0,1}' } } },
      { name: 'regionid', type: { type: 'string', 'arg.properties': { regex: 'Region_[1-9]?' } } },
      { name: 'gender', type: { type: 'string', 'arg.properties': { options: ['MALE', 'FEMALE', 'OTHER'] } } },
    ],
  };
  const pageviews = {
    namespace: 'ksql',
    name: 'pageviews',
    type: 'record',
    fields: [
      { name: 'viewtime', type: { type: 'long', format_as_time: 'unix_long', 'arg.properties': { iteration: { start: 1, step: 10 } } } },
      { name: 'userid', type: { type: 'string', 'arg.properties': { regex: 'User_[1-9]{0,1}' } } },
      { name: 'pageid', type: { type: 'string', 'arg.properties': { regex: 'Page_[1-9][0-9]?' } } },
    ],
  };
  const orders = {
    namespace: 'ksql',
    name: 'orders',
    type: 'record',
    fields: [
      {
        name: 'ordertime',
        type: { type: 'long', format_as_time: 'unix_long', 'arg.properties': { range: { min: 1487715775521, max: 1519273364600 } } },
      },
      { name: 'orderid', type: { type: 'int', 'arg.properties': { iteration: { start: 0 } } } },
      { name: 'itemid', type: { type: 'string', 'arg.properties': { regex: 'Item_[1-9][0-9]{0,2}' } } },
      { name: 'orderunits', type: { type: 'double', 'arg.properties': { range: { min: 0.1, max: 10.0 } } } },
      {
        name: 'address',
        type: {
          type: 'record',
          name: 'address',
          fields: [
            { name: 'city', type: { type: 'string', 'arg.properties': { regex: 'City_[1-9]{0,2}' } } },
            { name: 'state', type: { type: 'string', 'arg.properties': { regex: 'State_[1-9]{0,2}' } } },
            { name: 'zipcode', type: { type: 'long', 'arg.properties': { range: { min: 10000, max: 99999 } } } },
          ],
        },
      },
    ],
  };
  const stockTrades = {
    namespace: 'ksql',
    name: 'StockTrade',
    type: 'record',
    fields: [
      { name: 'side', type: { type: 'string', 'arg.properties': { options: ['BUY', 'SELL'] } } },
      { name: 'quantity', type: { type: 'int', 'arg.properties': { range: { min: 1, max: 5000 } } } },
      {
        name: 'symbol',
        type: { type: 'string', 'arg.properties': { options: ['ZBZX', 'ZJZZT', 'ZTEST', 'ZVV', 'ZVZZT', 'ZWZZT', 'ZXZZT'] } },
      },
      { name: 'price', type: { type: 'int', 'arg.properties': { range: { min: 5, max: 1000 } } } },
      { name: 'account', type: { type: 'string', 'arg.properties': { options: ['ABC123', 'LMN456', 'XYZ789'] } } },
      { name: 'userid', type: { type: 'string', 'arg.properties': { regex: 'User_[1-9]{0,1}' } } },
    ],
  };

  it('users: range, regex and options', () => {
    const rows = take(createGenerator(users, { seed: 1 }), 1000);
    for (const r of rows) {
      expect(r.registertime as number).toBeGreaterThanOrEqual(1487715775521);
      expect(r.registertime as number).toBeLessThan(1519273364600);
      expect(r.userid).toMatch(/^User_[1-9]?$/);
      expect(r.regionid).toMatch(/^Region_[1-9]?$/);
      expect(['MALE', 'FEMALE', 'OTHER']).toContain(r.gender);
    }
    expect(new Set(rows.map((r) => r.gender)).size).toBe(3);
    expect(new Set(rows.map((r) => r.userid)).size).toBe(10);
  });

  it('pageviews: iteration counts up across events', () => {
    const rows = take(createGenerator(pageviews, { seed: 1 }), 100);
    expect(rows.map((r) => r.viewtime)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + 10 * i));
    for (const r of rows) expect(r.pageid).toMatch(/^Page_[1-9][0-9]?$/);
  });

  it('orders: nested records, integer iteration and double ranges', () => {
    const rows = take(createGenerator(orders, { seed: 1 }), 500);
    expect(rows.map((r) => r.orderid)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const r of rows) {
      expect(r.orderunits as number).toBeGreaterThanOrEqual(0.1);
      expect(r.orderunits as number).toBeLessThan(10);
      const a = r.address as Row;
      expect(a.city).toMatch(/^City_[1-9]{0,2}$/);
      expect(a.zipcode as number).toBeGreaterThanOrEqual(10000);
      expect(a.zipcode as number).toBeLessThan(99999);
    }
  });

  it('stock_trades: options are taken as given, not overridden by coherence rules', () => {
    const rows = take(createGenerator(stockTrades, { seed: 1 }), 500);
    for (const r of rows) {
      expect(['BUY', 'SELL']).toContain(r.side);
      expect(r.price as number).toBeGreaterThanOrEqual(5);
      expect(r.price as number).toBeLessThan(1000);
      expect(r.quantity as number).toBeLessThan(5000);
      expect(['ZBZX', 'ZJZZT', 'ZTEST', 'ZVV', 'ZVZZT', 'ZWZZT', 'ZXZZT']).toContain(r.symbol);
    }
  });
});

describe('createGenerator: arg.properties', () => {
  const one = (type: unknown, fieldArgs?: Record<string, unknown>) =>
    createGenerator(
      { type: 'record', name: 'R', fields: [{ name: 'f', type, ...(fieldArgs ? { 'arg.properties': fieldArgs } : {}) }] },
      { seed: 11, now: () => NOW },
    );
  const values = (type: unknown, n = 200, fieldArgs?: Record<string, unknown>) => take(one(type, fieldArgs), n).map((r) => r.f);

  it('options: weights by repetition, and any type in natural JSON', () => {
    const picks = values({ type: 'string', 'arg.properties': { options: ['A', 'A', 'A', 'B'] } }, 2000);
    const a = picks.filter((v) => v === 'A').length;
    expect(a).toBeGreaterThan(1350);
    expect(a).toBeLessThan(1650);
    const arrays = values({ type: 'array', items: 'string', 'arg.properties': { options: [['Hello', 'world'], ['Bye']] } });
    expect(new Set(arrays.map((a) => JSON.stringify(a)))).toEqual(new Set(['["Hello","world"]', '["Bye"]']));
    const rec = {
      type: 'record',
      name: 'M',
      fields: [
        { name: 'month', type: 'string' },
        { name: 'day', type: 'int', default: 1 },
      ],
      'arg.properties': { options: [{ month: 'January' }] },
    };
    expect(values(rec, 5)).toEqual(Array(5).fill({ month: 'January', day: 1 }));
    expect(
      new Set(values({ type: 'fixed', name: 'F2', size: 2, 'arg.properties': { options: ['\u0034\u0032', 'EE'] } }).map(String)),
    ).toEqual(new Set(['42', 'EE']));
    expect(new Set(values({ ...dec(10, 2), 'arg.properties': { options: ['1.5', 2] } }))).toEqual(new Set(['1.50', '2.00']));
    expect(values({ type: 'long', logicalType: 'timestamp-millis', 'arg.properties': { options: ['2026-01-01T00:00:00Z'] } }, 1)).toEqual([
      Date.UTC(2026, 0, 1),
    ]);
  });

  it('options and position on a union field', () => {
    const union = ['null', 'boolean', { type: 'int', 'arg.properties': { options: [42] } }, 'string'];
    expect(new Set(values(union, 50, { position: 2 }))).toEqual(new Set([42]));
    expect(new Set(values(['null', 'string'], 50, { options: [null, 'x'] }))).toEqual(new Set([null, 'x']));
  });

  it('iteration: numbers wrap at restart, strings and booleans step too', () => {
    expect(values({ type: 'int', 'arg.properties': { iteration: { start: 1, restart: 4 } } }, 7)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(values({ type: 'long', 'arg.properties': { iteration: { start: 10, step: -5, restart: 0 } } }, 4)).toEqual([10, 5, 10, 5]);
    expect(values({ type: 'int', 'arg.properties': { iteration: { start: 0, restart: 10, initial: 8 } } }, 4)).toEqual([8, 9, 0, 1]);
    expect(values({ type: 'double', 'arg.properties': { iteration: { start: 0.5, step: 0.25 } } }, 3)).toEqual([0.5, 0.75, 1]);
    expect(values({ type: 'string', 'arg.properties': { iteration: { start: 7 }, prefix: 'ord-', suffix: '!' } }, 2)).toEqual([
      'ord-7!',
      'ord-8!',
    ]);
    expect(values({ type: 'boolean', 'arg.properties': { iteration: { start: true } } }, 3)).toEqual([true, false, true]);
    expect(
      values({ type: 'long', logicalType: 'timestamp-millis', 'arg.properties': { iteration: { start: NOW, step: 1000 } } }, 2),
    ).toEqual([NOW, NOW + 1000]);
  });

  it('range: numbers, decimals and ISO-bounded timestamps; max is exclusive', () => {
    expect(new Set(values({ type: 'int', 'arg.properties': { range: { min: 5, max: 7 } } }))).toEqual(new Set([5, 6]));
    for (const v of values({ type: 'float', 'arg.properties': { range: { min: -1, max: 1 } } }))
      expect(Math.abs(v as number)).toBeLessThanOrEqual(1);
    for (const v of values({ ...dec(10, 3), 'arg.properties': { range: { min: 1, max: 2 } } })) expect(v).toMatch(/^1\.\d{3}$/);
    const ts = {
      type: 'long',
      logicalType: 'timestamp-millis',
      'arg.properties': { range: { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z' } },
    };
    for (const v of values(ts)) {
      expect(v as number).toBeGreaterThanOrEqual(Date.UTC(2024, 0, 1));
      expect(v as number).toBeLessThan(Date.UTC(2024, 0, 2));
    }
  });

  it('length, regex, prefix, suffix, keys and kind for strings, bytes, arrays and maps', () => {
    expect(values({ type: 'string', 'arg.properties': { length: 5 } }).every((v) => /^[A-Za-z0-9]{5}$/.test(v as string))).toBe(true);
    expect(new Set(values({ type: 'string', 'arg.properties': { length: { min: 2, max: 4 } } }).map((v) => (v as string).length))).toEqual(
      new Set([2, 3]),
    );
    expect(values({ type: 'bytes', 'arg.properties': { length: 3 } }).every((v) => (v as Buffer).length === 3)).toBe(true);
    expect(
      new Set(
        values({ type: 'array', items: 'int', 'arg.properties': { length: { min: 1, max: 3 } } }).map((v) => (v as unknown[]).length),
      ),
    ).toEqual(new Set([1, 2]));
    const bounded = values({ type: 'string', 'arg.properties': { regex: '[a-z]*', length: { min: 5, max: 8 } } }, 500) as string[];
    expect(bounded.every((v) => /^[a-z]*$/.test(v))).toBe(true);
    expect(bounded.filter((v) => v.length >= 5 && v.length < 8).length).toBeGreaterThan(490);
    expect(
      values({ type: 'string', 'arg.properties': { regex: '[0-9]{3}', prefix: 'A-', suffix: '-Z' } }).every((v) =>
        /^A-\d{3}-Z$/.test(v as string),
      ),
    ).toBe(true);
    const maps = values({ type: 'map', values: 'int', 'arg.properties': { length: 3, keys: { regex: 'k[0-9]' } } }) as Row[];
    expect(maps.every((m) => Object.keys(m).length >= 1 && Object.keys(m).every((k) => /^k\d$/.test(k)))).toBe(true);
    expect(values({ type: 'string', 'arg.properties': { kind: 'uuid' } }).every((v) => UUID_V4.test(v as string))).toBe(true);
    expect(values({ type: 'string', 'arg.properties': { kind: 'email' } }).every((v) => /@/.test(v as string))).toBe(true);
  });

  it('odds for booleans, and arg.properties on the field when the type has none', () => {
    expect(new Set(values({ type: 'boolean', 'arg.properties': { odds: 1 } }))).toEqual(new Set([true]));
    expect(new Set(values({ type: 'boolean', 'arg.properties': { odds: 0 } }))).toEqual(new Set([false]));
    expect(new Set(values('int', 100, { range: { min: 3, max: 4 } }))).toEqual(new Set([3]));
  });

  it('reports bad annotations with where they are', () => {
    const err = (type: unknown) => {
      try {
        one(type);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ type: 'int', 'arg.properties': { options: [1, 'x'] } })).toMatch(
      /^invalid arg.properties at "f": option 2 "x" does not fit the type: expected an integer/,
    );
    expect(err({ type: 'int', 'arg.properties': { range: { min: 5, max: 5 } } })).toBe(
      'invalid arg.properties at "f": range min must be below max (max is exclusive)',
    );
    expect(err({ type: 'int', 'arg.properties': { iteration: { step: 1 } } })).toBe(
      'invalid arg.properties at "f": iteration needs a start',
    );
    expect(err({ type: 'string', 'arg.properties': { options: { file: 'nouns.json', encoding: 'json' } } })).toMatch(/list them inline/);
    expect(err({ type: 'string', 'arg.properties': { regex: '(' } })).toMatch(/^invalid arg.properties at "f": regex "\(" is invalid/);
    expect(err({ type: 'string', 'arg.properties': { length: { min: 4, max: 2 } } })).toMatch(/length max must be an integer above min/);
    expect(() => createGenerator({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'nope' }] })).toThrow(
      /^invalid Avro schema: undefined type name: nope/,
    );
  });
});

describe('avroLogicalTypes', () => {
  it('encodes decimals as two’s complement and decodes them as strings of the full scale', () => {
    expect(bigintToTwosComplement(-1n)).toEqual(Buffer.from([0xff]));
    expect(bigintToTwosComplement(128n)).toEqual(Buffer.from([0x00, 0x80]));
    expect(bigintToTwosComplement(-129n)).toEqual(Buffer.from([0xff, 0x7f]));
    expect(bigintToTwosComplement(-2n, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(twosComplementToBigint(Buffer.from([0xff, 0x7f]))).toBe(-129n);
    const t = parseAvroSchema(dec(6, 2));
    expect(t.toBuffer('-12.5')).toEqual(Buffer.from([0x04, 0xfb, 0x1e])); // length 2, -1250
    expect(t.fromBuffer(t.toBuffer('7'))).toBe('7.00');
    expect(t.isValid('1.234')).toBe(false);
    expect(t.isValid('12345')).toBe(false);
    expect(t.isValid(12.5)).toBe(false);
    const f = parseAvroSchema({ type: 'fixed', name: 'F', size: 3, logicalType: 'decimal', precision: 6, scale: 0 });
    expect(f.fromBuffer(f.toBuffer('-5'))).toBe('-5');
  });

  it('keeps precision and scale when exporting, and falls back to the base type when invalid', () => {
    const t = parseAvroSchema({ type: 'record', name: 'R', fields: [{ name: 'a', type: dec(9, 3), default: '\u0000' }] });
    expect(JSON.stringify(t.schema({ exportAttrs: true }))).toContain('"logicalType":"decimal","precision":9,"scale":3');
    expect((t as avro.types.RecordType).fields[0]?.defaultValue()).toBe('0.000');
    expect(parseAvroSchema({ type: 'bytes', logicalType: 'decimal' }).typeName).toBe('bytes');
    expect(parseAvroSchema({ type: 'fixed', name: 'Tiny', size: 2, logicalType: 'decimal', precision: 9 }).typeName).toBe('fixed');
    expect(parseAvroSchema({ type: 'int', logicalType: 'uuid' }).typeName).toBe('int');
    expect(parseAvroSchema({ type: 'int', logicalType: 'timestamp-millis' }).typeName).toBe('int');
    expect(parseAvroSchema(dec(9, 3))).toBeInstanceOf(DecimalType);
  });

  it('reads data written with another compatible schema', () => {
    const writer = parseAvroSchema(dec(10, 2));
    const reader = parseAvroSchema(dec(12, 2));
    expect(reader.fromBuffer(writer.toBuffer('3.10'), reader.createResolver(writer))).toBe('3.10');
    expect(() => parseAvroSchema(dec(12, 3)).createResolver(writer)).toThrow();
    const uuid = parseAvroSchema({ type: 'string', logicalType: 'uuid' });
    const plain = avro.Type.forSchema('string');
    expect(uuid.fromBuffer(plain.toBuffer('x'), uuid.createResolver(plain))).toBe('x');
  });

  it('keeps temporal values as numbers in range', () => {
    const ts = parseAvroSchema({ type: 'long', logicalType: 'timestamp-millis' });
    expect(ts.fromBuffer(ts.toBuffer(NOW))).toBe(NOW);
    expect(ts.isValid(1.5)).toBe(false);
    expect(ts.isValid(new Date())).toBe(false);
    expect(parseAvroSchema({ type: 'int', logicalType: 'time-millis' }).isValid(DAY)).toBe(false);
    expect(Object.keys(avroLogicalTypes).sort()).toEqual(
      [
        'date',
        'decimal',
        'local-timestamp-micros',
        'local-timestamp-millis',
        'time-micros',
        'time-millis',
        'timestamp-micros',
        'timestamp-millis',
        'uuid',
      ].sort(),
    );
  });
});
