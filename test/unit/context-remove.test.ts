import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runRemove } from '../../src/config/context-remove.js';
import { resolveConfig } from '../../src/config/index.js';
import { UsageError } from '../../src/errors.js';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];

/** A user file under a temp XDG_CONFIG_HOME and a project folder (its own git root), as context-commands.test.ts does. */
function sandbox(userText?: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-ctxrm-'));
  const xdg = join(root, 'xdg');
  const cwd = join(root, 'project');
  mkdirSync(join(cwd, '.git'), { recursive: true });
  const file = join(xdg, 'streamctl', 'config.yaml');
  if (userText !== undefined) {
    mkdirSync(join(xdg, 'streamctl'), { recursive: true });
    writeFileSync(file, userText, { mode: 0o600 });
  }
  const env = { XDG_CONFIG_HOME: xdg, STREAMCTL_DEV_HOME: join(root, 'dev'), HOME: root, ...extraEnv };
  const run = async (...args: string[]) => {
    const io = captureIo(env, cwd);
    const code = await main(argv(...args), io);
    return { code, out: io.out(), err: io.err() };
  };
  return { root, xdg, cwd, file, env, run };
}

const SECRET = 'Rm-s3cret-passw0rd';

const THREE = `# my settings
timeoutMs: 8000 # short
currentContext: prod
contexts:
  # the staging cluster
  staging:
    kafka: { brokers: staging:9093 }
  prod:
    kafka:
      brokers: prod:9093
      sasl: { mechanism: SCRAM-SHA-512, username: svc, password: "${SECRET}" }
    registry: { url: "https://bob:${SECRET}@registry.prod", username: reg, password: "${SECRET}" }
    readOnly: true
  dev:
    kafka: { brokers: dev:9092 }
`;

