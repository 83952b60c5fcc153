import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createCollector } from '../../src/collector/collector.js';
import type { LagReport } from '../../src/collector/report.js';
import { contextName } from '../../src/commands/lag/options.js';
import { resolveEndpoints } from '../../src/config/endpoints.js';
import { resolveConfig } from '../../src/config/index.js';
import { cli, type CliResult } from '../helpers/platform.js';

/**
 * `streamctl dev up --secure` on a platform of its own (own home, ports offset by
 * 19000, own user config), then every Kafka command through the SASL_SSL listener
 * and the failures a person meets: a wrong password, a missing CA; then top's
 * collector and `streamctl lag` over the same listener. The tests run in order
 * on the platform the first one starts.
 */
const home = mkdtempSync(join(tmpdir(), 'streamctl-life-secure-'));
chmodSync(home, 0o755);
const config = mkdtempSync(join(tmpdir(), 'streamctl-life-secure-config-'));
const env = { STREAMCTL_DEV_HOME: home, STREAMCTL_DEV_PORT_OFFSET: '19000', XDG_CONFIG_HOME: config };
const USER_EVENT = fileURLToPath(new URL('../../schemas/user_event.avsc', import.meta.url));

function processesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

afterAll(async () => {
  // Only this test's own platform.
  if (processesOf(home).length > 0) await cli(['dev', 'down', '--purge'], { env: { STREAMCTL_DEV_HOME: home } });
});

