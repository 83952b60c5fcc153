import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../src/config/endpoints.js';
import { assertWritable, resolveConfig, type ConfigSources } from '../../src/config/index.js';
import { ConfigError, UsageError } from '../../src/errors.js';

function sandbox(user?: string, project?: string) {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-ctx-'));
  const xdg = join(root, 'xdg');
  const dir = join(root, 'project');
  mkdirSync(join(xdg, 'streamctl'), { recursive: true });
  mkdirSync(join(dir, '.git'), { recursive: true });
  if (user !== undefined) writeFileSync(join(xdg, 'streamctl', 'config.yaml'), user);
  if (project !== undefined) writeFileSync(join(dir, 'streamctl.yaml'), project);
  // A dev home of its own, so the endpoints of a running local platform don't leak in.
  const env = { XDG_CONFIG_HOME: xdg, STREAMCTL_DEV_HOME: join(root, 'dev'), HOME: root };
  return { root, xdg, dir, env, userFile: join(xdg, 'streamctl', 'config.yaml'), projectFile: join(dir, 'streamctl.yaml') };
}

const USER = `
currentContext: staging
contexts:
  staging:
    kafka:
      brokers: staging-1:9093,staging-2:9093
      sasl: { mechanism: SCRAM-SHA-512, username: alice, passwordEnv: STAGING_PW }
      tls: { ca: certs/ca.pem }
    registry: { url: https://registry.staging, username: alice, passwordFile: ~/reg.txt }
    flink: { url: http://flink.staging:8081 }
    readOnly: true
    timeoutMs: 20000
  prod:
    kafka:
      brokers: [prod-1:9093, prod-2:9093]
      tls: true
    postgres: { url: postgres://app:secret@db.prod/app }
`;

