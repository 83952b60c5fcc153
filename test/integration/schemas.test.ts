import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, runningPlatform, unique } from '../helpers/platform.js';

/**
 * `streamctl schemas` against the real registry of the running platform.
 * Each test writes its own project (streamctl.yaml mapping unique subjects to
 * .avsc files in a temp folder) and runs the real binary in it.
 */

type Json = Record<string, unknown>;
const f = (name: string, type: unknown, extra: Json = {}): Json => ({ name, type, doc: `The ${name}.`, ...extra });
const payment = (fields: Json[]): Json => ({ type: 'record', name: 'Payment', namespace: 'io.streamctl.it', doc: 'A payment.', fields });
const V1 = payment([f('id', 'string'), f('amount', 'double')]);
const V2 = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double', { default: 0 })]);
const FEE_NO_DEFAULT = payment([f('id', 'string'), f('amount', 'double'), f('fee', 'double')]);
const V2_NULLABLE = payment([f('id', 'string'), f('amount', 'double'), f('memo', ['null', 'string'], { default: null })]);
/** Old readers need "amount" (no default in v1): forward-incompatible, backward-compatible. */
const DROP_AMOUNT = payment([f('id', 'string')]);
/** Incompatible both ways. */
const AMOUNT_AS_STRING = payment([f('id', 'string'), f('amount', 'string')]);
/** v1 with a default for "amount", so later readers can do without it. */
const AMOUNT_DEFAULT = payment([f('id', 'string'), f('amount', 'double', { default: 0 })]);

let url: string;
const dirs: string[] = [];

beforeAll(async () => {
  url = (await runningPlatform()).registry.url;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Project {
  dir: string;
  subject: string;
  /** Rewrites the subject's schema file. */
  write(schema: unknown): void;
  run(...args: string[]): ReturnType<typeof cli>;
}

function project(schema: unknown, options: { level?: string } = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-it-schemas-'));
  dirs.push(dir);
  const subject = `${unique('it-schemas')}-value`;
  writeFileSync(
    join(dir, 'streamctl.yaml'),
    `schemas:\n  subjects:\n    ${subject}:\n      file: avro/payment.avsc\n${options.level ? `      level: ${options.level}\n` : ''}`,
  );
  const write = (s: unknown) => {
    mkdirSync(join(dir, 'avro'), { recursive: true });
    writeFileSync(join(dir, 'avro', 'payment.avsc'), JSON.stringify(s, null, 2));
  };
  write(schema);
  return { dir, subject, write, run: (...args: string[]) => cli(args, { cwd: dir, timeoutMs: 60_000 }) };
}

const registryGet = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
};

const registrySend = async <T>(method: string, path: string, body: unknown): Promise<T> => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
};

/**
 * The registry's own verdict at the subject's level. Apicurio 3.3 checks only
 * the latest version on `versions/latest`, and every version on `versions`
 * (whether or not the level is transitive), so `versions/latest` is the
 * verdict of a plain level and `versions` that of a transitive one.
 */
const registryVerdict = async (subject: string, schema: unknown, against: 'versions/latest' | 'versions'): Promise<boolean> =>
  (
    await registrySend<{ is_compatible: boolean }>('POST', `/compatibility/subjects/${subject}/${against}`, {
      schema: JSON.stringify(schema),
    })
  ).is_compatible;

const setRegistryLevel = (subject: string, level: string) => registrySend('PUT', `/config/${subject}`, { compatibility: level });

