import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  checkCompatibility,
  checkReaderWriter,
  formatProblem,
  parseCompatibilityLevel,
  type IncompatibilityKind,
} from '../../src/schemas/compat.js';
import { parseSchemaOrThrow, SchemaParseError } from '../../src/schemas/parse.js';

const NS = 'com.acme.portfolio';
type Json = Record<string, unknown>;

const rec = (fields: unknown[], over: Json = {}): string =>
  JSON.stringify({ type: 'record', name: 'TransactionEvent', namespace: NS, fields, ...over }, null, 2);
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, ...extra });
const id = f('id', 'string');
const en = (symbols: string[], extra: Json = {}): Json => ({ type: 'enum', name: 'TransactionType', symbols, ...extra });
const payment = (fields: unknown[], over: Json = {}): Json => ({ type: 'record', name: 'Payment', fields, ...over });
const leg = (fields: unknown[]): Json => ({ type: 'record', name: 'Leg', fields });
const fixed = (size: number, over: Json = {}): Json => ({ type: 'fixed', name: 'Sha256', size, ...over });
const listNode = (extra: unknown[] = []): string =>
  JSON.stringify({
    type: 'record',
    name: 'Node',
    namespace: NS,
    fields: [f('value', 'int'), ...extra, f('next', ['null', 'Node'], { default: null })],
  });
const tree = (valueType: string): string =>
  JSON.stringify({
    type: 'record',
    name: 'Tree',
    namespace: NS,
    fields: [f('value', valueType), f('children', { type: 'array', items: 'Tree' }, { default: [] })],
  });

const MISSING_DEFAULT = 'READER_FIELD_MISSING_DEFAULT_VALUE';
const TYPE = 'TYPE_MISMATCH';
const BRANCH = 'MISSING_UNION_BRANCH';
const SYMBOLS = 'MISSING_ENUM_SYMBOLS';
const NAME = 'NAME_MISMATCH';
const SIZE = 'FIXED_SIZE_MISMATCH';

interface Case {
  name: string;
  old: string;
  new: string;
  /** Kinds found when the new schema reads old data (BACKWARD). */
  backward: IncompatibilityKind[];
  /** Kinds found when the old schema reads new data (FORWARD). */
  forward: IncompatibilityKind[];
  /** Path of the first problem, if any. */
  path?: string;
}