describe('context selection and precedence', () => {
  // name, user file, project file, env, flags → expected context, brokers, source of the selection
  const cases: {
    name: string;
    user?: string;
    project?: string;
    env?: Record<string, string>;
    sources?: Partial<ConfigSources>;
    context: string;
    brokers: string;
    selectedBy: RegExp;
  }[] = [
    { name: 'no config: the local platform', context: 'local', brokers: '', selectedBy: /^default$/ },
    {
      name: 'currentContext of the user file',
      user: USER,
      context: 'staging',
      brokers: 'staging-1:9093,staging-2:9093',
      selectedBy: /currentContext in .*config\.yaml/,
    },
    {
      name: 'the project file picks another',
      user: USER,
      project: 'context: prod\n',
      context: 'prod',
      brokers: 'prod-1:9093,prod-2:9093',
      selectedBy: /context in .*streamctl\.yaml/,
    },
    {
      name: 'the project file picks local',
      user: USER,
      project: 'context: local\n',
      context: 'local',
      brokers: '',
      selectedBy: /streamctl\.yaml/,
    },
    {
      name: 'STREAMCTL_CONTEXT beats the project file',
      user: USER,
      project: 'context: prod\n',
      env: { STREAMCTL_CONTEXT: 'staging' },
      context: 'staging',
      brokers: 'staging-1:9093,staging-2:9093',
      selectedBy: /^STREAMCTL_CONTEXT$/,
    },
    {
      name: '--context beats STREAMCTL_CONTEXT',
      user: USER,
      env: { STREAMCTL_CONTEXT: 'staging' },
      sources: { context: 'prod' },
      context: 'prod',
      brokers: 'prod-1:9093,prod-2:9093',
      selectedBy: /^--context$/,
    },
    {
      name: 'project kafka.brokers overrides the context',
      user: USER,
      project: 'kafka:\n  brokers: proj:9092\n',
      context: 'staging',
      brokers: 'proj:9092',
      selectedBy: /currentContext/,
    },
    {
      name: 'STREAMCTL_BROKERS overrides the project file',
      user: USER,
      project: 'kafka:\n  brokers: proj:9092\n',
      env: { STREAMCTL_BROKERS: 'env:9092' },
      context: 'staging',
      brokers: 'env:9092',
      selectedBy: /currentContext/,
    },
    {
      name: 'flags override the environment',
      user: USER,
      env: { STREAMCTL_BROKERS: 'env:9092' },
      sources: { flags: { kafka: { brokers: 'flag:9092' } } },
      context: 'staging',
      brokers: 'flag:9092',
      selectedBy: /currentContext/,
    },
    {
      name: "the context overrides the user file's own top-level brokers",
      user: `kafka:\n  brokers: top:9092\n${USER}`,
      context: 'staging',
      brokers: 'staging-1:9093,staging-2:9093',
      selectedBy: /currentContext/,
    },
    {
      name: 'top-level brokers of the user file apply to local',
      user: 'kafka:\n  brokers: top:9092\n',
      context: 'local',
      brokers: 'top:9092',
      selectedBy: /^default$/,
    },
  ];
  it.each(cases)('$name', (c) => {
    const s = sandbox(c.user, c.project);
    const config = resolveConfig({ env: { ...s.env, ...c.env }, cwd: s.dir, ...c.sources });
    expect(config.context.name).toBe(c.context);
    expect(config.kafka.brokers).toBe(c.brokers);
    expect(config.context.source).toMatch(c.selectedBy);
  });

  it('takes security, readOnly and timeout from the selected context, with paths made absolute', () => {
    const s = sandbox(USER);
    const c = resolveConfig({ env: s.env, cwd: s.dir });
    expect(c.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: { kind: 'env', name: 'STAGING_PW' } });
    expect(c.kafka.tls).toEqual({ ca: join(s.xdg, 'streamctl', 'certs', 'ca.pem') });
    expect(c.registry).toEqual({
      url: 'https://registry.staging',
      username: 'alice',
      password: { kind: 'file', path: join(s.root, 'reg.txt') },
    });
    expect(c.flink.url).toBe('http://flink.staging:8081');
    expect(c.readOnly).toBe(true);
    expect(c.timeoutMs).toBe(20_000);
    expect(c.origins['kafka.brokers']).toBe('context staging');

    const prod = resolveConfig({ env: s.env, cwd: s.dir, context: 'prod' });
    expect(prod.kafka.tls).toEqual({});
    expect(prod.kafka.sasl).toBeUndefined();
    expect(prod.readOnly).toBe(false);
    expect(prod.timeoutMs).toBe(10_000);
  });

  it('orders timeouts: default < user file < context < project file < STREAMCTL_TIMEOUT < flags', () => {
    const s = sandbox(`timeoutMs: 5000\n${USER}`);
    const env = s.env;
    expect(resolveConfig({ env, cwd: s.dir, context: 'prod' }).timeoutMs).toBe(5_000);
    expect(resolveConfig({ env, cwd: s.dir }).timeoutMs).toBe(20_000);
    writeFileSync(s.projectFile, 'timeoutMs: 30000\n');
    expect(resolveConfig({ env, cwd: s.dir }).timeoutMs).toBe(30_000);
    expect(resolveConfig({ env: { ...env, STREAMCTL_TIMEOUT: '2s' }, cwd: s.dir }).timeoutMs).toBe(2_000);
    expect(resolveConfig({ env: { ...env, STREAMCTL_TIMEOUT: '2s' }, cwd: s.dir, flags: { timeoutMs: 1500 } }).timeoutMs).toBe(1_500);
    expect(() => resolveConfig({ env: { ...env, STREAMCTL_TIMEOUT: 'soon' }, cwd: s.dir })).toThrow(/STREAMCTL_TIMEOUT/);
  });

  it('names an unknown context and what selected it', () => {
    const s = sandbox(USER);
    expect(() => resolveConfig({ env: { ...s.env, STREAMCTL_CONTEXT: 'qa' }, cwd: s.dir })).toThrow(
      /unknown context "qa" \(selected by STREAMCTL_CONTEXT\)/,
    );
    try {
      resolveConfig({ env: s.env, cwd: s.dir, context: 'qa' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).hint).toMatch(/local, staging, prod/);
    }
  });
});

describe('errors name their source', () => {
  const bad: { name: string; user?: string; project?: string; error: RegExp }[] = [
    {
      name: 'unknown key in a context',
      user: 'contexts:\n  a:\n    kafka:\n      brokerz: x\n',
      error: /unknown config key "contexts.a.kafka.brokerz" in .*config\.yaml/,
    },
    {
      name: 'unknown key in sasl',
      user: 'contexts:\n  a:\n    kafka:\n      sasl: { mechanism: PLAIN, username: u, passwordEnv: P, pasword: x }\n',
      error: /"contexts.a.kafka.sasl.pasword" in .*config\.yaml/,
    },
    {
      name: 'unknown SASL mechanism',
      user: 'contexts:\n  a:\n    kafka:\n      sasl: { mechanism: GSSAPI, username: u, passwordEnv: P }\n',
      error: /config\.yaml: unknown SASL mechanism "GSSAPI"/,
    },
    {
      name: 'SASL without a password',
      user: 'contexts:\n  a:\n    kafka:\n      sasl: { mechanism: PLAIN, username: u }\n',
      error: /needs a password/,
    },
    {
      name: 'two password sources',
      user: 'contexts:\n  a:\n    registry: { url: http://r, username: u, passwordEnv: A, passwordFile: b }\n',
      error: /sets passwordEnv and passwordFile/,
    },
    { name: 'registry user without password', user: 'contexts:\n  a:\n    registry: { username: u }\n', error: /username but no password/ },
    { name: 'cert without key', user: 'contexts:\n  a:\n    kafka:\n      tls: { cert: c.pem }\n', error: /needs both cert and key/ },
    {
      name: 'readOnly not a boolean',
      user: 'contexts:\n  a:\n    readOnly: yes please\n',
      error: /"contexts.a.readOnly" must be true or false/,
    },
    { name: 'a context called local', user: 'contexts:\n  local:\n    kafka: { brokers: x }\n', error: /"local" is the built-in context/ },
    { name: 'a bad context name', user: 'contexts:\n  "a b":\n    kafka: { brokers: x }\n', error: /invalid context name "a b"/ },
    {
      name: 'contexts in the project file',
      project: 'contexts:\n  a: {}\n',
      error: /"contexts" belongs in the user file .*, not in .*streamctl\.yaml/,
    },
    { name: 'currentContext in the project file', project: 'currentContext: a\n', error: /"currentContext" belongs in the user file/ },
    { name: 'context in the user file', user: 'context: a\n', error: /unknown config key "context" in .*config\.yaml/ },
    { name: 'unknown top-level key', project: 'kafak:\n  brokers: x\n', error: /unknown config key "kafak" in .*streamctl\.yaml/ },
    {
      name: 'unknown key in a top-level section',
      project: 'registry:\n  uri: x\n',
      error: /unknown config key "registry.uri" in .*streamctl\.yaml/,
    },
    { name: 'bad timeoutMs', project: 'timeoutMs: -5\n', error: /"timeoutMs" must be a positive number of milliseconds/ },
  ];
  it.each(bad)('$name', (c) => {
    const s = sandbox(c.user, c.project);
    expect(() => resolveConfig({ env: s.env, cwd: s.dir })).toThrow(c.error);
  });
});