describe('streamctl schemas against the real registry', () => {
  it('registers a new subject, then reports it unchanged with the same id and no new version', async () => {
    const p = project(V1);
    const first = await p.run('-o', 'json', 'schemas', 'register');
    expect(first.code, first.stderr).toBe(0);
    const reg1 = JSON.parse(first.stdout) as { registrations: { action: string; version: number; id: number }[] };
    expect(reg1.registrations).toEqual([expect.objectContaining({ subject: p.subject, action: 'registered', version: 1 })]);

    const again = await p.run('schemas', 'register');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`unchanged (version 1 id ${reg1.registrations[0]!.id})`);
    expect((await registryGet<number[]>(`/subjects/${p.subject}/versions`)).body).toEqual([1]);
  });

  it('reports a subject that is not registered yet as new (exit 0)', async () => {
    const p = project(V1);
    const r = await p.run('schemas', 'check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${p.subject}\\s+avro/payment\\.avsc\\s+registry\\s+BACKWARD\\s+new\\s+-$`, 'm'));
  });

  it('passes a compatible change (exit 0) and explains an incompatible one with its path and fix (exit 1)', async () => {
    const p = project(V1);
    expect((await p.run('schemas', 'register')).code).toBe(0);

    p.write(V2_NULLABLE);
    const ok = await p.run('schemas', 'check');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${p.subject}\\s+avro/payment\\.avsc\\s+registry v1\\s+BACKWARD\\s+compatible\\s+-$`, 'm'));

    p.write(FEE_NO_DEFAULT);
    const bad = await p.run('schemas', 'check');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/incompatible\s+1 incompatibility/);
    expect(bad.stdout).toMatch(/avro\/payment\.avsc:\d+:\d+: error: Payment\.fee: field added without a default — .*; add "default": null/);
    expect(bad.stderr).toContain('error: 1 of 1 schema check failed');
  });

  it('catches at BACKWARD_TRANSITIVE an incompatibility with version 1 that BACKWARD misses', async () => {
    const p = project(V1);
    expect((await p.run('schemas', 'register')).code).toBe(0);
    p.write(V2);
    const v2 = await p.run('schemas', 'register');
    expect(v2.code, v2.stdout + v2.stderr).toBe(0);
    expect(v2.stdout).toMatch(/registered version 2 id \d+/);

    // "fee" without a default reads version 2's records (they have it) but not version 1's.
    p.write(FEE_NO_DEFAULT);
    const backward = await p.run('schemas', 'check', '--level', 'BACKWARD');
    expect(backward.code, backward.stdout).toBe(0);
    expect(backward.stdout).toMatch(/registry v2\s+BACKWARD\s+compatible/);

    const transitive = await p.run('schemas', 'check', '--level', 'BACKWARD_TRANSITIVE');
    expect(transitive.code).toBe(1);
    expect(transitive.stdout).toMatch(/registry v1-v2\s+BACKWARD_TRANSITIVE\s+incompatible/);
    expect(transitive.stdout).toMatch(/Payment\.fee: field added without a default .* \(v1, backward\)$/m);
  });

  it('prints GitHub annotations and JUnit XML', async () => {
    const p = project(V1);
    expect((await p.run('schemas', 'register')).code).toBe(0);
    p.write(FEE_NO_DEFAULT);

    const gh = await p.run('schemas', 'check', '--format', 'github');
    expect(gh.code).toBe(1);
    const annotations = gh.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(
      new RegExp(
        `^::error file=avro/payment\\.avsc,line=\\d+,col=\\d+,title=${p.subject}%3A incompatible with registry v1 \\(BACKWARD\\)::Payment\\.fee: field added without a default`,
      ),
    );

    const junit = await p.run('schemas', 'check', '--format', 'junit');
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="streamctl schemas check" tests="1" failures="1" errors="0">/,
    );
    expect(junit.stdout).toContain(
      `<testcase classname="streamctl.schemas" name="${p.subject} (avro/payment.avsc)" file="avro/payment.avsc">`,
    );
    expect(junit.stdout).toMatch(/<failure type="incompatible" message="1 incompatibility with registry v1 at BACKWARD">/);
  });

  it('lists, shows and diffs a registered subject', async () => {
    const p = project(V1);
    expect((await p.run('schemas', 'register')).code).toBe(0);
    p.write(V2);
    expect((await p.run('schemas', 'register')).code).toBe(0);

    const list = await p.run('-o', 'json', 'schemas', 'list');
    expect(list.code, list.stderr).toBe(0);
    const listed = (JSON.parse(list.stdout) as { subjects: { subject: string }[] }).subjects.find((s) => s.subject === p.subject);
    expect(listed).toMatchObject({ versions: 2, latestVersion: 2, level: 'BACKWARD' });
    const table = await p.run('schemas', 'list');
    expect(table.stdout).toMatch(new RegExp(`^${p.subject}\\s+2\\s+2\\s+\\d+\\s+BACKWARD$`, 'm'));

    const show = await p.run('schemas', 'show', p.subject, '--schema-version', '1');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^${p.subject}  version 1  id \\d+\\n\\{\\n  "type": "record",`));
    expect(show.stdout).not.toContain('"fee"');
    const raw = JSON.parse((await p.run('-o', 'json', 'schemas', 'show', p.subject)).stdout) as { version: number; schema: string };
    expect(raw.version).toBe(2);
    expect(JSON.parse(raw.schema)).toEqual(V2);

    p.write(V2_NULLABLE);
    const diff = await p.run('schemas', 'diff', p.subject);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^- Payment\.fee\s+field removed \(was "double" with default 0\)$/m);
    expect(diff.stdout).toMatch(/^\+ Payment\.memo\s+field added: \["null","string"\] with default null$/m);
    const diff1 = await p.run('-o', 'json', 'schemas', 'diff', p.subject, '--schema-version', '1');
    expect((JSON.parse(diff1.stdout) as { version: number; changes: { kind: string; path: string }[] }).changes).toEqual([
      expect.objectContaining({ kind: 'field-added', path: 'Payment.memo' }),
    ]);
  });

  it('register --dry-run registers nothing', async () => {
    const p = project(V1, { level: 'FULL' });
    const r = await p.run('schemas', 'register', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/would register version 1\s+would set FULL/);
    expect((await registryGet(`/subjects/${p.subject}/versions`)).status).toBe(404);
  });

  it("sets the subject's configured level before registering", async () => {
    const p = project(V1, { level: 'FULL_TRANSITIVE' });
    const r = await p.run('schemas', 'register');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/registered version 1 id \d+\s+set FULL_TRANSITIVE/);
    expect((await registryGet<{ compatibilityLevel: string }>(`/config/${p.subject}`)).body.compatibilityLevel).toBe('FULL_TRANSITIVE');
  });

  it('exits 2 on a schema file that is not valid Avro, after the table, with file:line:col', async () => {
    const p = project(V1);
    expect((await p.run('schemas', 'register')).code).toBe(0);
    writeFileSync(
      join(p.dir, 'avro', 'payment.avsc'),
      '{"type": "record", "name": "Payment", "fields": [{"name": "id", "type": "strnig"}]}',
    );
    const r = await p.run('schemas', 'check');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`^${p.subject}\\s+avro/payment\\.avsc\\s+registry\\s+-\\s+invalid\\s+syntax error$`, 'm'));
    expect(r.stderr).toBe('error: avro/payment.avsc:1:73: unknown type "strnig"\nhint: did you mean "string"?\n');
  });

  it('exits 2 with one error line when the registry is unreachable', async () => {
    const p = project(V1);
    const r = await cli(['schemas', 'check'], { cwd: p.dir, env: { STREAMCTL_REGISTRY_URL: 'http://127.0.0.1:1' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(/^error: unable to check schemas against the registry: schema registry at http:\/\/127\.0\.0\.1:1 unreachable/),
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/**
 * The issue's matrix: register v1, then check a v2 that is compatible at the
 * level and a v3 that is not (NONE accepts anything), and confirm each verdict
 * with the registry's own check at the same level.
 */
const LEVELS: { level: string; v2: Json; v3: Json; v3Passes?: true }[] = [
  { level: 'BACKWARD', v2: V2, v3: FEE_NO_DEFAULT },
  { level: 'BACKWARD_TRANSITIVE', v2: V2_NULLABLE, v3: FEE_NO_DEFAULT },
  { level: 'FORWARD', v2: V2, v3: DROP_AMOUNT },
  { level: 'FORWARD_TRANSITIVE', v2: V2_NULLABLE, v3: DROP_AMOUNT },
  { level: 'FULL', v2: V2, v3: AMOUNT_AS_STRING },
  { level: 'FULL_TRANSITIVE', v2: V2_NULLABLE, v3: FEE_NO_DEFAULT },
  { level: 'NONE', v2: V2, v3: AMOUNT_AS_STRING, v3Passes: true },
];

describe.each(LEVELS)('schemas check at $level agrees with the registry', ({ level, v2, v3, v3Passes }) => {
  it(`register v1; v2 passes (exit 0) and v3 ${v3Passes ? 'passes too' : 'fails (exit 1)'}, as the registry says`, async () => {
    const p = project(V1, { level });
    const reg = await p.run('schemas', 'register');
    expect(reg.code, reg.stdout + reg.stderr).toBe(0);
    await setRegistryLevel(p.subject, level);
    expect((await registryGet<{ compatibilityLevel: string }>(`/config/${p.subject}`)).body.compatibilityLevel).toBe(level);

    p.write(v2);
    const ok = await p.run('schemas', 'check');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const against = level === 'NONE' ? 'registry' : 'registry v1';
    expect(ok.stdout).toMatch(new RegExp(`^${p.subject}\\s+avro/payment\\.avsc\\s+${against}\\s+${level}\\s+compatible\\s+-$`, 'm'));
    expect(await registryVerdict(p.subject, v2, 'versions/latest')).toBe(true);

    p.write(v3);
    const bad = await p.run('schemas', 'check');
    expect(bad.code, bad.stdout + bad.stderr).toBe(v3Passes ? 0 : 1);
    expect(bad.stdout).toMatch(new RegExp(`\\s${level}\\s+${v3Passes ? 'compatible' : 'incompatible'}\\s`));
    expect(await registryVerdict(p.subject, v3, 'versions/latest')).toBe(v3Passes === true);
    // With one version, a transitive level looks at the same one.
    if (level.endsWith('_TRANSITIVE')) expect(await registryVerdict(p.subject, v3, 'versions')).toBe(false);
  });
});

/**
 * What makes a level transitive: v3 reads (or is read by) v2 but not v1. The
 * transitive level fails it, its plain counterpart passes it, and the
 * registry's check of all versions says the same.
 */
const TRANSITIVE: { level: string; plain: string; v2: Json; v3: Json }[] = [
  { level: 'BACKWARD_TRANSITIVE', plain: 'BACKWARD', v2: V2, v3: FEE_NO_DEFAULT },
  { level: 'FORWARD_TRANSITIVE', plain: 'FORWARD', v2: AMOUNT_DEFAULT, v3: DROP_AMOUNT },
  { level: 'FULL_TRANSITIVE', plain: 'FULL', v2: AMOUNT_DEFAULT, v3: DROP_AMOUNT },
];

describe.each(TRANSITIVE)('schemas check at $level checks every version, as the registry does', ({ level, plain, v2, v3 }) => {
  it(`register v1 and v2; v3 fails at ${level} against v1 and passes at ${plain}`, async () => {
    const p = project(V1, { level });
    expect((await p.run('schemas', 'register')).code).toBe(0);
    p.write(v2);
    const reg = await p.run('schemas', 'register');
    expect(reg.code, reg.stdout + reg.stderr).toBe(0);
    expect(reg.stdout).toMatch(/registered version 2 id \d+/);

    p.write(v3);
    const transitive = await p.run('schemas', 'check');
    expect(transitive.code, transitive.stdout + transitive.stderr).toBe(1);
    expect(transitive.stdout).toMatch(new RegExp(`registry v1-v2\\s+${level}\\s+incompatible`));
    expect(transitive.stdout).toMatch(/\(v1, (backward|forward)\)$/m);
    expect(transitive.stdout).not.toMatch(/\(v2, (backward|forward)\)$/m);
    await setRegistryLevel(p.subject, level);
    expect(await registryVerdict(p.subject, v3, 'versions')).toBe(false);

    const latestOnly = await p.run('schemas', 'check', '--level', plain);
    expect(latestOnly.code, latestOnly.stdout + latestOnly.stderr).toBe(0);
    expect(latestOnly.stdout).toMatch(new RegExp(`registry v2\\s+${plain}\\s+compatible`));
    await setRegistryLevel(p.subject, plain);
    expect(await registryVerdict(p.subject, v3, 'versions/latest')).toBe(true);
  });
});
