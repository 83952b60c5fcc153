import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAvroSchema } from '../../src/produce/logical-types.js';
import { readTopic } from '../helpers/kafka.js';
import { cli, run } from '../helpers/platform.js';

/**
 * Whole-platform lifecycles. Each test gets its own home and its own ports
 * (offset from the defaults), so they never touch a platform someone else is
 * running; the download cache is shared so nothing is fetched twice.
 *
 * Offsets (here, in dev-secure and pipeline-eos: 14000–23000, steps of 1000 so that no two
 * platforms share a port) keep every port below 32768, where Linux's ephemeral range starts:
 * above it, a client connection's source port can hold a listener's port, and `dev up` then
 * fairly refuses it as "already in use" (it did, once, at offset 27000).
 */
const homes: string[] = [];

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'streamctl-life-'));
  chmodSync(home, 0o755);
  homes.push(home);
  return home;
}

const envFor = (home: string, offset: number, extra: NodeJS.ProcessEnv = {}) => ({
  STREAMCTL_DEV_HOME: home,
  STREAMCTL_DEV_PORT_OFFSET: String(offset),
  ...extra,
});

/** PIDs of processes whose command line mentions `home`: what must be gone after `down`. */
function processesOf(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmd.includes(home) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}

afterEach(async () => {
  // Whatever a test left running is stopped, so one failure can't starve the next test.
  for (const home of homes.splice(0)) {
    if (processesOf(home).length > 0) await cli(['dev', 'down', '--purge'], { env: { STREAMCTL_DEV_HOME: home } });
  }
});

describe('streamctl dev lifecycle', () => {
  it('up is idempotent, down leaves no process behind and keeps data, a later up reuses it', async () => {
    const home = newHome();
    const env = envFor(home, 20000);
    const up = await cli(['dev', 'up', '-o', 'json'], { env });
    expect(up.stderr).not.toMatch(/error/);
    expect(up.code).toBe(0);
    const first = JSON.parse(up.stdout);
    expect(first.alreadyRunning).toBe(false);
    for (const g of ['kafka', 'registry', 'flink', 'sqlGateway', 'postgres']) expect(first.status[g].healthy).toBe(true);
    expect(first.status.kafka.bootstrap).toBe('localhost:29092');

    const again = JSON.parse((await cli(['dev', 'up', '-o', 'json'], { env })).stdout);
    expect(again.alreadyRunning).toBe(true);
    expect(again.status.kafka.pids).toEqual(first.status.kafka.pids);

    // Leave a trace in Kafka to see that data survives down/up.
    const kafka = new kafkajs.Kafka({ brokers: ['localhost:29092'], logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'survives-restart', numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();

    const down = await cli(['dev', 'down', '-o', 'json'], { env });
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout).stopped.map((s: { how: string }) => s.how)).not.toContain('killed');
    expect(processesOf(home)).toEqual([]);
    expect(existsSync(join(home, 'data'))).toBe(true);
    const status = JSON.parse((await cli(['dev', 'status', '-o', 'json'], { env })).stdout);
    expect(status.kafka.healthy).toBe(false);
    expect((await cli(['dev', 'status', '--check'], { env })).code).toBe(1);

    expect((await cli(['dev', 'up'], { env })).code).toBe(0);
    const admin2 = new kafkajs.Kafka({ brokers: ['localhost:29092'], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin2.connect();
    expect(await admin2.listTopics()).toContain('survives-restart');
    await admin2.disconnect();

    expect((await cli(['dev', 'down', '--purge'], { env })).code).toBe(0);
    expect(processesOf(home)).toEqual([]);
    expect(existsSync(home)).toBe(false);
  });

  it('up --brokers 3 runs a 3-broker cluster (RF 3, min.insync.replicas 2) that kcat lists', async () => {
    const home = newHome();
    const env = envFor(home, 21000);
    const up = await cli(['dev', 'up', '--brokers', '3', '-o', 'json'], { env });
    expect(up.code).toBe(0);
    const status = JSON.parse(up.stdout).status;
    expect(status.kafka.bootstrap).toBe('localhost:30092,localhost:30094,localhost:30096');
    expect(status.kafka.pids).toHaveLength(3);

    const meta = await run('kcat', ['-b', status.kafka.bootstrap, '-L', '-J']);
    expect(meta.code).toBe(0);
    expect((JSON.parse(meta.stdout) as { brokers: { id: number }[] }).brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);

    const admin = new kafkajs.Kafka({ brokers: status.kafka.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3 }], waitForLeaders: true });
    const md = await admin.fetchTopicMetadata({ topics: ['replicated'] });
    for (const p of md.topics[0]!.partitions) expect(p.replicas).toHaveLength(3);
    const configs = await admin.describeConfigs({
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'replicated', configNames: ['min.insync.replicas'] }],
      includeSynonyms: false,
    });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('2');
    await admin.disconnect();

    // Asking for another topology while this one runs is refused, not half-applied.
    const mismatch = await cli(['dev', 'up', '--brokers', '1'], { env });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/already running with 3 brokers/);

    expect((await cli(['dev', 'down'], { env })).code).toBe(0);
    expect(processesOf(home)).toEqual([]);
  });
});

