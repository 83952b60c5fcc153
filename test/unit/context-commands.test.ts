import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contextList, effectiveContextView } from '../../src/config/context-view.js';
import { describeSecret, redactUrl } from '../../src/config/contexts.js';
import { resolveConfig } from '../../src/config/index.js';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];

function sandbox(userText?: string) {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-ctxcmd-'));
  const xdg = join(root, 'xdg');
  const cwd = join(root, 'project');
  mkdirSync(join(cwd, '.git'), { recursive: true });
  const file = join(xdg, 'streamctl', 'config.yaml');
  if (userText !== undefined) {
    mkdirSync(join(xdg, 'streamctl'), { recursive: true });
    writeFileSync(file, userText);
  }
  const env = { XDG_CONFIG_HOME: xdg, STREAMCTL_DEV_HOME: join(root, 'dev'), HOME: root };
  const run = async (...args: string[]) => {
    const io = captureIo(env, cwd);
    const code = await main(argv(...args), io);
    return { code, out: io.out(), err: io.err() };
  };
  return { root, xdg, cwd, file, env, run };
}

const SECRET = 'Sup3r-s3cret-passw0rd';

describe('streamctl context add / use', () => {
  it('adds a context to a new user file, readable by its owner only', async () => {
    const s = sandbox();
    const r = await s.run(
      'context',
      'add',
      'staging',
      '--brokers',
      'k1:9093,k2:9093',
      '--sasl-mechanism',
      'scram-sha-512',
      '--sasl-username',
      'alice',
      '--sasl-password-env',
      'STAGING_PW',
      '--tls-ca',
      'certs/ca.pem',
      '--read-only',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('added context staging');
    expect(statSync(s.file).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(s.file, 'utf8'))).toEqual({
      contexts: {
        staging: {
          kafka: {
            brokers: 'k1:9093,k2:9093',
            sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', passwordEnv: 'STAGING_PW' },
            tls: { ca: join(s.cwd, 'certs', 'ca.pem') },
          },
          readOnly: true,
        },
      },
    });
    const config = resolveConfig({ env: s.env, cwd: s.cwd, context: 'staging' });
    expect(config.kafka.sasl?.mechanism).toBe('scram-sha-512');
  });

  it('keeps comments and the rest of the file, and replaces only with --force', async () => {
    const s = sandbox('# my settings\ntimeoutMs: 8000 # short\ncontexts:\n  # the old one\n  old:\n    kafka: { brokers: old:9092 }\n');
    expect((await s.run('context', 'add', 'new', '--brokers', 'new:9092', '--registry-url', 'http://reg:8081', '--use')).code).toBe(0);
    const text = readFileSync(s.file, 'utf8');
    expect(text).toContain('# my settings');
    expect(text).toContain('timeoutMs: 8000 # short');
    expect(text).toContain('# the old one');
    expect(parse(text)).toMatchObject({
      currentContext: 'new',
      contexts: { old: { kafka: { brokers: 'old:9092' } }, new: { kafka: { brokers: 'new:9092' }, registry: { url: 'http://reg:8081' } } },
    });

    const again = await s.run('context', 'add', 'old', '--brokers', 'x:1');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/context "old" already exists .*\nhint: pass --force/);
    expect((await s.run('context', 'add', 'old', '--brokers', 'x:1', '--force')).code).toBe(0);
    expect(parse(readFileSync(s.file, 'utf8')).contexts.old).toEqual({ kafka: { brokers: 'x:1' } });
    expect(readFileSync(s.file, 'utf8')).toContain('# my settings');
  });

  it('refuses passwords on the command line, incomplete SASL, and the name local', async () => {
    const s = sandbox();
    const noPass = await s.run('context', 'add', 'a', '--sasl-mechanism', 'PLAIN', '--sasl-username', 'u');
    expect(noPass.code).toBe(2);
    expect(noPass.err).toMatch(/--sasl-password-env or --sasl-password-file/);
    expect(noPass.err).toMatch(/never takes a password on the command line/);
    expect((await s.run('context', 'add', 'a', '--sasl-password', 'x')).code).toBe(2);
    expect((await s.run('context', 'add', 'a', '--sasl-username', 'u', '--sasl-password-env', 'P')).err).toMatch(/--sasl-mechanism/);
    expect((await s.run('context', 'add', 'local', '--brokers', 'x:1')).err).toMatch(/"local" is the built-in context/);
    expect((await s.run('context', 'add', 'a', '--tls-cert', 'c.pem')).err).toMatch(/needs both cert and key/);
  });

  it('use writes currentContext, checks the name, and says when something else wins', async () => {
    const s = sandbox('contexts:\n  a:\n    kafka: { brokers: a:1 }\n');
    const r = await s.run('context', 'use', 'a');
    expect(r.code).toBe(0);
    expect(r.out).toContain('switched to context a');
    expect(parse(readFileSync(s.file, 'utf8')).currentContext).toBe('a');
    const unknown = await s.run('context', 'use', 'b');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown context "b"\nhint: known contexts: local, a/);
    const io = captureIo({ ...s.env, STREAMCTL_CONTEXT: 'local' }, s.cwd);
    expect(await main(argv('context', 'use', 'a'), io)).toBe(0);
    expect(io.out()).toMatch(/note: STREAMCTL_CONTEXT selects "local" here/);
    expect((await s.run('context', 'use', 'local')).code).toBe(0);
    expect(parse(readFileSync(s.file, 'utf8')).currentContext).toBe('local');
  });
});

