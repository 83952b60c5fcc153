import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { SchemasConfig } from '../../src/config/index.js';
import {
  defaultSubjectFor,
  defaultTopicFor,
  findSubject,
  mapSubjects,
  subjectsForFile,
  topicOfSubject,
  valueSubject,
} from '../../src/schemas/subjects.js';

const config = (over: Partial<SchemasConfig> = {}): SchemasConfig => ({ dir: 'schemas', defaultLevel: '', subjects: {}, ...over });

describe('default subjects (TopicNameStrategy)', () => {
  it("maps the platform's schema files to their topics' subjects", () => {
    expect(defaultSubjectFor('schemas/transaction_event.avsc')).toBe('transactions-value');
    expect(defaultSubjectFor('user_event.avsc')).toBe('user-events-value');
    expect(defaultTopicFor('schemas/transaction_event.avsc')).toBe('transactions');
  });

  it('maps any other file to its name with _ replaced by -', () => {
    expect(defaultSubjectFor('schemas/order_line_item.avsc')).toBe('order-line-item-value');
    expect(defaultSubjectFor('C:\\work\\schemas\\payments.avsc')).toBe('payments-value');
    expect(defaultSubjectFor('schemas/Mixed_Case.AVSC')).toBe('Mixed-Case-value');
  });

  it('names value subjects and reads topics back', () => {
    expect(valueSubject('transactions')).toBe('transactions-value');
    expect(topicOfSubject('user-events-value')).toBe('user-events');
    expect(topicOfSubject('orders-key')).toBe('orders');
    expect(topicOfSubject('com.acme.Payment')).toBeUndefined();
  });
});

describe('mapSubjects', () => {
  it('without configured subjects, maps every .avsc of the schema folder, sorted by subject', () => {
    const m = mapSubjects(config(), ['user_event.avsc', 'README.md', 'transaction_event.avsc', 'order_line.avsc']);
    expect(m).toEqual([
      { subject: 'order-line-value', file: 'schemas/order_line.avsc', configured: false },
      { subject: 'transactions-value', file: 'schemas/transaction_event.avsc', configured: false },
      { subject: 'user-events-value', file: 'schemas/user_event.avsc', configured: false },
    ]);
  });

  it('uses the configured folder', () => {
    expect(mapSubjects(config({ dir: 'avro/' }), ['a_b.avsc'])).toEqual([
      { subject: 'a-b-value', file: 'avro/a_b.avsc', configured: false },
    ]);
  });

  it('with configured subjects, uses exactly those, with their levels', () => {
    const m = mapSubjects(
      config({
        defaultLevel: 'full',
        subjects: {
          'payments-value': { file: './avro/payment.avsc', level: 'backward-transitive' },
          'refunds-value': { file: 'avro/refund.avsc' },
        },
      }),
      ['ignored.avsc'],
    );
    expect(m).toEqual([
      { subject: 'payments-value', file: 'avro/payment.avsc', configured: true, level: 'BACKWARD_TRANSITIVE', levelSource: 'subject' },
      { subject: 'refunds-value', file: 'avro/refund.avsc', configured: true, level: 'FULL', levelSource: 'defaultLevel' },
    ]);
    expect(findSubject(m, 'refunds-value')?.file).toBe('avro/refund.avsc');
    expect(findSubject(m, 'nope')).toBeUndefined();
  });

  it('rejects an unknown level, naming where it was written', () => {
    expect(() => mapSubjects(config({ subjects: { 's-value': { file: 'a.avsc', level: 'SIDEWAYS' } } }))).toThrow(ConfigError);
    expect(() => mapSubjects(config({ subjects: { 's-value': { file: 'a.avsc', level: 'SIDEWAYS' } } }))).toThrow(
      /schemas\.subjects\.s-value\.level/,
    );
    expect(() => mapSubjects(config({ defaultLevel: 'nope' }), ['a.avsc'])).toThrow(/schemas\.defaultLevel/);
  });
});

describe('subjectsForFile', () => {
  const schemas = config({ subjects: { 'a-value': { file: 'schemas/x.avsc' }, 'b-value': { file: 'schemas/x.avsc', level: 'NONE' } } });
  const mappings = mapSubjects(schemas);

  it('returns every subject a mapped file feeds', () => {
    expect(subjectsForFile(mappings, './schemas/x.avsc', schemas).map((m) => m.subject)).toEqual(['a-value', 'b-value']);
  });

  it('falls back to the default subject of an unmapped file', () => {
    expect(subjectsForFile(mappings, 'other/user_event.avsc', { ...schemas, defaultLevel: 'FORWARD' })).toEqual([
      { subject: 'user-events-value', file: 'other/user_event.avsc', configured: false, level: 'FORWARD', levelSource: 'defaultLevel' },
    ]);
  });
});