describe('streamctl dev up --secure', () => {
  it('runs a SASL_SSL listener with SCRAM-SHA-512 and a local CA, and writes a context that reaches it', async () => {
    const outputs: CliResult[] = [];
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = await cli(args, { env: { ...env, ...extra } });
      outputs.push(r);
      return r;
    };

    const up = await run(['dev', 'up', '--secure', '-o', 'json']);
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout);
    expect(result.secure).toMatchObject({
      context: 'local-secure',
      bootstrap: 'localhost:28192',
      mechanism: 'SCRAM-SHA-512',
      username: 'streamctl',
    });
    const secureDir = join(home, 'data', 'kafka', 'secure');
    expect(result.secure.caFile).toBe(join(secureDir, 'ca.pem'));
    for (const f of ['ca.pem', 'broker.p12', 'streamctl.password', 'keystore.password']) {
      expect(statSync(join(secureDir, f)).mode & 0o077, f).toBe(0);
    }
    expect(readFileSync(join(secureDir, 'ca.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    // The secure cluster's data lives apart from a plain one's.
    expect(existsSync(join(home, 'data', 'kafka', '1-broker-secure', 'node-1', 'meta.properties'))).toBe(true);
    const password = readFileSync(join(secureDir, 'streamctl.password'), 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(20);

    const userFile = join(config, 'streamctl', 'config.yaml');
    expect(parse(readFileSync(userFile, 'utf8')).contexts['local-secure']).toEqual({
      kafka: {
        brokers: 'localhost:28192',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'streamctl', passwordFile: join(secureDir, 'streamctl.password') },
        tls: { ca: join(secureDir, 'ca.pem') },
      },
    });

    // Every Kafka command through the secure listener.
    const s = ['--context', 'local-secure'];
    const topic = 'secure-orders';
    expect((await run([...s, 'topics', 'create', topic, '-p', '2'])).code).toBe(0);
    const list = await run([...s, 'topics', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout)).toContainEqual({ name: topic, partitions: 2, replicationFactor: 1, internal: false });
    const produced = await run([...s, 'produce', '--schema', USER_EVENT, '--topic', topic, '--events', '20', '--seed', '3']);
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run([...s, 'consume', topic, '-g', 'secure-readers']);
    expect(consumed.code, consumed.stderr).toBe(0);
    const records = consumed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(20);
    expect(records.every((r) => typeof r.schemaId === 'number' && r.value.user_id)).toBe(true);
    const group = await run([...s, 'groups', 'describe', 'secure-readers', '-o', 'json']);
    expect(JSON.parse(group.stdout).totalLag).toBe(0);
    expect((await run([...s, 'groups', 'reset-offsets', 'secure-readers', '--topic', topic, '--to-earliest', '--execute'])).code).toBe(0);
    expect((await run([...s, 'consume', topic, '-g', 'secure-readers'])).stdout.split('\n').filter(Boolean)).toHaveLength(20);
    expect((await run([...s, 'topics', 'describe', topic])).code).toBe(0);
    // The plain listener the platform's own services use still works.
    expect((await run(['topics', 'describe', topic])).code).toBe(0);

    // A wrong password: one line, exit 2, quickly.
    const wrong = join(config, 'wrong-password');
    writeFileSync(wrong, 'not-the-password\n');
    const ca = join(secureDir, 'ca.pem');
    const add = (name: string, ...flags: string[]) => run(['context', 'add', name, '--brokers', 'localhost:28192', ...flags]);
    expect(
      (
        await add(
          'wrong-password',
          '--sasl-mechanism',
          'SCRAM-SHA-512',
          '--sasl-username',
          'streamctl',
          '--sasl-password-file',
          wrong,
          '--tls-ca',
          ca,
        )
      ).code,
    ).toBe(0);
    let started = Date.now();
    const denied = await run(['--context', 'wrong-password', 'topics', 'list']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(denied.code).toBe(2);
    expect(denied.stderr.split('\n')[0]).toBe('error: authentication failed for user streamctl');
    const deniedConsume = await run(['--context', 'wrong-password', 'consume', topic, '-v']);
    expect(deniedConsume.code).toBe(2);
    expect(deniedConsume.stderr).toContain('authentication failed for user streamctl');

    // TLS without the CA (the system's CAs don't know it), and no TLS at all.
    const pwFile = join(secureDir, 'streamctl.password');
    expect(
      (await add('no-ca', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'streamctl', '--sasl-password-file', pwFile, '--tls'))
        .code,
    ).toBe(0);
    started = Date.now();
    const untrusted = await run(['--context', 'no-ca', 'topics', 'list']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(
      /^error: unable to list topics: TLS handshake with localhost:28192 failed: the broker's certificate is not signed by a trusted CA/,
    );
    expect(untrusted.stderr).toMatch(/hint: set kafka.tls.ca of context no-ca/);
    expect(
      (await add('no-tls', '--sasl-mechanism', 'SCRAM-SHA-512', '--sasl-username', 'streamctl', '--sasl-password-file', pwFile)).code,
    ).toBe(0);
    const plain = await run(['--context', 'no-tls', 'topics', 'list']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/set kafka.tls in context no-tls/);
    expect(
      (
        await add(
          'sha256',
          '--sasl-mechanism',
          'SCRAM-SHA-256',
          '--sasl-username',
          'streamctl',
          '--sasl-password-file',
          pwFile,
          '--tls-ca',
          ca,
        )
      ).code,
    ).toBe(0);
    expect((await run(['--context', 'sha256', 'topics', 'list'])).stderr).toContain('do not offer SASL mechanism SCRAM-SHA-256');

    // up again: nothing to start, the context is refreshed, the material kept.
    const again = await run(['dev', 'up', '-o', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyRunning: true, secure: { context: 'local-secure' } });
    expect(readFileSync(join(secureDir, 'streamctl.password'), 'utf8').trim()).toBe(password);

    // The password appeared in nothing streamctl printed, nor in the user file or the platform's logs.
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(password);
    expect(readFileSync(userFile, 'utf8')).not.toContain(password);
    for (const f of readdirSync(join(home, 'logs'))) expect(readFileSync(join(home, 'logs', f), 'utf8'), f).not.toContain(password);
  });
  it("top's collector and `streamctl lag` read a group's lag over SASL_SSL, as the admin API reports it", async () => {
    const secureDir = join(home, 'data', 'kafka', 'secure');
    const password = readFileSync(join(secureDir, 'streamctl.password'), 'utf8').trim();
    // An independent client (plain kafkajs, not streamctl's) sets the scene through the secure listener.
    const kafka = new kafkajs.Kafka({
      clientId: 'streamctl-test-secure',
      brokers: ['localhost:28192'],
      ssl: { ca: [readFileSync(join(secureDir, 'ca.pem'), 'utf8')] },
      sasl: { mechanism: 'scram-sha-512', username: 'streamctl', password },
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const topic = 'secure-lag';
    const groupId = 'secure-lag-readers';
    // Known positions: 4 of partition 0's 10 records read, all of partition 1's, none of partition 2's.
    const commits = [
      { partition: 0, offset: 4 },
      { partition: 1, offset: 10 },
      { partition: 2, offset: 0 },
    ];
    const admin = kafka.admin();
    await admin.connect();
    type Row = { partition: number; committed: number | null; logEnd: number; lag: number | null };
    let expected: Row[];
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `v${i}` })) });
      await producer.disconnect();

      // Offsets are committed by a member of the group (as a real consumer would), then it leaves: the group is Empty.
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the test consumer got no partitions within 30 s')), 30_000);
        let committing = false;
        void consumer
          .run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            eachBatch: async () => {
              if (committing) return;
              committing = true;
              await consumer.commitOffsets(commits.map((c) => ({ topic, partition: c.partition, offset: String(c.offset) })));
              clearTimeout(timer);
              resolve();
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();

      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      expected = committed!.partitions
        .map((p) => {
          const high = Number(ends.find((e) => e.partition === p.partition)!.high);
          const offset = Number(p.offset);
          return { partition: p.partition, committed: offset < 0 ? null : offset, logEnd: high, lag: offset < 0 ? null : high - offset };
        })
        .sort((a, b) => a.partition - b.partition);
    } finally {
      await admin.disconnect();
    }
    // The admin API agrees with the scene, so the comparisons below test the collector, not the setup.
    expect(expected).toEqual([
      { partition: 0, committed: 4, logEnd: 10, lag: 6 },
      { partition: 1, committed: 10, logEnd: 10, lag: 0 },
      { partition: 2, committed: 0, logEnd: 10, lag: 10 },
    ]);
    const rows = (ps: Row[]) =>
      ps
        .map((p) => ({ partition: p.partition, committed: p.committed, logEnd: p.logEnd, lag: p.lag }))
        .sort((a, b) => a.partition - b.partition);

    // (a) The collector as `top` builds it: the secure context's endpoints, every source, default options.
    const secure = resolveConfig({ env: { ...process.env, ...env }, context: 'local-secure' });
    const endpoints = resolveEndpoints(secure);
    const collector = await createCollector(endpoints, { intervalMs: 1000, context: contextName(secure, endpoints) });
    try {
      const s = await collector.sample();
      expect(s.sources.kafka, s.sources.kafka.error ?? '').toMatchObject({ ok: true, error: null });
      expect(s.context).toBe('localhost:28192');
      expect(s.cluster?.brokersUp).toBe(1);
      const g = s.groups.find((x) => x.groupId === groupId);
      expect(g, `groups seen: ${s.groups.map((x) => x.groupId).join(', ')}`).toBeDefined();
      expect(g).toMatchObject({ state: 'Empty', members: 0, topics: [topic], lag: 16, error: null });
      expect(rows(g!.partitions)).toEqual(expected);
      expect(s.topics.find((t) => t.topic === topic)).toMatchObject({ partitions: 3, messages: 30, error: null });
      expect(JSON.stringify(s)).not.toContain(password);
    } finally {
      await collector.stop();
    }

    // (b) `streamctl lag` through the real binary, with the right credentials and then a wrong password.
    const outputs: CliResult[] = [];
    const lag = await cli(['lag', '--context', 'local-secure', '--group', groupId, '-o', 'json'], { env });
    outputs.push(lag);
    expect(lag.code, lag.stderr).toBe(0);
    const report = JSON.parse(lag.stdout) as LagReport;
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ group: groupId, state: 'Empty', members: 0, topics: [topic], lag: 16 });
    expect(rows(report.groups[0]!.partitions)).toEqual(expected);
    // lag reads the record at each committed offset to date it: a fetch over SASL_SSL too.
    for (const p of report.groups[0]!.partitions) if (p.lag! > 0) expect(p.timeLagMethod, `partition ${p.partition}`).toBe('record');

    const wrong = join(config, 'lag-wrong-password');
    writeFileSync(wrong, 'not-the-password\n');
    const add = await cli(
      [
        'context',
        'add',
        'lag-wrong-password',
        '--force',
        '--brokers',
        'localhost:28192',
        '--sasl-mechanism',
        'SCRAM-SHA-512',
        '--sasl-username',
        'streamctl',
        '--sasl-password-file',
        wrong,
        '--tls-ca',
        join(secureDir, 'ca.pem'),
      ],
      { env },
    );
    expect(add.code, add.stderr).toBe(0);
    const started = Date.now();
    const denied = await cli(['lag', '--context', 'lag-wrong-password', '--group', groupId, '-o', 'json'], { env });
    outputs.push(denied);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(denied.code).toBe(2);
    expect(denied.stdout).toBe('');
    expect(denied.stderr.split('\n')[0]).toBe('error: authentication failed for user streamctl');
    expect(denied.stderr).toMatch(/hint: check the username and password of context lag-wrong-password/);
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(password);
  });
});
