import avro from 'avsc';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGenerator } from '../../src/produce/datagen.js';
import { DecimalType, parseAvroSchema } from '../../src/produce/logical-types.js';

type Json = Record<string, unknown>;

const files = ['user_event', 'transaction_event'] as const;
const read = (name: string): Json => JSON.parse(readFileSync(new URL(`../../schemas/${name}.avsc`, import.meta.url), 'utf8')) as Json;

/** Every record, enum and fixed defined anywhere in a schema, with its fields. */
function namedTypes(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => namedTypes(n, out));
  else if (node && typeof node === 'object') {
    const n = node as Json;
    if (n.type === 'record' || n.type === 'enum' || n.type === 'fixed') out.push(n);
    if (Array.isArray(n.fields)) for (const f of n.fields as Json[]) namedTypes(f.type, out);
    if (n.items) namedTypes(n.items, out);
    if (n.values) namedTypes(n.values, out);
  }
  return out;
}

describe.each(files)('schemas/%s.avsc', (name) => {
  const json = read(name);

  it('parses with avsc, plain and with streamctl logical types', () => {
    expect(() => avro.Type.forSchema(json as avro.Schema)).not.toThrow();
    const type = parseAvroSchema(json);
    expect(type.name).toMatch(/^io\.streamctl\.portfolio\.(UserEvent|TransactionEvent)$/);
    // Logical types survive an export (what gets registered when streamctl sends a parsed schema).
    expect(
      parseAvroSchema(type.schema({ exportAttrs: true }))
        .fingerprint()
        .equals(type.fingerprint()),
    ).toBe(true);
  });

  it('is namespaced and documents every type and field', () => {
    expect(json.namespace).toBe('io.streamctl.portfolio');
    for (const t of namedTypes(json)) {
      expect(typeof t.doc, `${String(t.name)} has a doc`).toBe('string');
      for (const f of (t.fields as Json[] | undefined) ?? [])
        expect(typeof f.doc, `${String(t.name)}.${String(f.name)} has a doc`).toBe('string');
    }
  });

  it('makes optional fields null unions with a null default', () => {
    for (const t of namedTypes(json)) {
      for (const f of (t.fields as Json[] | undefined) ?? []) {
        if (Array.isArray(f.type) && f.type.includes('null')) {
          expect(f.type[0], `${String(f.name)}`).toBe('null');
          expect(f.default, `${String(f.name)}`).toBeNull();
        }
      }
    }
  });

  it('yields valid test data from its arg.properties', () => {
    const gen = createGenerator(json, { seed: 1 });
    for (let i = 0; i < 500; i++) expect(gen.type.isValid(gen.next())).toBe(true);
  });
});

describe('schemas/transaction_event.avsc', () => {
  const json = read('transaction_event');
  const type = parseAvroSchema(json) as avro.types.RecordType;
  const decimal = (field: string) => {
    const t = type.field(field).type;
    const d = (t.typeName.startsWith('union') ? (t as avro.types.UnwrappedUnionType).types[1] : t) as DecimalType;
    return [d.precision, d.scale];
  };

  it('keeps money in decimals: quantity (18,6), price (18,4), amount and fee (18,2)', () => {
    expect(decimal('quantity')).toEqual([18, 6]);
    expect(decimal('price')).toEqual([18, 4]);
    expect(decimal('amount')).toEqual([18, 2]);
    expect(decimal('fee')).toEqual([18, 2]);
  });

  it('generates trades that add up and cash movements without instruments', () => {
    const gen = createGenerator(json, { seed: 5 });
    const kinds = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const e = gen.next() as Record<string, string | null>;
      kinds.add(e.type as string);
      expect(Number(e.amount)).toBeGreaterThan(0);
      expect(e.currency).toMatch(/^[A-Z]{3}$/);
      if (e.type === 'DEPOSIT' || e.type === 'WITHDRAWAL') {
        expect([e.symbol, e.quantity, e.price, e.fee]).toEqual([null, null, null, null]);
      } else {
        expect(e.symbol).toMatch(/^[A-Z.]+$/);
        const gross = Number(e.quantity) * Number(e.price);
        expect(Math.abs(Number(e.amount) - gross)).toBeLessThanOrEqual(0.005 + 1e-9);
      }
      if (e.type === 'BUY' || e.type === 'SELL') expect(Number(e.fee)).toBeGreaterThanOrEqual(0.99);
    }
    expect(kinds).toEqual(new Set(['BUY', 'SELL', 'DEPOSIT', 'WITHDRAWAL', 'DIVIDEND']));
  });

  it('prices tickers near their real level', () => {
    const gen = createGenerator(json, { seed: 6 });
    for (let i = 0; i < 1000; i++) {
      const e = gen.next() as Record<string, string | null>;
      if (e.symbol === 'AAPL' && e.type !== 'DIVIDEND') {
        expect(Number(e.price)).toBeGreaterThan(150);
        expect(Number(e.price)).toBeLessThan(250);
      }
    }
  });
});