// Expectations follow Avro's Java SchemaCompatibility, which Confluent's registry uses.
const CASES: Case[] = [
  { name: 'identical schemas', old: rec([id]), new: rec([id]), backward: [], forward: [] },
  {
    name: 'add an optional field with default null',
    old: rec([id]),
    new: rec([id, f('fee', ['null', 'double'], { default: null })]),
    backward: [],
    forward: [],
  },
  {
    name: 'add a field without a default',
    old: rec([id]),
    new: rec([id, f('fee', 'double')]),
    backward: [MISSING_DEFAULT],
    forward: [],
    path: 'TransactionEvent.fee',
  },
  {
    name: 'add a nullable field but forget the default',
    old: rec([id]),
    new: rec([id, f('fee', ['null', 'double'])]),
    backward: [MISSING_DEFAULT],
    forward: [],
  },
  {
    name: 'add a field with a non-null default',
    old: rec([id]),
    new: rec([id, f('currency', 'string', { default: 'EUR' })]),
    backward: [],
    forward: [],
  },
  {
    name: 'remove a field that had a default',
    old: rec([id, f('fee', ['null', 'double'], { default: null })]),
    new: rec([id]),
    backward: [],
    forward: [],
  },
  {
    name: 'remove a field without a default',
    old: rec([id, f('fee', 'double')]),
    new: rec([id]),
    backward: [],
    forward: [MISSING_DEFAULT],
    path: 'TransactionEvent.fee',
  },
  {
    name: 'rename a field with an alias (backward only)',
    old: rec([id, f('fee', 'double')]),
    new: rec([id, f('charge', 'double', { aliases: ['fee'] })]),
    backward: [],
    forward: [MISSING_DEFAULT],
  },
  {
    name: 'rename a field without an alias',
    old: rec([id, f('fee', 'double')]),
    new: rec([id, f('charge', 'double')]),
    backward: [MISSING_DEFAULT],
    forward: [MISSING_DEFAULT],
  },
  {
    name: 'rename a field that has a default, with an alias',
    old: rec([id, f('fee', 'double', { default: 0 })]),
    new: rec([id, f('charge', 'double', { aliases: ['fee'], default: 0 })]),
    backward: [],
    forward: [],
  },
  {
    name: 'promote int to long',
    old: rec([id, f('qty', 'int')]),
    new: rec([id, f('qty', 'long')]),
    backward: [],
    forward: [TYPE],
  },
  {
    name: 'narrow long to int',
    old: rec([id, f('qty', 'long')]),
    new: rec([id, f('qty', 'int')]),
    backward: [TYPE],
    forward: [],
    path: 'TransactionEvent.qty',
  },
  { name: 'promote int to double', old: rec([f('x', 'int')]), new: rec([f('x', 'double')]), backward: [], forward: [TYPE] },
  { name: 'promote int to float', old: rec([f('x', 'int')]), new: rec([f('x', 'float')]), backward: [], forward: [TYPE] },
  { name: 'promote long to float', old: rec([f('x', 'long')]), new: rec([f('x', 'float')]), backward: [], forward: [TYPE] },
  { name: 'promote float to double', old: rec([f('x', 'float')]), new: rec([f('x', 'double')]), backward: [], forward: [TYPE] },
  { name: 'narrow double to float', old: rec([f('x', 'double')]), new: rec([f('x', 'float')]), backward: [TYPE], forward: [] },
  { name: 'string to bytes', old: rec([f('x', 'string')]), new: rec([f('x', 'bytes')]), backward: [], forward: [] },
  { name: 'bytes to string', old: rec([f('x', 'bytes')]), new: rec([f('x', 'string')]), backward: [], forward: [] },
  { name: 'int to string', old: rec([f('x', 'int')]), new: rec([f('x', 'string')]), backward: [TYPE], forward: [TYPE] },
  { name: 'boolean to int', old: rec([f('x', 'boolean')]), new: rec([f('x', 'int')]), backward: [TYPE], forward: [TYPE] },
  {
    name: 'logical type change keeps the underlying type',
    old: rec([f('ts', { type: 'long', logicalType: 'timestamp-millis' })]),
    new: rec([f('ts', { type: 'long', logicalType: 'timestamp-micros' })]),
    backward: [],
    forward: [],
  },
  {
    name: 'add an enum symbol, no enum default',
    old: rec([f('type', en(['BUY', 'SELL']))]),
    new: rec([f('type', en(['BUY', 'SELL', 'HOLD']))]),
    backward: [],
    forward: [SYMBOLS],
    path: 'TransactionEvent.type',
  },
  {
    name: 'add an enum symbol when the old enum has a default',
    old: rec([f('type', en(['BUY', 'SELL', 'UNKNOWN'], { default: 'UNKNOWN' }))]),
    new: rec([f('type', en(['BUY', 'SELL', 'HOLD', 'UNKNOWN'], { default: 'UNKNOWN' }))]),
    backward: [],
    forward: [],
  },
  {
    name: 'remove an enum symbol, no enum default',
    old: rec([f('type', en(['BUY', 'SELL', 'HOLD']))]),
    new: rec([f('type', en(['BUY', 'SELL']))]),
    backward: [SYMBOLS],
    forward: [],
    path: 'TransactionEvent.type',
  },
  {
    name: 'remove an enum symbol when the new enum has a default',
    old: rec([f('type', en(['BUY', 'SELL', 'HOLD']))]),
    new: rec([f('type', en(['BUY', 'SELL'], { default: 'BUY' }))]),
    backward: [],
    forward: [],
  },
  {
    name: 'reorder enum symbols',
    old: rec([f('type', en(['BUY', 'SELL']))]),
    new: rec([f('type', en(['SELL', 'BUY']))]),
    backward: [],
    forward: [],
  },
  {
    name: 'widen a union',
    old: rec([f('v', ['null', 'string'])]),
    new: rec([f('v', ['null', 'string', 'long'])]),
    backward: [],
    forward: [BRANCH],
  },
  {
    name: 'narrow a union',
    old: rec([f('v', ['null', 'string', 'long'])]),
    new: rec([f('v', ['null', 'string'])]),
    backward: [BRANCH],
    forward: [],
    path: 'TransactionEvent.v',
  },
  {
    name: 'reorder a union',
    old: rec([f('v', ['null', 'string'])]),
    new: rec([f('v', ['string', 'null'])]),
    backward: [],
    forward: [],
  },
  {
    name: 'union branch promoted (int to long) inside the union',
    old: rec([f('v', ['null', 'int'])]),
    new: rec([f('v', ['null', 'long'])]),
    backward: [],
    forward: [BRANCH],
  },
  {
    name: 'make an optional field required',
    old: rec([f('fee', ['null', 'double'], { default: null })]),
    new: rec([f('fee', 'double')]),
    backward: [TYPE],
    forward: [],
    path: 'TransactionEvent.fee',
  },
  {
    name: 'make a required field optional',
    old: rec([f('fee', 'double')]),
    new: rec([f('fee', ['null', 'double'], { default: null })]),
    backward: [],
    forward: [TYPE],
  },
  {
    name: 'change a field to a union that lacks the old type',
    old: rec([f('v', 'string')]),
    new: rec([f('v', ['null', 'int'], { default: null })]),
    backward: [BRANCH],
    forward: [TYPE, TYPE],
  },
  {
    name: 'nested record gains a field without a default',
    old: rec([id, f('payment', payment([f('amount', 'double')]))]),
    new: rec([id, f('payment', payment([f('amount', 'double'), f('fee', 'double')]))]),
    backward: [MISSING_DEFAULT],
    forward: [],
    path: 'TransactionEvent.payment.fee',
  },
  {
    name: 'nested record gains a field with a default',
    old: rec([id, f('payment', payment([f('amount', 'double')]))]),
    new: rec([id, f('payment', payment([f('amount', 'double'), f('fee', 'double', { default: 0 })]))]),
    backward: [],
    forward: [],
  },
  {
    name: 'nested record loses a field without a default',
    old: rec([id, f('payment', payment([f('amount', 'double'), f('fee', 'double')]))]),
    new: rec([id, f('payment', payment([f('amount', 'double')]))]),
    backward: [],
    forward: [MISSING_DEFAULT],
    path: 'TransactionEvent.payment.fee',
  },
  {
    name: 'nested record becomes an optional union whose branch gained a required field',
    old: rec([id, f('payment', payment([f('amount', 'double')]))]),
    new: rec([id, f('payment', ['null', payment([f('amount', 'double'), f('fee', 'double')])], { default: null })]),
    backward: [BRANCH],
    forward: [TYPE],
    path: 'TransactionEvent.payment.fee',
  },
  {
    name: 'array of records: item gains a required field',
    old: rec([f('legs', { type: 'array', items: leg([f('symbol', 'string')]) })]),
    new: rec([f('legs', { type: 'array', items: leg([f('symbol', 'string'), f('qty', 'double')]) })]),
    backward: [MISSING_DEFAULT],
    forward: [],
    path: 'TransactionEvent.legs[].qty',
  },
  {
    name: 'array items promoted int to long',
    old: rec([f('xs', { type: 'array', items: 'int' })]),
    new: rec([f('xs', { type: 'array', items: 'long' })]),
    backward: [],
    forward: [TYPE],
    path: 'TransactionEvent.xs[]',
  },
  {
    name: 'map of records: value field type changed',
    old: rec([f('legs', { type: 'map', values: leg([f('qty', 'int')]) })]),
    new: rec([f('legs', { type: 'map', values: leg([f('qty', 'string')]) })]),
    backward: [TYPE],
    forward: [TYPE],
    path: 'TransactionEvent.legs{}.qty',
  },
  {
    name: 'map values string to bytes',
    old: rec([f('tags', { type: 'map', values: 'string' })]),
    new: rec([f('tags', { type: 'map', values: 'bytes' })]),
    backward: [],
    forward: [],
  },
  {
    name: 'array to map',
    old: rec([f('xs', { type: 'array', items: 'string' })]),
    new: rec([f('xs', { type: 'map', values: 'string' })]),
    backward: [TYPE],
    forward: [TYPE],
  },
  {
    name: 'fixed size change',
    old: rec([f('hash', fixed(16))]),
    new: rec([f('hash', fixed(32))]),
    backward: [SIZE],
    forward: [SIZE],
    path: 'TransactionEvent.hash',
  },
  {
    name: 'fixed renamed without an alias',
    old: rec([f('hash', fixed(32))]),
    new: rec([f('hash', fixed(32, { name: 'Digest' }))]),
    backward: [NAME],
    forward: [NAME],
  },
  {
    name: 'fixed renamed with an alias',
    old: rec([f('hash', fixed(32))]),
    new: rec([f('hash', fixed(32, { name: 'Digest', aliases: ['Sha256'] }))]),
    backward: [],
    forward: [NAME],
  },
  {
    name: 'record renamed without an alias',
    old: rec([id]),
    new: rec([id], { name: 'TradeEvent' }),
    backward: [NAME],
    forward: [NAME],
    path: 'TradeEvent',
  },
  {
    name: 'record renamed with a full-name alias',
    old: rec([id]),
    new: rec([id], { name: 'TradeEvent', aliases: [`${NS}.TransactionEvent`] }),
    backward: [],
    forward: [NAME],
  },
  {
    name: 'record renamed with a short alias (qualified by its namespace)',
    old: rec([id]),
    new: rec([id], { name: 'TradeEvent', aliases: ['TransactionEvent'] }),
    backward: [],
    forward: [NAME],
  },
  {
    name: 'namespace changed: Avro compares names without namespaces',
    old: rec([id]),
    new: rec([id], { namespace: 'com.acme.trading' }),
    backward: [],
    forward: [],
  },
  {
    name: 'alias in the old namespace does not match after a rename and namespace move',
    old: rec([id]),
    new: rec([id], { name: 'TradeEvent', namespace: 'com.acme.trading', aliases: ['TransactionEvent'] }),
    backward: [NAME],
    forward: [NAME],
  },
  {
    name: 'nested enum renamed',
    old: rec([f('type', en(['BUY']))]),
    new: rec([f('type', en(['BUY'], { name: 'TradeType' }))]),
    backward: [NAME],
    forward: [NAME],
  },
  {
    name: 'union of records: branch renamed',
    old: rec([f('p', ['null', payment([f('amount', 'double')])])]),
    new: rec([f('p', ['null', payment([f('amount', 'double')], { name: 'Transfer' })])]),
    backward: [BRANCH],
    forward: [BRANCH],
  },
  { name: 'record to string', old: rec([id]), new: '"string"', backward: [TYPE], forward: [TYPE] },
  {
    name: 'string field to enum',
    old: rec([f('type', 'string')]),
    new: rec([f('type', en(['BUY']))]),
    backward: [TYPE],
    forward: [TYPE],
  },
  {
    name: 'new enum field without a field default (enum default does not count)',
    old: rec([id]),
    new: rec([id, f('type', en(['BUY', 'UNKNOWN'], { default: 'UNKNOWN' }))]),
    backward: [TYPE],
    forward: [],
    path: 'TransactionEvent.type',
  },
  { name: 'recursive schema, unchanged', old: listNode(), new: listNode(), backward: [], forward: [] },
  {
    name: 'recursive schema gains a field with a default',
    old: listNode(),
    new: listNode([f('label', 'string', { default: '' })]),
    backward: [],
    forward: [],
  },
  {
    name: 'recursive schema gains a required field (reported once)',
    old: listNode(),
    new: listNode([f('label', 'string')]),
    backward: [MISSING_DEFAULT],
    forward: [],
    path: 'Node.label',
  },
  { name: 'recursive tree, value promoted', old: tree('int'), new: tree('long'), backward: [], forward: [TYPE] },
];

