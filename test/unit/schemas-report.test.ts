import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkView, diffView, listView, registerView, renderGithub, renderJunit, showView } from '../../src/output/schemas.js';
import { makeStyle } from '../../src/output/style.js';
import { nodeFs, parseAgainst, runCheck, type CheckResult } from '../../src/schemas/check-run.js';
import { diffSchemas } from '../../src/schemas/diff.js';
import { parseSchemaOrThrow } from '../../src/schemas/parse.js';

type Json = Record<string, unknown>;
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, doc: `The ${name}.`, ...extra });
const payment = (fields: Json[], over: Json = {}): Json => ({
  type: 'record',
  name: 'Payment',
  namespace: 'com.acme',
  doc: 'A payment.',
  fields,
  ...over,
});
const plain = makeStyle(false);

let dir: string;
/** A realistic result: one incompatible file, one invalid, one with a lint error and a warning, one compatible. */
let result: CheckResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'streamctl-report-'));
  const write = (name: string, schema: unknown) =>
    writeFileSync(join(dir, name), typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2));
  write('old.avsc', payment([f('id', 'string'), f('amount', 'double')]));
  write('breaking.avsc', payment([f('id', 'string'), f('amount', 'int')]));
  write('broken.avsc', '{"type": "record", "name": "Payment", "fields": [\n  {"name": "id", "type": "strin"}\n]}');
  write('lint.avsc', payment([f('id', 'string'), f('amount', 'double'), { name: 'fee', type: ['null', 'double'], default: 0.5 }]));
  write('fine.avsc', payment([f('id', 'string'), f('amount', 'double')]));
  result = await runCheck(
    {
      files: ['breaking.avsc', 'broken.avsc', 'lint.avsc', 'fine.avsc'],
      against: parseAgainst('old.avsc'),
      schemas: { dir: 'schemas', defaultLevel: '', subjects: {} },
      projectDir: dir,
    },
    { ...nodeFs, cwd: dir },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check table view', () => {
  it('prints the table, every incompatibility with position, path and fix, the lint findings and a summary', () => {
    const out = checkView(result, plain);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^SUBJECT\s+FILE\s+AGAINST\s+LEVEL\s+RESULT\s+PROBLEMS$/);
    expect(out).toMatch(/^-\s+breaking\.avsc\s+old\.avsc\s+BACKWARD\s+incompatible\s+1 incompatibility$/m);
    expect(out).toMatch(/^-\s+broken\.avsc\s+old\.avsc\s+-\s+invalid\s+syntax error$/m);
    expect(out).toMatch(/^-\s+lint\.avsc\s+old\.avsc\s+BACKWARD\s+lint error\s+1 lint error, 1 warning$/m);
    expect(out).toMatch(/^-\s+fine\.avsc\s+old\.avsc\s+BACKWARD\s+compatible\s+-$/m);

    expect(out).toContain('breaking.avsc is incompatible with old.avsc at BACKWARD:');
    expect(out).toMatch(
      /^ {2}breaking\.avsc:\d+:\d+: error: Payment\.amount: type narrowed from "double" to "int" — .*; keep "double"; .* \(old\.avsc, backward\)$/m,
    );
    expect(out).toContain('broken.avsc:2:26: error: unknown type "strin"');
    expect(out).toContain('    hint: did you mean "string"?');
    expect(out).toMatch(/^lint\.avsc:\d+:\d+: error: default 0\.5 matches the union branch .* \(union-default-not-first-branch\)$/m);
    expect(out).toMatch(/^lint\.avsc:\d+:\d+: warning: field "fee" has no doc \(doc-missing\)$/m);
    expect(lines[lines.length - 1]).toBe(
      '4 schemas checked against old.avsc: 1 compatible, 3 failed (1 invalid, 1 incompatibility, 1 lint error, 1 warning)',
    );
    expect(out).not.toContain('\x1b[');
  });

  it('colours results only when asked', () => {
    expect(checkView(result, makeStyle(true))).toContain('\x1b[31mincompatible');
  });
});

describe('GitHub annotations', () => {
  it('prints one workflow command per problem, escaped, and a summary line', () => {
    const lines = renderGithub(result).split('\n');
    const incompatible = lines.find((l) => l.includes('file=breaking.avsc'))!;
    expect(incompatible).toMatch(
      /^::error file=breaking\.avsc,line=\d+,col=\d+,title=incompatible with old\.avsc \(BACKWARD\)::Payment\.amount: type narrowed/,
    );
    expect(lines).toContain(
      '::error file=broken.avsc,line=2,col=26,title=invalid Avro schema::unknown type "strin"%0Adid you mean "string"?',
    );
    expect(lines.find((l) => l.startsWith('::error file=lint.avsc'))).toMatch(
      /title=Payment\.fee%3A union-default-not-first-branch::default 0\.5/,
    );
    expect(lines.find((l) => l.startsWith('::warning file=lint.avsc'))).toMatch(
      /title=Payment\.fee%3A doc-missing::field "fee" has no doc%0Aadd "doc"/,
    );
    expect(lines.filter((l) => l.startsWith('::'))).toHaveLength(4);
    expect(lines[lines.length - 1]).toMatch(/^4 schemas checked against old\.avsc/);
  });

  it('announces new subjects as notices', () => {
    const fresh: CheckResult = {
      ...result,
      entries: [
        { ...result.entries[3]!, subject: 'pay-value', status: 'new', message: 'subject pay-value is not registered yet', lint: [] },
      ],
    };
    expect(renderGithub(fresh).split('\n')[0]).toBe(
      '::notice file=fine.avsc,title=pay-value%3A new::subject pay-value is not registered yet',
    );
  });
});

