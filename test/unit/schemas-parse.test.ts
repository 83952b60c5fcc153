import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { indexJson, JsonScanError, lineColumnAt } from '../../src/schemas/json-positions.js';
import { parseSchema, parseSchemaOrThrow, SchemaParseError, type ParseResult } from '../../src/schemas/parse.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/schemas/${name}`, import.meta.url), 'utf8');

function failure(result: ParseResult) {
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

/** The text at an error's line and column. */
function at(text: string, line: number, column: number): string {
  return text.split('\n')[line - 1]!.slice(column - 1);
}

describe('indexJson', () => {
  it('records key and value offsets by JSON pointer', () => {
    const text = '{\n  "a": [1, {"b/c": "x"}],\n  "d~": null\n}';
    const spans = indexJson(text);
    expect(spans.get('')).toEqual({ value: 0 });
    expect(spans.get('/a')).toEqual({ key: 4, value: 9 });
    expect(text.slice(spans.get('/a/1/b~1c')!.value)).toMatch(/^"x"/);
    expect(text.slice(spans.get('/d~0')!.key!)).toMatch(/^"d~"/);
    expect(lineColumnAt(text, spans.get('/d~0')!.value)).toEqual({ line: 3, column: 9 });
  });

  it('stops at the first syntax error', () => {
    expect(() => indexJson('{"a": tru}')).toThrow(JsonScanError);
    try {
      indexJson('[1, 2,, 3]');
    } catch (err) {
      expect((err as JsonScanError).offset).toBe(6);
    }
  });
});

describe('parseSchema', () => {
  it('parses a valid schema into JSON, model and avsc type', () => {
    const result = parseSchema(fixture('transaction-event.avsc'), 'transaction-event.avsc');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { schema } = result;
    expect(schema.model.root).toMatchObject({ type: 'record', fullName: 'com.acme.portfolio.TransactionEvent' });
    expect([...schema.model.named.keys()]).toEqual([
      'com.acme.portfolio.TransactionEvent',
      'com.acme.portfolio.TransactionType',
      'com.acme.portfolio.Sha256',
      'com.acme.portfolio.Leg',
    ]);
    expect(schema.type?.name).toBe('com.acme.portfolio.TransactionEvent');
    const event = { id: 'e1', timestamp: 1, type: 'BUY', amount: Buffer.from([1]), hash: Buffer.alloc(32), legs: [], fee: null, tags: {} };
    expect(schema.type!.isValid(event)).toBe(true);
  });

  it('locates JSON syntax errors with a plain message and a hint', () => {
    const text = '{\n  "type": "record",\n  "name": "A",\n  "fields": [],\n}';
    const error = failure(parseSchema(text, 'a.avsc'));
    expect(error).toMatchObject({ file: 'a.avsc', line: 5, column: 1, hint: 'JSON allows no comma after the last element' });
    expect(error.message).toMatch(/^invalid JSON: /);
    expect(error.message).not.toMatch(/position/);
  });

  it('locates syntax errors V8 reports without a position', () => {
    const text = '{\n  "type": "record",\n  "name": tru\n}';
    const error = failure(parseSchema(text, 'a.avsc'));
    expect(error).toMatchObject({ line: 3, column: 11 });
    expect(at(text, error.line, error.column)).toBe('tru');
  });

  it('locates a missing comma and an unterminated document', () => {
    const missing = '{\n  "type": "record"\n  "name": "A"\n}';
    expect(failure(parseSchema(missing, 'a.avsc'))).toMatchObject({ line: 3, column: 3, hint: 'a comma is missing before this' });
    const cut = '{\n  "type": "record",\n  "name": "A"';
    expect(failure(parseSchema(cut, 'a.avsc'))).toMatchObject({
      line: 3,
      column: 14,
      message: 'invalid JSON: the JSON ends too early',
    });
  });

  it('says so when the file is empty, and points at comments', () => {
    expect(failure(parseSchema('  \n', 'e.avsc'))).toMatchObject({ line: 1, column: 1, message: 'the file is empty' });
    expect(failure(parseSchema('{\n  // a comment\n  "type": "string"\n}', 'c.avsc'))).toMatchObject({
      line: 2,
      column: 3,
      hint: 'JSON has no comments; put notes in "doc"',
    });
  });

  it('locates unknown type names at the name', () => {
    const text = [
      '{',
      '  "type": "record", "name": "TransactionEvent",',
      '  "fields": [',
      '    {"name": "fee", "type": "Money"}',
      '  ]',
      '}',
    ].join('\n');
    const error = failure(parseSchema(text, 't.avsc'));
    expect(error).toMatchObject({ line: 4, column: 29, message: 'unknown type "Money"' });
    expect(at(text, error.line, error.column)).toMatch(/^"Money"/);
  });

  it('hints at case mistakes, typos and types defined further down', () => {
    expect(failure(parseSchema('{"type": "record", "name": "A", "fields": [{"name": "x", "type": "String"}]}', 'a')).hint).toBe(
      'type names are case-sensitive: use "string"',
    );
    expect(failure(parseSchema('{"type": "record", "name": "A", "fields": [{"name": "x", "type": "doubel"}]}', 'a')).hint).toBe(
      'did you mean "double"?',
    );
    const later = JSON.stringify({
      type: 'record',
      name: 'A',
      fields: [
        { name: 'x', type: 'B' },
        { name: 'y', type: { type: 'fixed', name: 'B', size: 4 } },
      ],
    });
    expect(failure(parseSchema(later, 'a')).hint).toMatch(/"B" is defined further down/);
  });

  it('locates missing attributes at the object that lacks them', () => {
    const noFields = '{\n  "type": "record",\n  "name": "A"\n}';
    expect(failure(parseSchema(noFields, 'a'))).toMatchObject({ line: 1, column: 1, message: 'record "A" has no "fields" array' });
    const noType = '{"type": "record", "name": "A", "fields": [\n  {"name": "x"}\n]}';
    expect(failure(parseSchema(noType, 'a'))).toMatchObject({ line: 2, column: 3, message: 'field "x" of record "A" has no "type"' });
    expect(failure(parseSchema('{"type": "array"}', 'a')).message).toBe('array has no "items"');
    expect(failure(parseSchema('{"type": "map"}', 'a')).message).toBe('map has no "values"');
    expect(failure(parseSchema('{"type": "enum", "name": "E"}', 'a')).message).toBe('enum "E" needs a "symbols" array of strings');
    expect(failure(parseSchema('{"type": "fixed", "name": "F", "size": "16"}', 'a'))).toMatchObject({
      column: 40,
      message: 'fixed "F" needs a "size" in bytes (a non-negative integer)',
    });
    expect(failure(parseSchema('{"type": "record", "fields": []}', 'a')).message).toBe('record has no "name"');
    expect(failure(parseSchema('{"name": "A"}', 'a')).message).toBe('missing "type"');
    expect(failure(parseSchema('null', 'a')).hint).toBe('the null type is written as the string "null"');
  });

  it('refuses nested and duplicated union branches', () => {
    expect(failure(parseSchema('["null", ["int", "long"]]', 'a'))).toMatchObject({
      column: 10,
      message: "a union can't directly contain another union",
    });
    expect(failure(parseSchema('["null", "string", "string"]', 'a'))).toMatchObject({
      column: 20,
      message: 'the union has more than one "string" branch',
    });
    expect(failure(parseSchema('[]', 'a')).message).toBe('a union needs at least one branch');
  });

  it('refuses a bad field order', () => {
    expect(
      failure(parseSchema('{"type": "record", "name": "A", "fields": [{"name": "x", "type": "int", "order": "up"}]}', 'a')).message,
    ).toBe('field "x": "order" must be "ascending", "descending" or "ignore"');
  });

  it('keeps a schema avsc refuses when lint explains why, without a type', () => {
    const result = parseSchema(fixture('broken-lint.avsc'), 'broken-lint.avsc');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.schema.type).toBeUndefined();
    expect(result.schema.typeError).toMatch(/default/);
  });

  it('resolves references the way Java does', () => {
    // A null-namespace type referred to from inside a namespace, and {"type": "Name"} as a reference.
    const text = JSON.stringify({
      type: 'record',
      name: 'Outer',
      fields: [
        { name: 'money', type: { type: 'fixed', name: 'Money', size: 8 } },
        {
          name: 'inner',
          type: { type: 'record', name: 'Inner', namespace: 'com.acme', fields: [{ name: 'm', type: 'Money' }] },
        },
        { name: 'again', type: { type: 'Money' } },
      ],
    });
    const parsed = parseSchemaOrThrow(text, 'ref.avsc');
    const root = parsed.model.root;
    if (root.type !== 'record') throw new Error('expected a record');
    const inner = root.fields[1]!.type;
    if (inner.type !== 'record') throw new Error('expected a record');
    expect(inner.fields[0]!.type).toBe(root.fields[0]!.type);
    expect(root.fields[2]!.type).toBe(root.fields[0]!.type);
    expect(parsed.type).toBeDefined();
  });

  it('applies namespaces and aliases like Java', () => {
    const parsed = parseSchemaOrThrow(
      JSON.stringify({
        type: 'record',
        name: 'com.acme.Event',
        namespace: 'ignored.ns',
        aliases: ['Old', 'org.x.Older'],
        fields: [{ name: 'e', type: { type: 'enum', name: 'Kind', symbols: ['A'] } }],
      }),
      'ns.avsc',
    );
    expect(parsed.model.root).toMatchObject({ name: 'Event', namespace: 'com.acme', aliases: ['com.acme.Old', 'org.x.Older'] });
    expect([...parsed.model.named.keys()]).toEqual(['com.acme.Event', 'com.acme.Kind']);
  });

  it('handles a byte-order mark without shifting columns', () => {
    const error = failure(parseSchema('\uFEFF{"type": "Nope"}', 'bom.avsc'));
    expect(error).toMatchObject({ line: 1, column: 11, message: 'unknown type "Nope"' });
  });

  it('throws a located SchemaParseError from parseSchemaOrThrow, which exits 2 (bad input, not a failed check)', () => {
    try {
      parseSchemaOrThrow('{\n  "type": "Money"\n}', 'money.avsc');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(SchemaParseError);
      const e = err as SchemaParseError;
      expect(e.message).toBe('money.avsc:2:11: unknown type "Money"');
      expect(e).toMatchObject({ file: 'money.avsc', line: 2, column: 11, detail: 'unknown type "Money"', exitCode: ExitCode.Usage });
    }
  });
});