describe('checkCompatibility: Avro reader/writer rules', () => {
  it('has a thorough table', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const backward = checkCompatibility(c.new, [c.old], 'BACKWARD');
      const forward = checkCompatibility(c.new, [c.old], 'FORWARD');
      const full = checkCompatibility(c.new, [c.old], 'FULL');
      expect(backward.problems.map((p) => p.kind)).toEqual(c.backward);
      expect(forward.problems.map((p) => p.kind)).toEqual(c.forward);
      expect(backward.compatible).toBe(c.backward.length === 0);
      expect(forward.compatible).toBe(c.forward.length === 0);
      expect(full.compatible).toBe(c.backward.length === 0 && c.forward.length === 0);
      expect(full.problems.map((p) => `${p.direction}:${p.kind}`)).toEqual([
        ...c.backward.map((k) => `backward:${k}`),
        ...c.forward.map((k) => `forward:${k}`),
      ]);
      expect(checkCompatibility(c.new, [c.old], 'NONE').compatible).toBe(true);
      if (c.path) expect(full.problems[0]?.path).toBe(c.path);
      for (const p of full.problems) {
        expect(p.message).not.toBe('');
        expect(p.fix).not.toBe('');
      }
    });
  }
});

describe('checkCompatibility: levels', () => {
  // v0 has no fee; v1 adds it with a default; v2 drops the default. v2 reads v1 data but not v0 data.
  const v0 = rec([id]);
  const v1 = rec([id, f('fee', 'double', { default: 0 })]);
  const v2 = rec([id, f('fee', 'double')]);

  it('BACKWARD checks only the latest; BACKWARD_TRANSITIVE checks them all', () => {
    const latest = checkCompatibility(v2, [v0, v1], 'BACKWARD');
    expect(latest).toMatchObject({ compatible: true, level: 'BACKWARD', checkedAgainst: [1], problems: [] });
    const all = checkCompatibility(v2, [v0, v1], 'BACKWARD_TRANSITIVE');
    expect(all.compatible).toBe(false);
    expect(all.checkedAgainst).toEqual([1, 0]);
    expect(all.problems).toHaveLength(1);
    expect(all.problems[0]).toMatchObject({ against: 0, direction: 'backward', kind: MISSING_DEFAULT, path: 'TransactionEvent.fee' });
  });

  it('FORWARD checks only the latest; FORWARD_TRANSITIVE checks them all', () => {
    // w0 requires fee; w1 gives it a default; w2 drops it. The w0 reader can't read w2 data.
    const w0 = rec([id, f('fee', 'double')]);
    const w1 = rec([id, f('fee', 'double', { default: 0 })]);
    const w2 = rec([id]);
    expect(checkCompatibility(w2, [w0, w1], 'FORWARD').compatible).toBe(true);
    const all = checkCompatibility(w2, [w0, w1], 'FORWARD_TRANSITIVE');
    expect(all.compatible).toBe(false);
    expect(all.problems.map((p) => [p.against, p.direction, p.kind])).toEqual([[0, 'forward', MISSING_DEFAULT]]);
  });

  it('FULL and FULL_TRANSITIVE check both directions', () => {
    expect(checkCompatibility(v2, [v0, v1], 'FULL').compatible).toBe(true);
    const all = checkCompatibility(v2, [v0, v1], 'FULL_TRANSITIVE');
    expect(all.compatible).toBe(false);
    expect(all.problems.map((p) => [p.against, p.direction])).toEqual([[0, 'backward']]);
  });

  it('labels previous schemas with registry versions when given', () => {
    const r = checkCompatibility(v2, [v0, v1, v1], 'BACKWARD_TRANSITIVE', { versions: [3, 4, 7] });
    expect(r.checkedAgainst).toEqual([7, 4, 3]);
    expect(r.problems.map((p) => p.against)).toEqual([3]);
    expect(checkCompatibility(v2, [v0, v1], 'BACKWARD', { versions: [3, 4] }).checkedAgainst).toEqual([4]);
    expect(() => checkCompatibility(v2, [v0], 'BACKWARD', { versions: [1, 2] })).toThrow(UsageError);
  });

  it('NONE and an empty history are always compatible and check nothing', () => {
    expect(checkCompatibility('"string"', [rec([id])], 'NONE')).toEqual({
      compatible: true,
      level: 'NONE',
      checkedAgainst: [],
      problems: [],
    });
    expect(checkCompatibility(v2, [], 'FULL_TRANSITIVE')).toEqual({
      compatible: true,
      level: 'FULL_TRANSITIVE',
      checkedAgainst: [],
      problems: [],
    });
  });

  it('accepts parsed schemas as well as text, and refuses broken previous schemas', () => {
    const parsed = parseSchemaOrThrow(v2, 'v2.avsc');
    expect(checkCompatibility(parsed, [parseSchemaOrThrow(v1, 'v1.avsc')], 'BACKWARD').compatible).toBe(true);
    expect(() => checkCompatibility(parsed, ['{"type": "record"'], 'BACKWARD')).toThrow(SchemaParseError);
    expect(() => checkCompatibility(parsed, ['{"type": "record"'], 'BACKWARD')).toThrow(/^previous schema 0:1:18: invalid JSON/);
  });

  it('parses level names', () => {
    expect(parseCompatibilityLevel('backward_transitive')).toBe('BACKWARD_TRANSITIVE');
    expect(parseCompatibilityLevel('full-transitive')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel(' NONE ')).toBe('NONE');
    expect(() => parseCompatibilityLevel('sideways')).toThrow(UsageError);
  });
});

