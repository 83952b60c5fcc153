import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];
type Json = Record<string, unknown>;
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, doc: `The ${name}.`, ...extra });
const payment = (fields: Json[]): Json => ({ type: 'record', name: 'Payment', namespace: 'com.acme', doc: 'A payment.', fields });

let dir: string;
const run = async (...args: string[]) => {
  const io = captureIo({}, dir);
  const code = await main(argv(...args), io);
  return { code, out: io.out(), err: io.err() };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamctl-cli-'));
  writeFileSync(join(dir, 'old.avsc'), JSON.stringify(payment([f('id', 'string')])));
  writeFileSync(join(dir, 'fine.avsc'), JSON.stringify(payment([f('id', 'string'), f('fee', ['null', 'double'], { default: null })])));
  writeFileSync(join(dir, 'breaking.avsc'), JSON.stringify(payment([f('id', 'string'), f('fee', 'double')]), null, 2));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamctl schemas (CLI)', () => {
  it('gives the noun and every verb help with examples', async () => {
    for (const verb of [[], ['check'], ['register'], ['list'], ['show'], ['diff']]) {
      const r = await run('schemas', ...verb, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`streamctl schemas ${verb[0] ?? ''}`.trim());
      expect(r.out).toContain('Examples:');
    }
  });

  it('exits 2 on an unknown level, naming the levels', async () => {
    const r = await run('schemas', 'check', 'fine.avsc', '--against', 'old.avsc', '--level', 'SIDEWAYS');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown compatibility level "SIDEWAYS"');
    expect(r.err).toContain('BACKWARD_TRANSITIVE');
  });

  it('accepts levels in any case', async () => {
    expect((await run('schemas', 'check', 'fine.avsc', '--against', 'old.avsc', '--level', 'full-transitive')).code).toBe(0);
  });

  it('exits 2 on usage errors: bad --format, --format with -o json, empty git revision, --against <file> without files, bad version', async () => {
    expect((await run('schemas', 'check', '--format', 'xml')).code).toBe(2);
    const both = await run('-o', 'json', 'schemas', 'check', 'fine.avsc', '--against', 'old.avsc', '--format', 'junit');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--format junit and -o json are alternatives');
    const git = await run('schemas', 'check', '--against', 'git:');
    expect(git.code).toBe(2);
    expect(git.err).toContain('needs a revision');
    const nofiles = await run('schemas', 'check', '--against', 'old.avsc');
    expect(nofiles.code).toBe(2);
    expect(nofiles.err).toContain('needs the new schema file(s)');
    expect((await run('schemas', 'show', 'a-value', '--schema-version', '0')).code).toBe(2);
  });

  it('exits 0 on a compatible file and 1 on an incompatible one, printing the result before failing', async () => {
    const ok = await run('schemas', 'check', 'fine.avsc', '--against', 'old.avsc');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/fine\.avsc\s+old\.avsc\s+BACKWARD\s+compatible/);
    expect(ok.err).toBe('');

    const bad = await run('schemas', 'check', 'breaking.avsc', '--against', 'old.avsc', '--level', 'FULL');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/breaking\.avsc:\d+:\d+: error: Payment\.fee: field added without a default/);
    expect(bad.err).toBe('error: 1 of 1 schema check failed\nhint: the problems and how to fix them are listed above\n');
  });

  it('gives a structured result with -o json and alternative renderings with --format', async () => {
    const json = await run('-o', 'json', 'schemas', 'check', 'breaking.avsc', '--against', 'old.avsc');
    expect(json.code).toBe(1);
    const data = JSON.parse(json.out) as { ok: boolean; entries: { status: string; problems: { path: string }[] }[] };
    expect(data.ok).toBe(false);
    expect(data.entries[0]!.status).toBe('incompatible');
    expect(data.entries[0]!.problems[0]!.path).toBe('Payment.fee');

    const gh = await run('schemas', 'check', 'breaking.avsc', '--against', 'old.avsc', '--format', 'github');
    expect(gh.code).toBe(1);
    expect(gh.out).toMatch(/^::error file=breaking\.avsc,line=\d+,col=\d+,title=/);

    const junit = await run('schemas', 'check', 'fine.avsc', '--against', 'old.avsc', '--format', 'junit');
    expect(junit.code).toBe(0);
    expect(junit.out).toContain('<testsuites name="streamctl schemas check" tests="1" failures="0" errors="0">');
  });

  it('exits 2 with one error line when the registry is unreachable', async () => {
    const io = captureIo({ STREAMCTL_REGISTRY_URL: 'http://127.0.0.1:1' }, dir);
    expect(await main(argv('schemas', 'check', 'fine.avsc'), io)).toBe(2);
    const lines = io.err().trim().split('\n');
    expect(lines[0]).toMatch(
      /^error: unable to check schemas against the registry: schema registry at http:\/\/127\.0\.0\.1:1 unreachable/,
    );
    expect(lines[1]).toMatch(/^hint: .*--against git:main/);
    expect(lines).toHaveLength(2);
    expect(io.out()).toBe('');
  });

  it('exits 2 on an invalid registry URL', async () => {
    const io = captureIo({ STREAMCTL_REGISTRY_URL: 'not a url' }, dir);
    expect(await main(argv('schemas', 'list'), io)).toBe(2);
    expect(io.err()).toContain('invalid schema registry URL "not a url"');
  });
});
