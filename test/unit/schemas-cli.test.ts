import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  // A trailing comma on line 5: JSON.parse stops at the } on line 6, column 1.
  writeFileSync(
    join(dir, 'broken.avsc'),
    '{\n  "type": "record",\n  "name": "Payment",\n  "fields": [{"name": "id", "type": "string"}],\n  "doc": "x",\n}\n',
  );
  // "strin" on line 3 starts at column 37 (the quote).
  writeFileSync(
    join(dir, 'typo.avsc'),
    '{\n  "type": "record", "name": "Payment", "namespace": "com.acme", "doc": "A payment.",\n  "fields": [{"name": "id", "type": "strin", "doc": "The id."}]\n}\n',
  );
  // A union default that is not the first branch: a lint error.
  writeFileSync(join(dir, 'lint.avsc'), JSON.stringify(payment([f('id', 'string'), f('fee', ['null', 'double'], { default: 0.5 })])));
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

  it('exits 2 on malformed JSON, after the result, naming file:line:column with the hint', async () => {
    const r = await run('schemas', 'check', 'broken.avsc', '--against', 'old.avsc');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^-\s+broken\.avsc\s+old\.avsc\s+-\s+invalid\s+syntax error$/m);
    expect(r.out).toContain('broken.avsc:6:1: error: invalid JSON: ');
    const [error, hint, ...rest] = r.err.trimEnd().split('\n');
    expect(error).toMatch(/^error: broken\.avsc:6:1: invalid JSON: /);
    expect(hint).toBe('hint: JSON allows no comma after the last element');
    expect(rest).toEqual([]);
  });

  it('exits 2 on an unknown type, with the location and a did-you-mean hint', async () => {
    const r = await run('schemas', 'check', 'typo.avsc', '--against', 'old.avsc');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/typo\.avsc\s+old\.avsc\s+-\s+invalid/);
    expect(r.err).toBe('error: typo.avsc:3:37: unknown type "strin"\nhint: did you mean "string"?\n');
  });

  it('exits 2 on an invalid file in every output format, after printing it', async () => {
    const json = await run('-o', 'json', 'schemas', 'check', 'typo.avsc', '--against', 'old.avsc');
    expect(json.code).toBe(2);
    const data = JSON.parse(json.out) as { ok: boolean; entries: { status: string; parseError: { line: number; column: number } }[] };
    expect(data.ok).toBe(false);
    expect(data.entries[0]).toMatchObject({ status: 'invalid', parseError: { line: 3, column: 37 } });

    const gh = await run('schemas', 'check', 'typo.avsc', '--against', 'old.avsc', '--format', 'github');
    expect(gh.code).toBe(2);
    expect(gh.out).toMatch(/^::error file=typo\.avsc,line=3,col=37,title=invalid Avro schema::unknown type "strin"/m);

    const junit = await run('schemas', 'check', 'typo.avsc', '--against', 'old.avsc', '--format', 'junit');
    expect(junit.code).toBe(2);
    expect(junit.out).toContain('<failure type="invalid" message="not a valid Avro schema">');
  });

  it('exits 2 when an invalid file comes with incompatible ones, counting the rest', async () => {
    const r = await run('schemas', 'check', 'broken.avsc', 'breaking.avsc', 'typo.avsc', '--against', 'old.avsc');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/breaking\.avsc\s+old\.avsc\s+BACKWARD\s+incompatible/);
    expect(r.err.split('\n')[0]).toMatch(
      /^error: broken\.avsc:6:1: invalid JSON: .* \(and 1 more invalid schema file and 1 more failed check, listed above\)$/,
    );
  });

  it('keeps exit 1 for lint errors and incompatibilities', async () => {
    const lint = await run('schemas', 'check', 'lint.avsc', '--against', 'old.avsc');
    expect(lint.code).toBe(1);
    expect(lint.out).toMatch(/lint\.avsc\s+old\.avsc\s+BACKWARD\s+lint error/);
    expect(lint.err).toContain('error: 1 of 1 schema check failed');
    expect((await run('schemas', 'check', 'breaking.avsc', 'lint.avsc', '--against', 'old.avsc')).code).toBe(1);
  });

  it('exits 2 when the previous schema is malformed', async () => {
    const r = await run('schemas', 'check', 'fine.avsc', '--against', 'typo.avsc');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error: unable to use typo.avsc as the previous schema: typo.avsc:3:37: unknown type "strin"\nhint: did you mean "string"?\n',
    );
  });

  it('exits 2 from diff on a malformed file, before asking the registry', async () => {
    const io = captureIo({ STREAMCTL_REGISTRY_URL: 'http://127.0.0.1:1' }, dir);
    expect(await main(argv('schemas', 'diff', 'payments-value', 'broken.avsc'), io)).toBe(2);
    expect(io.err()).toMatch(/^error: broken\.avsc:6:1: invalid JSON: .*\nhint: JSON allows no comma after the last element\n$/);
  });

  it('exits 2 on an unknown git revision, even when the file itself is broken, and outside a git repository', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'streamctl-cli-git-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
      mkdirSync(join(repo, 'schemas'));
      writeFileSync(join(repo, 'schemas', 'payment.avsc'), JSON.stringify(payment([f('id', 'string')])));
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'v1');
      const inRepo = async (...args: string[]) => {
        const io = captureIo({}, repo);
        return { code: await main(argv(...args), io), out: io.out(), err: io.err() };
      };
      expect((await inRepo('schemas', 'check', '--against', 'git:main')).code).toBe(0);
      const unknown = await inRepo('schemas', 'check', '--against', 'git:no-such-branch');
      expect(unknown.code).toBe(2);
      expect(unknown.err).toMatch(
        /^error: unable to read the schemas at git revision no-such-branch: unknown revision "no-such-branch"\nhint: /,
      );
      expect(unknown.out).toBe('');

      writeFileSync(join(repo, 'schemas', 'payment.avsc'), '{"type": "record",');
      const both = await inRepo('schemas', 'check', '--against', 'git:no-such-branch');
      expect(both.code).toBe(2);
      expect(both.err).toContain('unknown revision "no-such-branch"');

      const outside = await run('schemas', 'check', 'fine.avsc', '--against', 'git:main');
      expect(outside.code).toBe(2);
      expect(outside.err).toContain('not in a git repository');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('exits 2 on an invalid STREAMCTL_REGISTRY_CONCURRENCY', async () => {
    const io = captureIo({ STREAMCTL_REGISTRY_CONCURRENCY: 'many' }, dir);
    expect(await main(argv('schemas', 'check', 'fine.avsc', '--against', 'old.avsc'), io)).toBe(2);
    expect(io.err()).toContain('invalid STREAMCTL_REGISTRY_CONCURRENCY "many"');
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

  it('checks offline (a file, git) without resolving the registry at all', async () => {
    const io = captureIo({ STREAMCTL_REGISTRY_URL: 'not a url' }, dir);
    expect(await main(argv('schemas', 'check', 'fine.avsc', '--against', 'old.avsc'), io)).toBe(0);
    expect(io.err()).toBe('');
  });
});