describe('streamctl produce through a broker crash', () => {
  it('kill -9 and restart of the broker mid-run: nothing lost, nothing duplicated, the exit code tells the truth', async () => {
    const home = newHome();
    const env = envFor(home, 23000);
    // A cluster id starting with '-' (1 in 64 of the ids streamctl used to make) must still format.
    mkdirSync(join(home, 'data', 'kafka'), { recursive: true });
    writeFileSync(join(home, 'data', 'kafka', '1-broker-cluster.id'), '-Tn3pHaJQ2uYr2GQyMt1Sw\n');
    const up = await cli(['dev', 'up'], { env });
    expect(up.code, up.stderr).toBe(0);
    const bootstrap = 'localhost:32092';
    const schema = fileURLToPath(new URL('../../schemas/transaction_event.avsc', import.meta.url));
    const running = cli(['produce', '--schema', schema, '--topic', 'crash-test', '--events', '100000', '--rate', '5k/s', '-o', 'json'], {
      env,
    });

    await new Promise((r) => setTimeout(r, 6_000));
    const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { services: Record<string, { pid: number }> };
    process.kill(state.services['kafka-1']!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 2_000));
    // `dev up` restarts just the dead broker.
    const restart = await cli(['dev', 'up', '-o', 'json'], { env });
    expect(restart.code).toBe(0);
    expect(JSON.parse(restart.stdout).started).toEqual(['kafka-1']);

    const r = await running;
    const result = JSON.parse(r.stdout) as { summary: { sent: number; acked: number; failed: number } };
    // Exit 0 exactly when every event was acknowledged.
    expect(r.code === 0).toBe(result.summary.acked === 100_000);
    const values = (await readTopic(bootstrap, 'crash-test', result.summary.acked, { timeoutMs: 90_000 })).map((m) => m.value);
    const type = parseAvroSchema(readFileSync(schema, 'utf8'));
    const ids = values.map((v) => (type.fromBuffer(v.subarray(5)) as { transaction_id: string }).transaction_id);
    expect(new Set(ids).size).toBe(ids.length); // nothing duplicated
    expect(ids.length).toBe(result.summary.acked); // nothing acknowledged was lost
    expect(r.code).toBe(0); // and with ~30 s of retries, the restart is ridden out
    expect((await cli(['dev', 'down', '--purge'], { env })).code).toBe(0);
  });
});

describe('streamctl dev faults', () => {
  let blocker: Server | undefined;
  afterEach(() => {
    blocker?.close();
    blocker = undefined;
  });

  it('a port already in use: one line naming the service and port, exit 2, nothing left running', async () => {
    const home = newHome();
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(22081, '127.0.0.1', r));
    const r = await cli(['dev', 'up'], { env: envFor(home, 14000) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unable to start registry: port 22081 is already in use$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(processesOf(home)).toEqual([]);
  });

  it('a service that dies while starting: names it and its log file, exit 2, stops the rest', async () => {
    const home = newHome();
    // A Kafka log dir formatted for another node makes the broker exit at start-up.
    const dataDir = join(home, 'data', 'kafka', '1-broker', 'node-1');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, 'meta.properties'),
      'version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=99\ndirectory.id=AAAAAAAAAAAAAAAAAAAAAA\n',
    );
    const r = await cli(['dev', 'up'], { env: envFor(home, 15000) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unable to start kafka-1: the process exited while starting');
    expect(r.stderr).toContain(`hint: see ${join(home, 'logs', 'kafka-1.log')}`);
    expect(processesOf(home)).toEqual([]);
    expect(existsSync(join(home, 'state.json'))).toBe(false);
  });

  it('no java: says so with what to install, exit 2', async () => {
    const home = newHome();
    const emptyPath = mkdtempSync(join(tmpdir(), 'streamctl-nopath-'));
    const r = await cli(['dev', 'up'], {
      env: envFor(home, 16000, { JAVA_HOME: '/nonexistent', STREAMCTL_JDK_ROOTS: '', PATH: emptyPath }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unable to start the platform: java not found\nhint: install a Java 17\+ runtime/);
  });

  it('a failed download: names what failed, exit 2, leaves no half-filled cache entry', async () => {
    const home = newHome();
    const cache = mkdtempSync(join(tmpdir(), 'streamctl-cache-'));
    const fakeBin = mkdtempSync(join(tmpdir(), 'streamctl-bin-'));
    // Stand-ins for the fetch tools that fail the way an unreachable registry does.
    writeFileSync(
      join(fakeBin, 'mvn'),
      '#!/bin/sh\necho "[ERROR] Failed to execute goal: Could not transfer artifact: connect timed out" >&2\nexit 1\n',
    );
    writeFileSync(
      join(fakeBin, 'python3'),
      '#!/bin/sh\necho "ERROR: Could not find a version that satisfies the requirement" >&2\nexit 1\n',
    );
    chmodSync(join(fakeBin, 'mvn'), 0o755);
    chmodSync(join(fakeBin, 'python3'), 0o755);
    const r = await cli(['dev', 'up'], {
      env: envFor(home, 17000, { STREAMCTL_CACHE_DIR: cache, PATH: `${fakeBin}:${process.env.PATH}` }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unable to fetch (Kafka|Apicurio Registry|Flink).* with (mvn|pip): /m);
    expect(readdirSync(cache)).toEqual([]);
    expect(processesOf(home)).toEqual([]);
  });
});