describe('JUnit XML', () => {
  it('has one testcase per subject or file, failures for problems, and escapes XML', () => {
    const xml = renderJunit(result);
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="streamctl schemas check" tests="4" failures="3" errors="0">',
      ),
    ).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testcase classname="streamctl.schemas" name="fine.avsc" file="fine.avsc"/>');
    expect(xml).toMatch(
      /<failure type="incompatible" message="1 incompatibility with old.avsc at BACKWARD">breaking\.avsc:\d+:\d+: error: Payment\.amount: type narrowed from &quot;double&quot;/,
    );
    expect(xml).toContain(
      '<failure type="invalid" message="not a valid Avro schema">broken.avsc:2:26: error: unknown type &quot;strin&quot;</failure>',
    );
    expect(xml).toMatch(/<failure type="lint-error" message="1 lint error">lint\.avsc:/);
    expect(xml).toMatch(/<system-out>lint\.avsc:\d+:\d+: warning: field &quot;fee&quot; has no doc \(doc-missing\)<\/system-out>/);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    // Balanced: every opened testcase closes.
    expect((xml.match(/<testcase [^>]*[^/]>/g) ?? []).length).toBe((xml.match(/<\/testcase>/g) ?? []).length);
  });

  it('reports an unusable baseline as an error, not a failure', () => {
    const broken: CheckResult = {
      ...result,
      entries: [{ ...result.entries[3]!, status: 'error', message: 'registered version 1 is not a valid Avro schema (x < y)' }],
    };
    expect(renderJunit(broken)).toContain('failures="0" errors="1"');
    expect(renderJunit(broken)).toContain('<error type="error" message="registered version 1 is not a valid Avro schema (x &lt; y)"/>');
  });
});

describe('register, list, show and diff views', () => {
  it('shows registrations under the check, and says when it was a dry run', () => {
    const ok: CheckResult = { ...result, ok: true, entries: [result.entries[3]!] };
    const out = registerView(
      {
        dryRun: false,
        ok: true,
        check: ok,
        registrations: [
          { subject: 'a-value', file: 'a.avsc', action: 'registered', version: 3, id: 12, levelSet: 'FULL' },
          { subject: 'b-value', file: 'b.avsc', action: 'unchanged', version: 1, id: 4 },
        ],
      },
      plain,
    );
    expect(out).toMatch(/^a-value\s+a\.avsc\s+registered version 3 id 12\s+set FULL$/m);
    expect(out).toMatch(/^b-value\s+b\.avsc\s+unchanged \(version 1 id 4\)\s+-$/m);
    const dry = registerView(
      { dryRun: true, ok: true, check: ok, registrations: [{ subject: 'a-value', file: 'a.avsc', action: 'would-register', version: 1 }] },
      plain,
    );
    expect(dry).toContain('would register version 1');
    expect(dry).toContain('dry run: nothing was changed in the registry');
    expect(registerView({ dryRun: false, ok: false, check: result, registrations: [] }, plain)).toContain('nothing registered');
  });

  it('lists subjects', () => {
    expect(
      listView(
        { registry: 'http://r', subjects: [{ subject: 'a-value', versions: 2, latestVersion: 2, latestId: 7, level: 'FULL' }] },
        plain,
      ),
    ).toBe('SUBJECT  VERSIONS  LATEST VERSION  LATEST ID  LEVEL\na-value  2         2               7          FULL');
    expect(listView({ registry: 'http://r', subjects: [] }, plain)).toBe('no subjects registered at http://r');
  });

  it('pretty-prints a schema under its version and id', () => {
    const out = showView({ subject: 'a-value', version: 2, id: 7, schema: '{"type":"string"}' }, plain);
    expect(out).toBe('a-value  version 2  id 7\n{\n  "type": "string"\n}');
  });

  it('signs each change and aligns the paths', () => {
    const a = parseSchemaOrThrow(JSON.stringify(payment([f('id', 'string'), f('amount', 'int')])), 'a').model;
    const b = parseSchemaOrThrow(
      JSON.stringify(payment([f('id', 'string'), f('amount', 'long'), f('fee', 'double', { default: 0 })])),
      'b',
    ).model;
    const out = diffView({ subject: 'a-value', version: 1, id: 3, file: 'a.avsc', changes: diffSchemas(a, b) }, plain);
    expect(out).toBe(
      [
        'a-value version 1 (id 3) → a.avsc',
        '',
        '~ Payment.amount  type changed from "int" to "long"',
        '+ Payment.fee     field added: "double" with default 0',
        '',
        '2 changes',
      ].join('\n'),
    );
    expect(diffView({ subject: 'a-value', version: 1, id: 3, file: 'a.avsc', changes: [] }, plain)).toContain('no changes');
  });
});