const SECRET_FILE_CONFIG = (secretFile: string) => `
currentContext: prod
contexts:
  prod:
    kafka:
      brokers: prod:9093
      sasl: { mechanism: SCRAM-SHA-256, username: svc, passwordFile: ${secretFile} }
      tls: { ca: /etc/ca.pem, cert: /etc/me.pem, key: /etc/me-key.pem }
    registry: { url: "https://bob:${SECRET}@registry.prod", username: reg, password: "${SECRET}" }
    postgres: { url: "postgres://app:${SECRET}@db.prod/app" }
    readOnly: true
  dev:
    kafka:
      brokers: dev:9092
      sasl: { mechanism: PLAIN, username: dev, passwordEnv: DEV_PW }
`;

describe('streamctl context show / list never print a secret', () => {
  it('shows where each password comes from instead of its value, in every format', async () => {
    const s = sandbox();
    const secretFile = join(s.root, 'kafka-pass');
    writeFileSync(secretFile, SECRET);
    mkdirSync(join(s.xdg, 'streamctl'), { recursive: true });
    writeFileSync(s.file, SECRET_FILE_CONFIG(secretFile));
    for (const format of ['table', 'json', 'yaml']) {
      for (const args of [
        ['context', 'show'],
        ['context', 'show', 'dev'],
        ['context', 'list'],
      ]) {
        const io = captureIo({ ...s.env, DEV_PW: SECRET }, s.cwd);
        expect(await main(argv('-o', format, ...args), io)).toBe(0);
        expect(io.out() + io.err()).not.toContain(SECRET);
      }
    }
    const table = await s.run('context', 'show');
    expect(table.out).toContain(`password (from file ${secretFile})`);
    expect(table.out).toContain('basic auth  user reg, password ****');
    expect(table.out).toContain('https://bob:****@registry.prod');
    expect(table.out).toContain('postgres://app:****@db.prod/app');
    expect(table.out).toContain('ca /etc/ca.pem, client cert /etc/me.pem, key /etc/me-key.pem');
    expect(table.out).toContain('SASL_SSL');
    expect(table.out).toMatch(/read-only +yes/);
    const dev = JSON.parse((await s.run('-o', 'json', 'context', 'show', 'dev')).out);
    expect(dev.kafka.sasl).toEqual({ mechanism: 'PLAIN', username: 'dev', password: '(from env DEV_PW)' });
    expect(dev.current).toBe(false);
    expect(dev.kafka.securityProtocol).toBe('SASL_PLAINTEXT');
    const list = JSON.parse((await s.run('-o', 'json', 'context', 'list')).out);
    expect(list.current).toBe('prod');
    expect(list.contexts.map((c: { name: string }) => c.name)).toEqual(['local', 'dev', 'prod']);
    expect(list.contexts[2]).toMatchObject({ auth: 'SCRAM-SHA-256 svc', securityProtocol: 'SASL_SSL', readOnly: true });
  });

  it('shows the local platform when nothing is configured', async () => {
    const s = sandbox();
    const r = await s.run('context', 'show');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/context +local \(built-in: the local platform\) +selected by default/);
    expect(r.out).toMatch(/kafka +localhost:9092 \(local platform\)/);
    const list = await s.run('context', 'list');
    expect(list.out).toMatch(/\* +local \(built-in\)/);
  });

  it('redacts helpers', () => {
    expect(describeSecret({ kind: 'value', value: SECRET })).toBe('****');
    expect(describeSecret({ kind: 'env', name: 'X' })).toBe('(from env X)');
    expect(describeSecret({ kind: 'file', path: '/f' })).toBe('(from file /f)');
    expect(redactUrl(`postgres://u:${SECRET}@h:5432/db`)).toBe('postgres://u:****@h:5432/db');
    expect(redactUrl('http://h:8081/apis')).toBe('http://h:8081/apis');
    expect(redactUrl(`not a url //u:${SECRET}@h`)).not.toContain(SECRET);
  });

  it('views say which context is current and where settings came from', () => {
    const s = sandbox('contexts:\n  a:\n    kafka: { brokers: a:1 }\n');
    const config = resolveConfig({ env: { ...s.env, STREAMCTL_REGISTRY_URL: 'http://r:1' }, cwd: s.cwd, context: 'a' });
    const view = effectiveContextView(config, config.context);
    expect(view).toMatchObject({
      name: 'a',
      current: true,
      selectedBy: '--context',
      kafka: { origin: 'context a' },
      registry: { origin: 'STREAMCTL_REGISTRY_URL' },
    });
    expect(contextList(config).contexts.find((c) => c.name === 'a')?.current).toBe(true);
  });
});
