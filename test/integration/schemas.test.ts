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