describe('streamctl context remove', () => {
  it('removes one context and keeps the rest of the file: comments, other contexts, currentContext, mode', async () => {
    const s = sandbox(THREE);
    const r = await s.run('context', 'remove', 'dev');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`removed context dev from ${s.file}\n`);
    const text = readFileSync(s.file, 'utf8');
    expect(text).toContain('# my settings');
    expect(text).toContain('timeoutMs: 8000 # short');
    expect(text).toContain('# the staging cluster');
    expect(parse(text)).toMatchObject({ currentContext: 'prod', contexts: { staging: {}, prod: {} } });
    expect(Object.keys(parse(text).contexts)).toEqual(['staging', 'prod']);
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
  });

  it('`rm` is an alias, and -o json / -o yaml give the result as data', async () => {
    const s = sandbox(THREE);
    const json = await s.run('-o', 'json', 'context', 'rm', 'staging');
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ context: 'staging', file: s.file, wasCurrent: false, currentContext: 'prod' });
    const yaml = await s.run('-o', 'yaml', 'context', 'remove', 'dev');
    expect(yaml.code, yaml.err).toBe(0);
    expect(parse(yaml.out)).toEqual({ context: 'dev', file: s.file, wasCurrent: false, currentContext: 'prod' });
    expect(Object.keys(parse(readFileSync(s.file, 'utf8')).contexts)).toEqual(['prod']);
  });

  it('removing the current context resets the current context to the built-in local, and says so', async () => {
    const s = sandbox(THREE);
    const r = await s.run('context', 'remove', 'prod');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      `removed context prod from ${s.file}\nit was the current context: the current context is now local (built-in, the local platform)\n`,
    );
    expect(parse(readFileSync(s.file, 'utf8')).currentContext).toBe('local');
    // Commands now resolve to the built-in context instead of failing on a dangling name.
    expect(resolveConfig({ env: s.env, cwd: s.cwd }).context).toEqual({ name: 'local', source: `currentContext in ${s.file}` });
    const list = JSON.parse((await s.run('-o', 'json', 'context', 'list')).out);
    expect(list).toMatchObject({ current: 'local', selectedBy: `currentContext in ${s.file}` });
    expect(list.contexts.map((c: { name: string }) => c.name)).toEqual(['local', 'dev', 'staging']);

    // Set, not deleted: a header comment right above currentContext stays.
    const header = sandbox('# my clusters\ncurrentContext: a\ncontexts:\n  a:\n    kafka: { brokers: a:1 }\n');
    expect((await header.run('context', 'remove', 'a')).code).toBe(0);
    expect(readFileSync(header.file, 'utf8')).toMatch(/^# my clusters\ncurrentContext: local\n/);

    const again = sandbox(THREE);
    expect(JSON.parse((await again.run('-o', 'json', 'context', 'remove', 'prod')).out)).toEqual({
      context: 'prod',
      file: again.file,
      wasCurrent: true,
      currentContext: 'local',
    });
  });

  it('an unknown name is one error line naming the contexts there are, exit 2, and the file is untouched', async () => {
    const s = sandbox(THREE);
    const r = await s.run('context', 'remove', 'stagin');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      `error: unknown context "stagin" (contexts in ${s.file}: staging, prod, dev)\nhint: \`streamctl context list\` shows every context\n`,
    );
    expect(readFileSync(s.file, 'utf8')).toBe(THREE);
  });

  it('with no user file: says there are no contexts, and creates no file', async () => {
    const s = sandbox();
    const r = await s.run('context', 'remove', 'staging');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(`error: unknown context "staging" (${s.file} has no contexts)`);
    expect(existsSync(s.file)).toBe(false);
  });

  it('refuses the built-in local context with a usage error (exit 2)', async () => {
    const s = sandbox(THREE);
    const r = await s.run('context', 'remove', 'local');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error: "local" is the built-in context of the local platform and can\'t be removed\n' +
        'hint: to make another context the default: `streamctl context use <name>`\n',
    );
    expect(readFileSync(s.file, 'utf8')).toBe(THREE);
    expect(() => runRemove({ name: 'local' }, { env: s.env, cwd: s.cwd })).toThrow(UsageError);
  });

  it('removes a read-only context: read-only guards the cluster, not the user file', async () => {
    const s = sandbox(THREE);
    expect(resolveConfig({ env: s.env, cwd: s.cwd }).readOnly).toBe(true);
    expect((await s.run('context', 'remove', 'prod')).code).toBe(0);
    expect(parse(readFileSync(s.file, 'utf8')).contexts.prod).toBeUndefined();
  });

  it('never prints a secret of the removed context, in any format, nor with --verbose', async () => {
    for (const format of ['table', 'json', 'yaml']) {
      const s = sandbox(THREE);
      const r = await s.run('-o', format, '--verbose', 'context', 'remove', 'prod');
      expect(r.code, r.err).toBe(0);
      expect(r.out + r.err).not.toContain(SECRET);
      const failed = await s.run('-o', format, '--verbose', 'context', 'remove', 'prod');
      expect(failed.code).toBe(2);
      expect(failed.out + failed.err).not.toContain(SECRET);
    }
  });

  it('notes when STREAMCTL_CONTEXT or the project file still selects the removed context', async () => {
    const byEnv = sandbox(THREE, { STREAMCTL_CONTEXT: 'staging' });
    const r = await byEnv.run('context', 'remove', 'staging');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('note: STREAMCTL_CONTEXT still selects "staging" here: commands fail until it names another context');

    const byProject = sandbox(THREE);
    writeFileSync(join(byProject.cwd, 'streamctl.yaml'), 'context: dev\n');
    const result = runRemove({ name: 'dev' }, { env: byProject.env, cwd: byProject.cwd });
    expect(result.note).toBe(
      `context in ${join(byProject.cwd, 'streamctl.yaml')} still selects "dev" here: commands fail until it names another context`,
    );
    // Nothing else selects it: no note.
    expect(runRemove({ name: 'staging' }, { env: byProject.env, cwd: byProject.cwd }).note).toBeUndefined();
  });

  it('run returns data and writes nothing to the terminal', () => {
    const s = sandbox(THREE);
    const result = runRemove({ name: 'prod' }, { env: s.env, cwd: s.cwd });
    expect(result).toEqual({ context: 'prod', file: s.file, wasCurrent: true, currentContext: 'local' });
  });

  it('an invalid user file is a config error (exit 2) and is left as it is', async () => {
    const broken = 'contexts:\n  a: [\n';
    const s = sandbox(broken);
    const r = await s.run('context', 'remove', 'a');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toMatch(new RegExp(`^error: invalid YAML in ${s.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(readFileSync(s.file, 'utf8')).toBe(broken);
  });
});