describe('checkCompatibility: wording and locations', () => {
  const one = (oldSchema: string, newSchema: string, level: 'BACKWARD' | 'FORWARD') => {
    const r = checkCompatibility(newSchema, [oldSchema], level);
    expect(r.problems).toHaveLength(1);
    return r.problems[0]!;
  };

  it('explains a field added without a default, from the readers’ point of view', () => {
    const p = one(rec([id]), rec([id, f('fee', 'double')]), 'BACKWARD');
    expect(formatProblem(p)).toBe(
      'TransactionEvent.fee: field added without a default — records written with the old schema can\'t be read; add "default": null and make the type ["null","double"]',
    );
    expect(p).toMatchObject({ location: '/fields/1', avroMessage: 'fee' });
  });

  it('suggests an alias when the added field looks like a rename', () => {
    const p = one(rec([id, f('fee', 'double')]), rec([id, f('charge', 'double')]), 'BACKWARD');
    expect(p.fix).toContain('if it renames "fee", add "aliases": ["fee"]');
  });

  it('suggests putting null first when the union already has it', () => {
    const p = one(rec([id]), rec([id, f('fee', ['double', 'null'])]), 'BACKWARD');
    expect(p.fix).toBe('add "default": null and put "null" first: ["null","double"]');
  });

  it('explains that an enum default does not stand in for a field default', () => {
    const p = one(rec([id]), rec([id, f('type', en(['BUY', 'UNKNOWN'], { default: 'UNKNOWN' }))]), 'BACKWARD');
    expect(p).toMatchObject({
      kind: TYPE,
      location: '/fields/1/type',
      avroMessage: 'reader type: ENUM not compatible with writer type: RECORD',
    });
    expect(p.message).toMatch(/^field added without a default \(the enum's own "default" does not count/);
    expect(p.fix).toBe('add "default": "UNKNOWN"');
  });

  it('explains a removed field for old consumers', () => {
    const p = one(rec([id, f('fee', 'double')]), rec([id]), 'FORWARD');
    expect(p.message).toBe(
      "field removed, but the old schema has no default for it — consumers still on the old schema can't read records written with the new schema",
    );
  });

  it('explains a rename with alias as a forward break', () => {
    const p = one(rec([id, f('fee', 'double')]), rec([id, f('charge', 'double', { aliases: ['fee'] })]), 'FORWARD');
    expect(p.message).toContain('field renamed to "charge"');
  });

  it('explains type changes, narrowing and widening', () => {
    expect(one(rec([f('x', 'int')]), rec([f('x', 'string')]), 'BACKWARD')).toMatchObject({
      location: '/fields/0/type',
      avroMessage: 'reader type: STRING not compatible with writer type: INT',
      message: 'type changed from "int" to "string" — records written with the old schema can\'t be read',
    });
    expect(one(rec([f('x', 'long')]), rec([f('x', 'int')]), 'BACKWARD').message).toMatch(/^type narrowed from "long" to "int"/);
    expect(one(rec([f('x', 'int')]), rec([f('x', 'long')]), 'FORWARD').message).toMatch(/^type widened from "int" to "long"/);
  });

  it('explains nullability changes at the union branch', () => {
    const p = one(rec([f('fee', ['null', 'double'], { default: null })]), rec([f('fee', 'double')]), 'BACKWARD');
    expect(p).toMatchObject({ location: '/fields/0/type/0', kind: TYPE });
    expect(p.message).toMatch(/^field made non-nullable/);
    expect(p.fix).toBe('keep "null" in the type: ["null","double"]');
    expect(one(rec([f('fee', 'double')]), rec([f('fee', ['null', 'double'], { default: null })]), 'FORWARD').message).toMatch(
      /^field made nullable/,
    );
  });

  it('names the enum symbols and where they are', () => {
    const back = one(rec([f('type', en(['BUY', 'SELL', 'HOLD', 'EXPIRE']))]), rec([f('type', en(['BUY', 'SELL']))]), 'BACKWARD');
    expect(back).toMatchObject({ path: 'TransactionEvent.type', location: '/fields/0/type/symbols', avroMessage: '[EXPIRE, HOLD]' });
    expect(back.message).toMatch(/^enum symbols "EXPIRE", "HOLD" removed/);
    expect(back.fix).toContain('"default"');
    const fwd = one(rec([f('type', en(['BUY']))]), rec([f('type', en(['BUY', 'SELL']))]), 'FORWARD');
    expect(fwd.message).toMatch(/^enum symbol "SELL" added — consumers still on the old schema can't read it/);
  });

  it('reports union branches with Avro locations', () => {
    const p = one(rec([f('v', ['null', 'string', 'long'])]), rec([f('v', ['null', 'string'])]), 'BACKWARD');
    expect(p).toMatchObject({ location: '/fields/0/type/2', avroMessage: 'reader union lacking writer type: LONG' });
    expect(p.message).toMatch(/^union lost the branch "long"/);
    const q = one(rec([f('v', 'string')]), rec([f('v', ['null', 'int'], { default: null })]), 'BACKWARD');
    expect(q.fix).toBe('add "string" to the union: ["null","int","string"]');
  });

  it('explains a union branch through the change inside it', () => {
    const p = one(
      rec([f('payment', payment([f('amount', 'double')]))]),
      rec([f('payment', ['null', payment([f('amount', 'double'), f('fee', 'double')])], { default: null })]),
      'BACKWARD',
    );
    expect(p.kind).toBe(BRANCH);
    expect(p.location).toBe('/fields/0/type');
    expect(formatProblem(p)).toMatch(/^TransactionEvent\.payment\.fee: field added without a default/);
  });

  it('explains renames of named types with the alias to add', () => {
    const p = one(rec([id]), rec([id], { name: 'TradeEvent' }), 'BACKWARD');
    expect(p).toMatchObject({ path: 'TradeEvent', location: '/name', avroMessage: `expected: ${NS}.TransactionEvent` });
    expect(p.fix).toBe(`add "aliases": ["${NS}.TransactionEvent"] to record "TradeEvent"`);
    const size = one(rec([f('hash', fixed(16))]), rec([f('hash', fixed(32))]), 'BACKWARD');
    expect(size).toMatchObject({ location: '/fields/0/type/size', avroMessage: 'expected: 16, found: 32' });
    expect(size.message).toMatch(/^fixed "Sha256" changed size from 16 to 32 bytes/);
  });

  it('points at the new schema’s text', () => {
    const newText = rec([id, f('fee', 'double')]);
    const back = one(rec([id]), newText, 'BACKWARD');
    const lines = newText.split('\n');
    expect(lines[back.line! - 1]!.slice(back.column! - 1)).toMatch(/^"name": "fee"/);
    const fwd = one(rec([id, f('fee', 'double')]), rec([id]), 'FORWARD');
    expect(rec([id]).split('\n')[fwd.line! - 1]).toContain('"name": "TransactionEvent"');
  });

  it('is the Avro check underneath: reader first, writer second', () => {
    const reader = parseSchemaOrThrow(rec([f('x', 'long')]), 'r').model.root;
    const writer = parseSchemaOrThrow(rec([f('x', 'int')]), 'w').model.root;
    expect(checkReaderWriter(reader, writer)).toEqual([]);
    expect(checkReaderWriter(writer, reader).map((p) => p.kind)).toEqual([TYPE]);
  });

  it('checks the fixture against an evolved copy of itself', () => {
    const text = readFileSync(new URL('../fixtures/schemas/transaction-event.avsc', import.meta.url), 'utf8');
    const evolved = JSON.parse(text) as { fields: Json[] };
    evolved.fields.push(f('venue', ['null', 'string'], { default: null, doc: 'Where it traded.' }));
    const r = checkCompatibility(JSON.stringify(evolved), [text], 'FULL_TRANSITIVE');
    expect(r).toMatchObject({ compatible: true, checkedAgainst: [0] });
  });
});
