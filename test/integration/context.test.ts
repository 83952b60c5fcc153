import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';
import { Layout } from '../../src/platform/layout.js';
import { cli, runningPlatform, unique, type CliResult } from '../helpers/platform.js';

let bootstrap: string;
let registryUrl: string;

/** A TCP server that accepts connections and never answers: a hung broker or registry. */
let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const status = await runningPlatform();
  bootstrap = status.kafka.bootstrap;
  registryUrl = status.registry.url;
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

describe('no secret appears anywhere', () => {
  it('a scripted session with SASL and registry basic auth: output, the config file and the logs never hold the password', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const home = mkdtempSync(join(tmpdir(), 'streamctl-it-secret-'));
    const passwordFile = join(home, 'registry-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const env = { XDG_CONFIG_HOME: join(home, 'config'), IT_KAFKA_PASSWORD: password };
    const topic = unique('it-secret');
    const started = Date.now();
    const results: CliResult[] = [];
    const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const r = await cli(args, { env: { ...env, ...extraEnv } });
      results.push(r);
      return r;
    };

    // Set up: a topic on the local platform, a context with SASL (pointing at the plaintext broker) and registry basic auth.
    expect((await run(['topics', 'create', topic, '-p', '1'])).code).toBe(0);
    const add = await run([
      'context',
      'add',
      'secure',
      '--brokers',
      bootstrap,
      '--sasl-mechanism',
      'SCRAM-SHA-512',
      '--sasl-username',
      'alice',
      '--sasl-password-env',
      'IT_KAFKA_PASSWORD',
      '--registry-url',
      registryUrl,
      '--registry-username',
      'bob',
      '--registry-password-file',
      passwordFile,
      '--use',
    ]);
    expect(add.code, add.stderr).toBe(0);
    for (const format of ['table', 'json', 'yaml']) {
      expect((await run(['-o', format, 'context', 'show'])).code).toBe(0);
      expect((await run(['-o', format, 'context', 'list'])).code).toBe(0);
    }
    const show = await run(['context', 'show', '--verbose']);
    expect(show.stdout).toContain('password (from env IT_KAFKA_PASSWORD)');
    expect(show.stdout).toContain(`password (from file ${passwordFile})`);

    // Commands that fail: Kafka with SASL against a plaintext listener, with and without --verbose.
    for (const args of [
      ['topics', 'list'],
      ['topics', 'list', '--verbose'],
      ['-v', 'topics', 'describe', topic],
      ['consume', topic, '-v'],
      ['groups', 'list', '--verbose'],
      ['topics', 'delete', topic, '--yes', '-v'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/the broker at .* does not take SASL on this listener/);
    }
    // A password that is not set: the variable is named, not a value.
    const unset = await run(['topics', 'list'], { IT_KAFKA_PASSWORD: '' });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('comes from the environment variable IT_KAFKA_PASSWORD, which is not set');
    // The registry with basic auth (Apicurio ignores it) succeeds; an unreachable one fails, naming the URL without credentials.
    const subjects = await run(['schemas', 'list', '-o', 'json', '--verbose']);
    expect(subjects.code, subjects.stderr).toBe(0);
    const unreachable = await run(['schemas', 'list', '--verbose'], {
      STREAMCTL_REGISTRY_URL: `http://bob:${password}@127.0.0.1:${silentPort}`,
      STREAMCTL_TIMEOUT: '1s',
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/unreachable/);
    // Commands that succeed on another context, and produce's dry run on this one.
    expect((await run(['--context', 'local', 'topics', 'describe', topic, '-v'])).code).toBe(0);
    expect((await run(['--context', 'local', 'consume', topic, '-v'])).code).toBe(0);
    expect((await run(['produce', '--dry-run', '--events', '2', '--seed', '1', '-v'])).code).toBe(0);

    // Everything streamctl printed, the user file it wrote, and the platform's logs written meanwhile.
    const printed = results.map((r) => r.stdout + r.stderr).join('\n');
    expect(printed.length).toBeGreaterThan(1000);
    expect(printed).not.toContain(password);
    const configFile = join(home, 'config', 'streamctl', 'config.yaml');
    expect(readFileSync(configFile, 'utf8')).not.toContain(password);
    const logs = filesUnder(Layout.from(resolveConfig().dev).logsDir).filter((f) => statSync(f).mtimeMs >= started - 1000);
    for (const f of [...logs, ...filesUnder(join(home, 'config'))]) {
      expect(readFileSync(f, 'utf8').includes(password), f).toBe(false);
    }
  });
});

describe('streamctl context remove', () => {
  it('removes contexts from the user file; removing the current one puts commands back on the local platform', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const home = mkdtempSync(join(tmpdir(), 'streamctl-it-ctxrm-'));
    const env = { XDG_CONFIG_HOME: join(home, 'config'), IT_RM_PASSWORD: password };
    const file = join(home, 'config', 'streamctl', 'config.yaml');
    const results: CliResult[] = [];
    const run = async (args: string[]) => {
      const r = await cli(args, { env });
      results.push(r);
      return r;
    };
    // A current context that can't reach the local platform (SASL against its plaintext listener), and a read-only one.
    const sasl = ['--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'alice', '--sasl-password-env', 'IT_RM_PASSWORD'];
    expect((await run(['context', 'add', 'doomed', '--brokers', bootstrap, ...sasl, '--use'])).code).toBe(0);
    expect((await run(['context', 'add', 'kept', '--brokers', bootstrap, '--read-only'])).code).toBe(0);
    expect((await run(['topics', 'list'])).code).toBe(2);

    const removed = await run(['context', 'remove', 'doomed', '-o', 'json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({ context: 'doomed', file, wasCurrent: true, currentContext: 'local' });
    const list = JSON.parse((await run(['context', 'list', '-o', 'json'])).stdout);
    expect(list.current).toBe('local');
    expect(list.contexts.map((c: { name: string }) => c.name)).toEqual(['local', 'kept']);
    // The next command uses the built-in context, which reaches the running platform.
    const topics = await run(['topics', 'list', '-o', 'json']);
    expect(topics.code, topics.stderr).toBe(0);

    // A read-only context is removable (a config edit, not a cluster change), with the rm alias.
    const rm = await run(['context', 'rm', 'kept']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toBe(`removed context kept from ${file}\n`);

    const unknown = await run(['context', 'remove', 'doomed']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe(`error: unknown context "doomed" (${file} has no contexts)`);
    const local = await run(['context', 'remove', 'local']);
    expect(local.code).toBe(2);
    expect(local.stderr.split('\n')[0]).toBe('error: "local" is the built-in context of the local platform and can\'t be removed');

    for (const r of results) expect(r.stdout + r.stderr).not.toContain(password);
  });
});

describe('failures are one clear line, within the timeout', () => {
  it('a broker that never answers: --timeout, STREAMCTL_TIMEOUT and the default 10 s', async () => {
    const env = { STREAMCTL_BROKERS: `127.0.0.1:${silentPort}` };
    for (const [args, extra, limit, said] of [
      [['topics', 'list', '--timeout', '2s'], {}, 6_000, '2s'],
      [['consume', 'x'], { STREAMCTL_TIMEOUT: '1500ms' }, 6_000, '1.5s'],
      [['groups', 'list'], {}, 15_000, '10s'],
    ] as const) {
      const started = Date.now();
      const r = await cli([...args], { env: { ...env, ...extra } });
      expect(Date.now() - started, args.join(' ')).toBeLessThan(limit);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^error: unable to .*: no answer from Kafka at 127\\.0\\.0\\.1:${silentPort} within ${said.replace('.', '\\.')}\\nhint: .*--timeout\\n$`,
        ),
      );
    }
  });

  it('a refused port and an unknown host', async () => {
    const refused = await cli(['topics', 'list'], { env: { STREAMCTL_BROKERS: '127.0.0.1:1' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')[0]).toBe('error: unable to list topics: connection refused by 127.0.0.1:1');
    const unknown = await cli(['topics', 'list', '--timeout', '5s'], { env: { STREAMCTL_BROKERS: 'no-such-host.invalid:9092' } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unable to list topics: (unknown host no-such-host\.invalid|no answer from|.*no-such-host)/);
  });

  it('TLS against a plaintext broker, and a CA file that is missing, say so', async () => {
    const home = mkdtempSync(join(tmpdir(), 'streamctl-it-tls-'));
    const env = { XDG_CONFIG_HOME: home };
    expect((await cli(['context', 'add', 'tls', '--brokers', bootstrap, '--tls'], { env })).code).toBe(0);
    expect((await cli(['context', 'add', 'noca', '--brokers', bootstrap, '--tls-ca', join(home, 'missing-ca.pem')], { env })).code).toBe(0);
    const started = Date.now();
    const tls = await cli(['--context', 'tls', 'topics', 'list'], { env });
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(tls.code).toBe(2);
    expect(tls.stderr).toMatch(/^error: unable to list topics: TLS handshake with .* failed: the broker did not answer with TLS/);
    const noCa = await cli(['--context', 'noca', 'topics', 'list'], { env });
    expect(noCa.code).toBe(2);
    expect(noCa.stderr).toMatch(/^error: unable to read the TLS CA file \(kafka\.tls\.ca \(context noca\)\) .*missing-ca\.pem: ENOENT/);
  });

  it('a registry that never answers, while consuming Avro', async () => {
    const topic = unique('it-noregistry');
    const produced = await cli(['produce', '--schema', 'schemas/user_event.avsc', '--topic', topic, '--events', '3', '-p', '1']);
    expect(produced.code, produced.stderr).toBe(0);
    const started = Date.now();
    const r = await cli(['consume', topic], { env: { STREAMCTL_REGISTRY_URL: `http://127.0.0.1:${silentPort}`, STREAMCTL_TIMEOUT: '2s' } });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: unable to fetch schema id \d+: schema registry at http:\/\/127\.0\.0\.1:\d+ unreachable \(no answer within 2s\)/,
    );
  });
});