describe('resolveEndpoints', () => {
  it('reads secrets when a client needs them, from the environment or a file', () => {
    const s = sandbox(USER);
    writeFileSync(join(s.root, 'reg.txt'), 'registry-pass\n');
    writeFileSync(join(s.xdg, 'streamctl', 'certs.pem'), 'x');
    mkdirSync(join(s.xdg, 'streamctl', 'certs'));
    writeFileSync(join(s.xdg, 'streamctl', 'certs', 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    const config = resolveConfig({ env: { ...s.env, STAGING_PW: 'kafka-pass' }, cwd: s.dir });
    const e = resolveEndpoints(config);
    expect(e.context).toBe('staging');
    expect(e.kafka.brokers).toEqual(['staging-1:9093', 'staging-2:9093']);
    expect(e.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 'kafka-pass' });
    expect((e.kafka.ssl as { ca: Buffer[] }).ca[0]!.toString()).toContain('BEGIN CERTIFICATE');
    expect(e.registry).toEqual({ url: 'https://registry.staging', auth: { username: 'alice', password: 'registry-pass' } });
    expect(e.timeoutMs).toBe(20_000);
  });

  it('fails naming the variable or file, never a value, and only for the client that needs it', () => {
    const s = sandbox(USER);
    const e = resolveEndpoints(resolveConfig({ env: s.env, cwd: s.dir }));
    // Nothing is read until asked for.
    expect(e.kafka.brokers).toHaveLength(2);
    expect(() => e.kafka.sasl).toThrow(
      /the Kafka SASL password \(context staging\) comes from the environment variable STAGING_PW, which is not set/,
    );
    expect(() => e.registry.auth).toThrow(/unable to read the schema registry password \(context staging\) from .*reg\.txt/);
    expect(() => e.kafka.ssl).toThrow(/unable to read the TLS CA file \(kafka.tls.ca \(context staging\)\) .*ca\.pem/);
  });

  it('points at the local platform when nothing is configured, and takes user:password@ out of a registry URL', () => {
    const s = sandbox();
    const local = resolveEndpoints(resolveConfig({ env: s.env, cwd: s.dir }));
    expect(local.kafka).toEqual({ brokers: ['localhost:9092'] });
    expect(local.registry).toEqual({ url: 'http://localhost:8081/apis/ccompat/v7' });
    expect(local.context).toBe('local');
    const withCreds = resolveEndpoints(
      resolveConfig({ env: { ...s.env, STREAMCTL_REGISTRY_URL: 'http://bob:pw%40x@reg:8081/' }, cwd: s.dir }),
    );
    expect(withCreds.registry).toEqual({ url: 'http://reg:8081', auth: { username: 'bob', password: 'pw@x' } });
  });
});

describe('assertWritable', () => {
  it('refuses on a read-only context with exit 2 and lets others through', () => {
    const s = sandbox(USER);
    const ro = resolveConfig({ env: s.env, cwd: s.dir });
    expect(() => assertWritable(ro, 'delete topic x')).toThrow(UsageError);
    expect(() => assertWritable(ro, 'delete topic x')).toThrow('refusing to delete topic x: context "staging" is read-only');
    expect(() => assertWritable(resolveConfig({ env: s.env, cwd: s.dir, context: 'prod' }), 'x')).not.toThrow();
  });
});
