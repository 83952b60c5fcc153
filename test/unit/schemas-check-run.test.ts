import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SchemasConfig } from '../../src/config/index.js';
import { ConfigError, ConnectionError, UsageError } from '../../src/errors.js';
import { nodeFs, parseAgainst, runCheck, type SchemaDeps } from '../../src/schemas/check-run.js';
import { createGitReader } from '../../src/schemas/git.js';
import { checkFailed } from '../../src/commands/schemas/check.js';
import { RegistryError } from '../../src/registry/client.js';
import { runRegister } from '../../src/schemas/register-run.js';
import { runDiff, runList, runShow } from '../../src/schemas/inspect-run.js';
import { FakeRegistry } from '../helpers/fake-registry.js';

type Json = Record<string, unknown>;
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, doc: `The ${name}.`, ...extra });
const payment = (fields: Json[]): Json => ({ type: 'record', name: 'Payment', namespace: 'com.acme', doc: 'A payment.', fields });
const V1 = payment([f('id', 'string'), f('amount', 'double')]);
const V2_COMPATIBLE = payment([f('id', 'string'), f('amount', 'double'), f('fee', ['null', 'double'], { default: null })]);
const V2_BREAKING = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double')]);

let dir: string;
const schemas = (over: Partial<SchemasConfig> = {}): SchemasConfig => ({ dir: 'schemas', defaultLevel: '', subjects: {}, ...over });
const write = (rel: string, schema: unknown): string => {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2));
  return path;
};
const deps = (over: Partial<SchemaDeps> = {}): SchemaDeps => ({ ...nodeFs, cwd: dir, git: createGitReader(), ...over });
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamctl-schemas-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseAgainst', () => {
  it('reads registry, git:<rev> and files', () => {
    expect(parseAgainst('registry')).toEqual({ kind: 'registry' });
    expect(parseAgainst('git:HEAD~1')).toEqual({ kind: 'git', rev: 'HEAD~1' });
    expect(parseAgainst('old.avsc')).toEqual({ kind: 'file', file: 'old.avsc' });
    expect(() => parseAgainst('git:')).toThrow(UsageError);
  });
});

describe('runCheck --against <file>', () => {
  it('passes a compatible change, at BACKWARD by default', async () => {
    write('old.avsc', V1);
    write('new.avsc', V2_COMPATIBLE);
    const r = await runCheck({ files: ['new.avsc'], against: parseAgainst('old.avsc'), schemas: schemas(), projectDir: dir }, deps());
    expect(r.ok).toBe(true);
    expect(r.entries).toEqual([
      expect.objectContaining({
        subject: null,
        file: 'new.avsc',
        against: 'old.avsc',
        level: 'BACKWARD',
        levelSource: 'default',
        status: 'compatible',
        problems: [],
      }),
    ]);
  });

  it('explains an incompatibility with its path, fix and position', async () => {
    write('old.avsc', V1);
    write('new.avsc', V2_BREAKING);
    const r = await runCheck(
      { files: ['new.avsc'], against: parseAgainst('old.avsc'), level: 'FULL', schemas: schemas(), projectDir: dir },
      deps(),
    );
    expect(r.ok).toBe(false);
    const [entry] = r.entries;
    expect(entry).toMatchObject({ status: 'incompatible', level: 'FULL', levelSource: 'flag' });
    expect(entry!.problems).toHaveLength(1);
    expect(entry!.problems[0]).toMatchObject({ path: 'Payment.fee', direction: 'backward', kind: 'READER_FIELD_MISSING_DEFAULT_VALUE' });
    expect(entry!.problems[0]!.fix).toContain('"default": null');
    expect(entry!.problems[0]!.line).toBeGreaterThan(1);
    expect(r.summary).toMatchObject({ checked: 1, failed: 1, incompatibilities: 1 });
  });

  it('reports a syntax error with its position and lint errors as failures; warnings pass', async () => {
    write('old.avsc', V1);
    write('broken.avsc', '{ "type": "record", "name": "Payment", "fields": [ }');
    write('lint.avsc', payment([f('id', 'string'), f('amount', 'double'), f('fee', ['null', 'double'], { default: 0.5 })]));
    write('warn.avsc', { ...V2_COMPATIBLE, doc: undefined });
    const r = await runCheck(
      { files: ['broken.avsc', 'lint.avsc', 'warn.avsc'], against: parseAgainst('old.avsc'), schemas: schemas(), projectDir: dir },
      deps(),
    );
    expect(r.entries.map((e) => e.status)).toEqual(['invalid', 'lint-error', 'compatible']);
    expect(r.entries[0]!.parseError).toMatchObject({ file: 'broken.avsc', line: 1 });
    expect(r.entries[1]!.lint.map((x) => x.rule)).toContain('union-default-not-first-branch');
    expect(r.entries[2]!.lint).toEqual([expect.objectContaining({ severity: 'warning', rule: 'doc-missing' })]);
    expect(r.summary).toMatchObject({ failed: 2, invalid: 1, lintWarnings: 1 });
  });

  it('needs the files to check, and a readable previous schema', async () => {
    write('old.avsc', V1);
    await expect(runCheck({ against: parseAgainst('old.avsc'), schemas: schemas(), projectDir: dir }, deps())).rejects.toThrow(
      /needs the new schema/,
    );
    write('new.avsc', V1);
    await expect(
      runCheck({ files: ['new.avsc'], against: parseAgainst('missing.avsc'), schemas: schemas(), projectDir: dir }, deps()),
    ).rejects.toThrow(/unable to read schema missing\.avsc: no such file/);
    write('bad-old.avsc', '{');
    await expect(
      runCheck({ files: ['new.avsc'], against: parseAgainst('bad-old.avsc'), schemas: schemas(), projectDir: dir }, deps()),
    ).rejects.toThrow(UsageError);
  });
});

