import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { changeSign, diffSchemas, type SchemaChange } from '../../src/schemas/diff.js';
import { parseSchemaOrThrow } from '../../src/schemas/parse.js';

type Json = Record<string, unknown>;
const model = (schema: unknown) => parseSchemaOrThrow(JSON.stringify(schema), 'x.avsc').model;
const rec = (fields: unknown[], over: Json = {}): Json => ({ type: 'record', name: 'Payment', namespace: 'com.acme', fields, ...over });
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, ...extra });
const diff = (a: unknown, b: unknown): SchemaChange[] => diffSchemas(model(a), model(b));
const brief = (changes: SchemaChange[]) => changes.map((c) => `${changeSign(c.kind)} ${c.path}: ${c.description}`);

describe('diffSchemas', () => {
  it('finds nothing between a schema and itself, whatever the formatting', () => {
    const text = readFileSync(new URL('../fixtures/schemas/transaction-event.avsc', import.meta.url), 'utf8');
    const a = parseSchemaOrThrow(text, 'a').model;
    const b = parseSchemaOrThrow(JSON.stringify(JSON.parse(text)), 'b').model;
    expect(diffSchemas(a, b)).toEqual([]);
  });

  it('reports added and removed fields, in field order, with types and defaults', () => {
    const changes = diff(
      rec([f('id', 'string'), f('note', 'string'), f('amount', 'double')]),
      rec([f('id', 'string'), f('amount', 'double'), f('fee', ['null', 'double'], { default: null }), f('tag', 'string')]),
    );
    expect(brief(changes)).toEqual([
      '- Payment.note: field removed (was "string")',
      '+ Payment.fee: field added: ["null","double"] with default null',
      '+ Payment.tag: field added: "string", no default',
    ]);
    expect(changes[1]).toMatchObject({ kind: 'field-added', after: '["null","double"]' });
    expect(changes[0]).toMatchObject({ kind: 'field-removed', before: '"string"' });
  });

  it('reports type changes, including logical types, decimal precision and nullability', () => {
    const changes = diff(
      rec([
        f('amount', 'int'),
        f('at', 'long'),
        f('price', { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 }),
        f('fee', 'double'),
        f('memo', ['null', 'string'], { default: null }),
      ]),
      rec([
        f('amount', 'long'),
        f('at', { type: 'long', logicalType: 'timestamp-millis' }),
        f('price', { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 }),
        f('fee', ['null', 'double'], { default: null }),
        f('memo', 'string'),
      ]),
    );
    expect(brief(changes)).toEqual([
      '~ Payment.amount: type changed from "int" to "long"',
      '~ Payment.at: type changed from "long" to "long" (timestamp-millis)',
      '~ Payment.price: type changed from "bytes" (decimal(9,2)) to "bytes" (decimal(18,2))',
      '+ Payment.fee: default added: null',
      '~ Payment.fee: made nullable: "double" → ["null","double"]',
      '- Payment.memo: default removed (was null)',
      '~ Payment.memo: made non-nullable: ["null","string"] → "string"',
    ]);
  });

  it('reports default and doc changes', () => {
    const changes = diff(
      rec([f('n', 'int', { default: 0, doc: 'Count.' }), f('s', 'string', { doc: 'Old.' })], { doc: 'A payment.' }),
      rec([f('n', 'int', { default: 1, doc: 'Count.' }), f('s', 'string')], { doc: 'A card payment.' }),
    );
    expect(brief(changes)).toEqual([
      '~ Payment: record doc changed from "A payment." to "A card payment."',
      '~ Payment.n: default changed from 0 to 1',
      '~ Payment.s: doc changed from "Old." to (none)',
    ]);
    expect(changes[1]).toMatchObject({ before: 0, after: 1 });
  });

  it('reports enum symbols added and removed and the enum default', () => {
    const kind = (symbols: string[], extra: Json = {}) => ({ type: 'enum', name: 'Kind', symbols, ...extra });
    const changes = diff(
      rec([f('kind', kind(['BUY', 'SELL']))]),
      rec([f('kind', kind(['BUY', 'REFUND', 'UNKNOWN'], { default: 'UNKNOWN' }))]),
    );
    expect(brief(changes)).toEqual([
      '+ Payment.kind: enum symbol added: "REFUND"',
      '+ Payment.kind: enum symbol added: "UNKNOWN"',
      '- Payment.kind: enum symbol removed: "SELL"',
      '~ Payment.kind: enum default added: "UNKNOWN"',
    ]);
  });

  it('follows arrays, maps and union branches into nested records', () => {
    const leg = (fields: unknown[]) => ({ type: 'record', name: 'Leg', fields });
    const changes = diff(
      rec([
        f('legs', { type: 'array', items: leg([f('qty', 'int')]) }),
        f('meta', { type: 'map', values: 'int' }),
        f('x', ['null', 'Leg']),
      ]),
      rec([
        f('legs', { type: 'array', items: leg([f('qty', 'long')]) }),
        f('meta', { type: 'map', values: 'string' }),
        f('x', ['null', 'Leg', 'string']),
      ]),
    );
    expect(brief(changes)).toEqual([
      '~ Payment.legs[].qty: type changed from "int" to "long"',
      '~ Payment.meta{}: type changed from "int" to "string"',
      // The union's Leg is the same named type as the items': its change is reported once, where it is first used.
      '+ Payment.x: union branch added: "string" (now ["null","com.acme.Leg","string"])',
    ]);
  });

  it('reports renamed types, renamed fields (by alias) and fixed sizes', () => {
    const changes = diff(
      rec([f('amount', 'double'), f('hash', { type: 'fixed', name: 'Hash', size: 16 })]),
      rec([f('total', 'double', { aliases: ['amount'] }), f('hash', { type: 'fixed', name: 'Hash', size: 32 })], {
        name: 'CardPayment',
        aliases: ['com.acme.Payment'],
      }),
    );
    expect(brief(changes)).toEqual([
      '~ CardPayment: record renamed from "com.acme.Payment" to "com.acme.CardPayment"',
      '~ CardPayment: record aliases changed from [] to ["com.acme.Payment"]',
      '~ CardPayment.total: field renamed from "amount" to "total" (alias "amount")',
      '~ CardPayment.hash: fixed "Hash" size changed from 16 to 32 bytes',
    ]);
  });

  it('terminates on recursive schemas', () => {
    const node = (extra: unknown[]) => ({
      type: 'record',
      name: 'Node',
      fields: [f('v', 'int'), ...extra, f('next', ['null', 'Node'], { default: null })],
    });
    expect(brief(diff(node([]), node([f('w', 'int', { default: 0 })])))).toEqual(['+ Node.w: field added: "int" with default 0']);
  });

  it('signs each kind of change', () => {
    expect(changeSign('field-added')).toBe('+');
    expect(changeSign('symbol-removed')).toBe('-');
    expect(changeSign('type-changed')).toBe('~');
  });
});
