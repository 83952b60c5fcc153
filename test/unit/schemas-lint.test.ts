import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintSchema, maxDecimalPrecision, type LintFinding, type LintRule } from '../../src/schemas/lint.js';
import { parseSchemaOrThrow } from '../../src/schemas/parse.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/schemas/${name}`, import.meta.url), 'utf8');

type Json = Record<string, unknown>;

/** A documented, namespaced record, so only the rule under test fires. */
const rec = (fields: Json[], over: Json = {}): string =>
  JSON.stringify({
    type: 'record',
    name: 'TransactionEvent',
    namespace: 'com.acme.portfolio',
    doc: 'An event.',
    fields: fields.map((f) => ({ doc: 'A field.', ...f })),
    ...over,
  });

const lint = (text: string, options = {}): LintFinding[] => lintSchema(parseSchemaOrThrow(text, 'test.avsc'), options);
const rules = (text: string): LintRule[] => lint(text).map((f) => f.rule);

describe('lintSchema', () => {
  it('finds nothing in a clean schema', () => {
    expect(lint(fixture('transaction-event.avsc'))).toEqual([]);
  });

  it('reports each problem of the broken fixture with its path and location', () => {
    const text = fixture('broken-lint.avsc');
    const findings = lint(text);
    const lines = text.split('\n');
    const summary = findings.map((f) => [f.severity, f.rule, f.path]);
    expect(summary).toEqual([
      ['error', 'union-default-not-first-branch', 'TransactionEvent.fee'],
      ['error', 'invalid-default', 'TransactionEvent.count'],
      ['error', 'enum-default-unknown', 'TransactionEvent.type'],
      ['error', 'decimal-invalid', 'TransactionEvent.price'],
      ['warning', 'logical-type-mismatch', 'TransactionEvent.day'],
      ['warning', 'doc-missing', 'TransactionEvent.note'],
      ['warning', 'namespace-missing', 'TransactionEvent'],
    ]);
    const where = (f: LintFinding): string => lines[f.line! - 1]!.slice(f.column! - 1);
    expect(where(findings[0]!)).toMatch(/^"default": 0\.5/);
    expect(findings[0]!.line).toBe(6);
    expect(where(findings[1]!)).toMatch(/^"default": "zero"/);
    expect(where(findings[2]!)).toMatch(/^"default": "HOLD"/);
    expect(where(findings[3]!)).toMatch(/^"precision": 9/);
    expect(where(findings[4]!)).toMatch(/^"logicalType": "date"/);
    expect(where(findings[5]!)).toMatch(/^"name": "note"/);
    expect(where(findings[6]!)).toMatch(/^"name": "TransactionEvent"/);
  });

  describe('defaults', () => {
    it('checks a default against the field type', () => {
      const [finding] = lint(rec([{ name: 'count', type: 'int', default: 'zero' }]));
      expect(finding).toMatchObject({
        severity: 'error',
        rule: 'invalid-default',
        path: 'TransactionEvent.count',
        message: 'default "zero" doesn\'t match the field\'s type "int"',
        hint: 'use a whole number, e.g. 0',
      });
    });

    it.each([
      ['int', 1.5],
      ['int', 2 ** 31],
      ['long', '1'],
      ['boolean', 0],
      ['string', null],
      ['null', 0],
      ['bytes', '\u0100'],
      [{ type: 'fixed', name: 'F', size: 2 }, 'abc'],
      [{ type: 'enum', name: 'E', symbols: ['A'] }, 'B'],
      [{ type: 'array', items: 'int' }, [1, 'x']],
      [{ type: 'map', values: 'int' }, { a: 'x' }],
      [{ type: 'record', name: 'R', doc: 'R.', fields: [{ name: 'a', type: 'int', doc: 'A.' }] }, {}],
      [{ type: 'array', items: ['null', 'int'] }, [1]],
    ])('refuses type %j with default %j', (type, value) => {
      expect(rules(rec([{ name: 'x', type, default: value }]))).toEqual(['invalid-default']);
    });

    it.each([
      ['int', -5],
      ['long', 2 ** 40],
      ['double', 1],
      ['float', 0.5],
      ['bytes', '\u00ff'],
      [{ type: 'fixed', name: 'F', size: 2 }, 'ab'],
      [{ type: 'enum', name: 'E', symbols: ['A'] }, 'A'],
      [{ type: 'array', items: 'int' }, []],
      [{ type: 'map', values: 'int' }, { a: 1 }],
      [
        {
          type: 'record',
          name: 'R',
          doc: 'R.',
          fields: [
            { name: 'a', type: 'int', doc: 'A.' },
            { name: 'b', type: 'int', default: 0, doc: 'B.' },
          ],
        },
        { a: 1 },
      ],
      [['null', 'string'], null],
      [['string', 'null'], 'x'],
    ])('accepts type %j with default %j', (type, value) => {
      expect(rules(rec([{ name: 'x', type, default: value }]))).toEqual([]);
    });

    it('requires a union default to match the first branch', () => {
      const [finding] = lint(rec([{ name: 'fee', type: ['double', 'null'], default: null }]));
      expect(finding).toMatchObject({ rule: 'union-default-not-first-branch', path: 'TransactionEvent.fee' });
      expect(finding!.hint).toBe('put "null" first: "type": ["null","double"]');
      const [none] = lint(rec([{ name: 'fee', type: ['null', 'double'], default: 'x' }]));
      expect(none).toMatchObject({ rule: 'invalid-default' });
    });
  });

  describe('enums', () => {
    const enumField = (e: Json): string => rec([{ name: 'type', type: { type: 'enum', name: 'Kind', doc: 'Kind.', ...e } }]);

    it('refuses a default that is not a symbol', () => {
      expect(lint(enumField({ symbols: ['A', 'B'], default: 'C' }))).toMatchObject([
        { rule: 'enum-default-unknown', path: 'TransactionEvent.type', message: 'enum "Kind" default "C" is not one of its symbols' },
      ]);
    });

    it('refuses invalid and duplicated symbols', () => {
      const findings = lint(enumField({ symbols: ['A', 'has space', 'A', '9LIVES'] }));
      expect(findings.map((f) => [f.rule, f.message])).toEqual([
        ['enum-symbol-invalid', 'enum "Kind" symbol "has space" is not a valid Avro name'],
        ['enum-symbol-duplicate', 'enum "Kind" lists symbol "A" more than once'],
        ['enum-symbol-invalid', 'enum "Kind" symbol "9LIVES" is not a valid Avro name'],
      ]);
      expect(rules(enumField({ symbols: [] }))).toEqual(['enum-no-symbols']);
    });
  });

  describe('logical types', () => {
    const typed = (type: Json): string => rec([{ name: 'v', type }]);

    it('checks decimal precision and scale', () => {
      expect(rules(typed({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }))).toEqual([]);
      expect(rules(typed({ type: 'bytes', logicalType: 'decimal' }))).toEqual(['decimal-invalid']);
      expect(rules(typed({ type: 'bytes', logicalType: 'decimal', precision: 0 }))).toEqual(['decimal-invalid']);
      expect(rules(typed({ type: 'bytes', logicalType: 'decimal', precision: 4, scale: -1 }))).toEqual(['decimal-invalid']);
      expect(lint(typed({ type: 'bytes', logicalType: 'decimal', precision: 4, scale: 5 }))[0]!.message).toBe(
        'decimal "scale" 5 is invalid; it must be an integer from 0 to the precision (4)',
      );
    });

    it('checks that a fixed is large enough for the decimal precision', () => {
      expect(maxDecimalPrecision(1)).toBe(2);
      expect(maxDecimalPrecision(4)).toBe(9);
      expect(maxDecimalPrecision(8)).toBe(18);
      expect(maxDecimalPrecision(16)).toBe(38);
      const ok = { type: 'fixed', name: 'D', size: 8, logicalType: 'decimal', precision: 18, scale: 2 };
      expect(rules(typed(ok))).toEqual([]);
      const [finding] = lint(typed({ ...ok, precision: 19 }));
      expect(finding).toMatchObject({
        rule: 'decimal-invalid',
        message: "decimal precision 19 doesn't fit in a fixed of 8 bytes (at most 18 digits)",
        hint: 'make the fixed at least 9 bytes, or lower "precision" to 18',
      });
    });

    it('warns about logical types on the wrong type, unknown ones, and ones on the field', () => {
      expect(lint(typed({ type: 'string', logicalType: 'timestamp-millis' }))).toMatchObject([
        {
          severity: 'warning',
          rule: 'logical-type-mismatch',
          message: 'logical type "timestamp-millis" on "string" is ignored by Avro; it applies to "long"',
        },
      ]);
      expect(rules(typed({ type: 'int', logicalType: 'date' }))).toEqual([]);
      expect(rules(typed({ type: 'string', logicalType: 'uuid' }))).toEqual([]);
      expect(rules(typed({ type: 'fixed', name: 'Dur', size: 12, logicalType: 'duration' }))).toEqual([]);
      expect(rules(typed({ type: 'fixed', name: 'Dur', size: 8, logicalType: 'duration' }))).toEqual(['logical-type-mismatch']);
      expect(rules(typed({ type: 'long', logicalType: 'timestamp-milis' }))).toEqual(['logical-type-unknown']);
      const [onField] = lint(rec([{ name: 'ts', type: 'long', logicalType: 'timestamp-millis' }]));
      expect(onField).toMatchObject({ rule: 'logical-type-on-field', severity: 'warning' });
      expect(onField!.hint).toBe('move it into the type: "type": {"type": "long", "logicalType": "timestamp-millis"}');
    });
  });

  describe('names', () => {
    it('refuses invalid names', () => {
      expect(lint(rec([{ name: 'fee-amount', type: 'double' }]))).toMatchObject([
        { rule: 'name-invalid', path: 'TransactionEvent.fee-amount', message: 'field name "fee-amount" is not a valid Avro name' },
      ]);
      expect(rules(rec([{ name: 'x', type: 'int' }], { name: '1Event' }))).toEqual(['name-invalid']);
      expect(rules(rec([{ name: 'x', type: 'int' }], { namespace: 'com.acme-corp' }))).toEqual(['name-invalid']);
      expect(rules(rec([{ name: 'x', type: { type: 'fixed', name: 'string', size: 1 } }]))).toEqual(['name-invalid']);
    });

    it('refuses duplicate field names and duplicate type definitions', () => {
      expect(
        lint(
          rec([
            { name: 'x', type: 'int' },
            { name: 'x', type: 'long' },
          ]),
        ),
      ).toMatchObject([
        { rule: 'name-duplicate', path: 'TransactionEvent.x', message: 'record "TransactionEvent" has more than one field named "x"' },
      ]);
      const twice = rec([
        { name: 'a', type: { type: 'fixed', name: 'Hash', size: 16 } },
        { name: 'b', type: { type: 'fixed', name: 'Hash', size: 32 } },
      ]);
      expect(lint(twice)).toMatchObject([
        { rule: 'name-duplicate', path: 'com.acme.portfolio.Hash', message: 'fixed "com.acme.portfolio.Hash" is defined more than once' },
      ]);
    });

    it('warns about a missing namespace on top-level named types only', () => {
      const top = lint(rec([{ name: 'x', type: { type: 'enum', name: 'E', symbols: ['A'] } }], { namespace: undefined }));
      expect(top.map((f) => [f.rule, f.path])).toEqual([['namespace-missing', 'TransactionEvent']]);
      const union = JSON.stringify([
        'null',
        { type: 'record', name: 'A', doc: 'A.', fields: [] },
        { type: 'record', name: 'B', namespace: 'com.acme', doc: 'B.', fields: [] },
      ]);
      expect(lint(union).map((f) => [f.rule, f.path])).toEqual([['namespace-missing', 'A']]);
    });
  });

  describe('docs', () => {
    it('warns about records and fields without doc, nested ones included', () => {
      const text = JSON.stringify({
        type: 'record',
        name: 'TransactionEvent',
        namespace: 'com.acme',
        fields: [
          {
            name: 'legs',
            doc: 'Legs.',
            type: { type: 'array', items: { type: 'record', name: 'Leg', fields: [{ name: 'qty', type: 'double' }] } },
          },
          { name: 'note', type: 'string', doc: '  ' },
        ],
      });
      expect(lint(text).map((f) => [f.rule, f.path, f.message])).toEqual([
        ['doc-missing', 'TransactionEvent', 'record "TransactionEvent" has no doc'],
        ['doc-missing', 'TransactionEvent.legs[]', 'record "Leg" has no doc'],
        ['doc-missing', 'TransactionEvent.legs[].qty', 'field "qty" has no doc'],
        ['doc-missing', 'TransactionEvent.note', 'field "note" has no doc'],
      ]);
      expect(lint(text, { requireDocs: false })).toEqual([]);
    });
  });

  it('visits a recursive schema once per type', () => {
    const text = JSON.stringify({
      type: 'record',
      name: 'Node',
      namespace: 'com.acme',
      doc: 'List node.',
      fields: [
        { name: 'value', type: 'int', doc: 'Value.', default: 'x' },
        { name: 'next', type: ['null', 'Node'], default: null, doc: 'Next.' },
      ],
    });
    expect(rules(text)).toEqual(['invalid-default']);
  });

  it('works without text, leaving out line and column', () => {
    const parsed = parseSchemaOrThrow(rec([{ name: 'x', type: 'int', default: 'x' }]), 'a');
    const [finding] = lintSchema({ model: parsed.model });
    expect(finding).toBeDefined();
    expect(finding!.line).toBeUndefined();
  });
});