describe('runCheck --against git:<rev> (a real repository)', () => {
  beforeEach(() => {
    git('init', '-q', '-b', 'main');
    write('schemas/payment.avsc', V1);
    git('add', '.');
    git('commit', '-q', '-m', 'v1');
  });

  it('checks the working file against the committed one', async () => {
    write('schemas/payment.avsc', V2_BREAKING);
    const r = await runCheck({ against: parseAgainst('git:HEAD'), schemas: schemas(), projectDir: dir }, deps());
    expect(r.against).toBe('git:HEAD');
    expect(r.entries).toEqual([
      expect.objectContaining({
        subject: 'payment-value',
        file: 'schemas/payment.avsc',
        against: 'git:HEAD',
        level: 'BACKWARD',
        status: 'incompatible',
      }),
    ]);

    write('schemas/payment.avsc', V2_COMPATIBLE);
    const ok = await runCheck({ against: parseAgainst('git:main'), schemas: schemas(), projectDir: dir }, deps());
    expect(ok.entries[0]!.status).toBe('compatible');
  });

  it('uses the configured level, and finds files from a subfolder', async () => {
    write('schemas/payment.avsc', payment([f('id', 'string')]));
    mkdirSync(join(dir, 'sub'));
    const r = await runCheck(
      {
        against: parseAgainst('git:HEAD'),
        schemas: schemas({ subjects: { 'pay-value': { file: 'schemas/payment.avsc', level: 'FORWARD' } } }),
        projectDir: dir,
      },
      deps({ cwd: join(dir, 'sub') }),
    );
    // Removing a field without a default is forward-incompatible only.
    expect(r.entries[0]).toMatchObject({
      subject: 'pay-value',
      file: '../schemas/payment.avsc',
      level: 'FORWARD',
      levelSource: 'subject',
      status: 'incompatible',
    });
  });

  it('reports a file that does not exist at the revision as new', async () => {
    write('schemas/refund_event.avsc', { ...V1, name: 'Refund' });
    const r = await runCheck({ against: parseAgainst('git:HEAD'), schemas: schemas(), projectDir: dir }, deps());
    expect(r.entries.map((e) => [e.subject, e.status])).toEqual([
      ['payment-value', 'compatible'],
      ['refund-event-value', 'new'],
    ]);
    expect(r.entries[1]!.message).toMatch(/does not exist at git:HEAD/);
    expect(r.ok).toBe(true);
  });

  it('fails with a usage error on an unknown revision', async () => {
    await expect(runCheck({ against: parseAgainst('git:no-such-branch'), schemas: schemas(), projectDir: dir }, deps())).rejects.toThrow(
      /unable to read the schemas at git revision no-such-branch: unknown revision/,
    );
  });

  it('fails with a usage error outside a repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'streamctl-nogit-'));
    try {
      writeFileSync(join(outside, 'a.avsc'), JSON.stringify(V1));
      await expect(
        runCheck({ files: ['a.avsc'], against: parseAgainst('git:HEAD'), schemas: schemas(), projectDir: outside }, deps({ cwd: outside })),
      ).rejects.toThrow(/not in a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('runCheck --against registry (in-memory registry)', () => {
  it('reports a subject that does not exist yet as new', async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry();
    const r = await runCheck({ schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(r.entries[0]).toMatchObject({
      subject: 'payment-value',
      status: 'new',
      against: 'registry',
      level: 'BACKWARD',
      levelSource: 'registry',
    });
    expect(r.registry).toBe('http://fake-registry');
  });

  it("resolves the level: --level, then the subject's, then defaultLevel, then the registry's subject and global level", async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry().seed('payment-value', V1);
    registry.globalLevel = 'FORWARD';
    const level = async (opts: { level?: 'NONE'; schemas?: SchemasConfig }) =>
      (
        await runCheck(
          { schemas: opts.schemas ?? schemas(), projectDir: dir, ...(opts.level ? { level: opts.level } : {}) },
          deps({ registry }),
        )
      ).entries[0];
    expect(await level({})).toMatchObject({ level: 'FORWARD', levelSource: 'registry' });
    registry.levels.set('payment-value', 'FULL');
    expect(await level({})).toMatchObject({ level: 'FULL', levelSource: 'registry' });
    expect(await level({ schemas: schemas({ defaultLevel: 'BACKWARD_TRANSITIVE' }) })).toMatchObject({
      level: 'BACKWARD_TRANSITIVE',
      levelSource: 'defaultLevel',
    });
    const configured = schemas({
      defaultLevel: 'FULL',
      subjects: { 'payment-value': { file: 'schemas/payment.avsc', level: 'FORWARD_TRANSITIVE' } },
    });
    expect(await level({ schemas: configured })).toMatchObject({ level: 'FORWARD_TRANSITIVE', levelSource: 'subject' });
    expect(await level({ schemas: configured, level: 'NONE' })).toMatchObject({ level: 'NONE', levelSource: 'flag' });
  });

  it('checks only the latest version at BACKWARD and every version at BACKWARD_TRANSITIVE', async () => {
    // v1 lacks "fee"; v2 added it with a default; the file drops the default: fine against v2, not v1.
    const v2 = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double', { default: 0 })]);
    write('schemas/payment.avsc', V2_BREAKING);
    const registry = new FakeRegistry().seed('payment-value', V1, v2);
    const backward = await runCheck({ level: 'BACKWARD', schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(backward.entries[0]).toMatchObject({ status: 'compatible', against: 'registry v2', versions: [2] });
    expect(registry.calls).not.toContain('version payment-value 1');

    const transitive = await runCheck({ level: 'BACKWARD_TRANSITIVE', schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(transitive.entries[0]).toMatchObject({ status: 'incompatible', against: 'registry v1-v2', versions: [2, 1] });
    expect(transitive.entries[0]!.problems.map((p) => [p.path, p.against])).toEqual([['Payment.fee', 1]]);
  });

  it('turns an unreachable registry into one connection error that suggests git and dev up', async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry();
    registry.getGlobalLevel = async () => {
      throw new ConnectionError(
        'unable to read the global compatibility level: schema registry at http://x unreachable (connect ECONNREFUSED)',
      );
    };
    const err = await runCheck({ schemas: schemas(), projectDir: dir }, deps({ registry })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).message).toBe(
      'unable to check schemas against the registry: schema registry at http://x unreachable (connect ECONNREFUSED)',
    );
    expect((err as ConnectionError).hint).toMatch(/--against git:main.*|streamctl dev up/);
  });

  it('keeps an authentication or not-JSON failure of the first call with its own hint', async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry();
    registry.getGlobalLevel = async () => {
      throw new RegistryError(
        'unable to read the global compatibility level: authentication failed for the schema registry at http://x (HTTP 401)',
        'auth',
        401,
        { hint: 'check the registry username and password' },
      );
    };
    const err = (await runCheck({ schemas: schemas(), projectDir: dir }, deps({ registry })).catch((e: unknown) => e)) as ConnectionError;
    expect(err.message).toBe(
      'unable to check schemas against the registry: authentication failed for the schema registry at http://x (HTTP 401)',
    );
    expect(err.hint).toBe('check the registry username and password');
    expect(err.exitCode).toBe(2);
  });

  it('checks subjects concurrently, bounded, keeping their order; the same without concurrency or cache', async () => {
    const v2 = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double', { default: 0 })]);
    const subjects: Record<string, { file: string }> = {};
    const registry = new FakeRegistry();
    for (let i = 0; i < 24; i++) {
      const subject = `s${String(i).padStart(2, '0')}-value`;
      subjects[subject] = { file: `schemas/s${i}.avsc` };
      write(`schemas/s${i}.avsc`, i % 3 === 0 ? V2_BREAKING : V2_COMPATIBLE);
      if (i % 4 !== 0) registry.seed(subject, V1, v2);
    }
    let inFlight = 0;
    let max = 0;
    const version = registry.version.bind(registry);
    registry.version = async (subject, v) => {
      max = Math.max(max, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return version(subject, v);
    };
    const options = { level: 'BACKWARD_TRANSITIVE' as const, schemas: schemas({ subjects }), projectDir: dir };
    const fast = await runCheck(options, deps({ registry, concurrency: 4 }));
    expect(max).toBeGreaterThan(1);
    expect(max).toBeLessThanOrEqual(8); // 4 subjects at a time, 2 versions each
    expect(fast.entries.map((e) => e.subject)).toEqual(Object.keys(subjects).sort());
    expect(fast.entries.map((e) => e.status)).toEqual(
      Object.keys(subjects)
        .sort()
        .map((s) => {
          const i = Number(s.slice(1, 3));
          return i % 4 === 0 ? 'new' : i % 3 === 0 ? 'incompatible' : 'compatible';
        }),
    );
    max = 0;
    const slow = await runCheck(options, deps({ registry, concurrency: 1, cacheSchemas: false }));
    expect(max).toBe(1); // one subject at a time: its latest version, then the older one
    expect(slow).toEqual(fast);
  });

  it('asks for the latest version alone unless the level is transitive, and never for a version twice', async () => {
    const v3 = payment([...(V2_COMPATIBLE.fields as Json[]), f('memo', ['null', 'string'], { default: null })]);
    write('schemas/payment.avsc', v3);
    const registry = new FakeRegistry().seed('payment-value', V1, V2_COMPATIBLE, v3);
    const calls = async (level: 'BACKWARD' | 'FULL_TRANSITIVE' | 'NONE') => {
      registry.calls = [];
      const r = await runCheck({ level, schemas: schemas(), projectDir: dir }, deps({ registry }));
      expect(r.entries[0]!.status).toBe('compatible');
      return registry.calls;
    };
    expect(await calls('BACKWARD')).toEqual(['version payment-value latest']);
    expect(await calls('NONE')).toEqual(['version payment-value latest']);
    expect(await calls('FULL_TRANSITIVE')).toEqual([
      'version payment-value latest',
      'versions payment-value',
      'version payment-value 1',
      'version payment-value 2',
    ]);
  });

  it('parses a registered schema once per id, whatever subject or version it comes from', async () => {
    // Two subjects whose version 1 has the same id: the second is checked against the first's text.
    // (A real registry never gives one id two texts; here it shows which text was used.)
    write('schemas/a.avsc', V2_BREAKING);
    write('schemas/b.avsc', V2_BREAKING);
    const withFee = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double')]);
    const registry = new FakeRegistry().seed('a-value', withFee).seed('b-value', V1);
    const version = registry.version.bind(registry);
    registry.version = async (subject, v) => {
      const found = await version(subject, v);
      return found && { ...found, id: 42 };
    };
    const subjects = { 'a-value': { file: 'schemas/a.avsc' }, 'b-value': { file: 'schemas/b.avsc' } };
    const options = { schemas: schemas({ subjects }), projectDir: dir };
    const cached = await runCheck(options, deps({ registry, concurrency: 1 }));
    expect(cached.entries.map((e) => e.status)).toEqual(['compatible', 'compatible']);
    const uncached = await runCheck(options, deps({ registry, concurrency: 1, cacheSchemas: false }));
    expect(uncached.entries.map((e) => e.status)).toEqual(['compatible', 'incompatible']);
  });

  it('turns a registered version that is not valid Avro into an error entry, and the command into exit 2', async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry().seed('payment-value', 'Nope');
    const r = await runCheck({ schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(r.entries[0]).toMatchObject({
      status: 'error',
      message: 'registered version 1 is not a valid Avro schema (unknown type "Nope")',
    });
    const err = checkFailed(r);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('unable to check payment-value: registered version 1 is not a valid Avro schema (unknown type "Nope")');
  });

  it('needs something to check, and names a configured file that is missing', async () => {
    await expect(runCheck({ schemas: schemas(), projectDir: dir }, deps({ registry: new FakeRegistry() }))).rejects.toThrow(ConfigError);
    await expect(
      runCheck(
        { schemas: schemas({ subjects: { 'a-value': { file: 'nope.avsc' } } }), projectDir: dir },
        deps({ registry: new FakeRegistry() }),
      ),
    ).rejects.toThrow(/unable to read schema nope\.avsc: no such file/);
  });
});

describe('runRegister (in-memory registry)', () => {
  const configured = () => schemas({ subjects: { 'payment-value': { file: 'schemas/payment.avsc', level: 'FULL' } } });

  it('registers, then reports unchanged with the same id; sets the configured level first', async () => {
    write('schemas/payment.avsc', V1);
    const registry = new FakeRegistry();
    const first = await runRegister({ schemas: configured(), projectDir: dir }, deps({ registry }));
    expect(first.ok).toBe(true);
    expect(first.registrations).toEqual([
      { subject: 'payment-value', file: 'schemas/payment.avsc', action: 'registered', id: 1, version: 1, levelSet: 'FULL' },
    ]);
    expect(registry.calls.indexOf('setLevel payment-value FULL')).toBeLessThan(registry.calls.indexOf('register payment-value'));
    const again = await runRegister({ schemas: configured(), projectDir: dir }, deps({ registry }));
    expect(again.registrations[0]).toMatchObject({ action: 'unchanged', id: 1, version: 1 });
    expect(registry.subjects.get('payment-value')).toHaveLength(1);
  });

  it('--dry-run changes nothing', async () => {
    write('schemas/payment.avsc', V2_COMPATIBLE);
    const registry = new FakeRegistry().seed('payment-value', V1);
    const r = await runRegister({ dryRun: true, schemas: configured(), projectDir: dir }, deps({ registry }));
    expect(r.registrations[0]).toMatchObject({ action: 'would-register', version: 2, levelSet: 'FULL' });
    expect(registry.subjects.get('payment-value')).toHaveLength(1);
    expect(registry.levels.size).toBe(0);
  });

  it('registers nothing when a check fails', async () => {
    write('schemas/payment.avsc', V2_BREAKING);
    const registry = new FakeRegistry().seed('payment-value', V1);
    const r = await runRegister({ schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(r).toMatchObject({ ok: false, registrations: [] });
    expect(r.check.entries[0]!.status).toBe('incompatible');
    expect(registry.calls.some((c) => c.startsWith('register'))).toBe(false);
  });
});

describe('list, show and diff (in-memory registry)', () => {
  it('lists subjects with versions, latest and level', async () => {
    const registry = new FakeRegistry().seed('b-value', V1, V2_COMPATIBLE).seed('a-value', V1);
    registry.levels.set('b-value', 'FULL');
    const r = await runList({ registry });
    expect(r.subjects).toEqual([
      { subject: 'a-value', versions: 1, latestVersion: 1, latestId: 1, level: 'BACKWARD' },
      { subject: 'b-value', versions: 2, latestVersion: 2, latestId: 2, level: 'FULL' },
    ]);
  });

  it('shows a version, and says which exist when it is missing', async () => {
    const registry = new FakeRegistry().seed('a-value', V1, V2_COMPATIBLE);
    expect(await runShow({ subject: 'a-value', version: 1 }, { registry })).toMatchObject({ version: 1, id: 1 });
    expect(await runShow({ subject: 'a-value' }, { registry })).toMatchObject({ version: 2 });
    await expect(runShow({ subject: 'a-value', version: 7 }, { registry })).rejects.toThrow(/no such version/);
    await expect(runShow({ subject: 'zzz-value' }, { registry })).rejects.toThrow(/no such subject/);
  });

  it('diffs the mapped file against the latest or a given version', async () => {
    write('schemas/payment.avsc', V2_COMPATIBLE);
    const registry = new FakeRegistry().seed('payment-value', V1, V2_COMPATIBLE);
    const latest = await runDiff({ subject: 'payment-value', schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(latest).toMatchObject({ version: 2, file: 'schemas/payment.avsc', changes: [] });
    const v1 = await runDiff({ subject: 'payment-value', version: 1, schemas: schemas(), projectDir: dir }, deps({ registry }));
    expect(v1.changes.map((c) => [c.kind, c.path])).toEqual([['field-added', 'Payment.fee']]);
    await expect(runDiff({ subject: 'other-value', schemas: schemas(), projectDir: dir }, deps({ registry }))).rejects.toThrow(
      /no schema file maps to it/,
    );
  });
});
