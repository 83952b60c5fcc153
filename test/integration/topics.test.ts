import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaFor } from '../helpers/kafka.js';
import { cli, runningPlatform, unique } from '../helpers/platform.js';

let bootstrap: string;
let admin: Admin;

beforeAll(async () => {
  bootstrap = (await runningPlatform()).kafka.bootstrap;
  admin = kafkaFor(bootstrap).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

/** The topic's own configs (set on it), read independently of streamctl. */
async function topicOverrides(topic: string): Promise<Record<string, string>> {
  const res = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  return Object.fromEntries(
    res.resources[0]!.configEntries.filter((e) => e.configSource === kafkajs.ConfigSource.TOPIC_CONFIG).map((e) => [
      e.configName,
      e.configValue,
    ]),
  );
}

async function partitionCount(topic: string): Promise<number> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  return meta.topics[0]!.partitions.length;
}

/** A user config file with a read-only context for the local platform. */
function readOnlyConfig(): NodeJS.ProcessEnv {
  const root = mkdtempSync(join(tmpdir(), 'streamctl-it-ro-'));
  mkdirSync(join(root, 'streamctl'));
  writeFileSync(join(root, 'streamctl', 'config.yaml'), `contexts:\n  ro:\n    kafka:\n      brokers: ${bootstrap}\n    readOnly: true\n`);
  return { XDG_CONFIG_HOME: root };
}

describe('streamctl topics', () => {
  it('creates a topic with partitions, replication factor and configs, then lists and describes it', async () => {
    const topic = unique('it-topics');
    const created = await cli([
      'topics',
      'create',
      topic,
      '-p',
      '3',
      '-r',
      '1',
      '-c',
      'retention.ms=3600000',
      '-c',
      'max.message.bytes=2097152',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created topic ${topic}: 3 partitions, replication factor 1`);
    // Checked with an independent client.
    expect(await partitionCount(topic)).toBe(3);
    expect(await topicOverrides(topic)).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': '2097152' });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions.every((p) => p.leader >= 0)).toBe(true);

    const list = await cli(['topics', 'list', '-o', 'json']);
    expect(list.code).toBe(0);
    const topics = JSON.parse(list.stdout) as { name: string; partitions: number; replicationFactor: number; internal: boolean }[];
    expect(topics).toContainEqual({ name: topic, partitions: 3, replicationFactor: 1, internal: false });
    expect(topics.some((t) => t.internal)).toBe(false);
    const table = await cli(['topics', 'list']);
    expect(table.stdout).toMatch(new RegExp(`^${topic} +3 +1$`, 'm'));
    const internal = JSON.parse((await cli(['topics', 'list', '--internal', '-o', 'json'])).stdout) as {
      name: string;
      internal: boolean;
    }[];
    expect(internal).toContainEqual(expect.objectContaining({ name: '__consumer_offsets', internal: true }));

    const described = await cli(['topics', 'describe', topic, '-o', 'json']);
    expect(described.code).toBe(0);
    const d = JSON.parse(described.stdout);
    expect(d.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2]);
    for (const p of d.partitions) {
      expect(p.leader).toBeGreaterThanOrEqual(1);
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
      expect(p).toMatchObject({ logStartOffset: 0, logEndOffset: 0 });
    }
    expect(d.configs).toContainEqual(expect.objectContaining({ name: 'retention.ms', value: '3600000', source: 'topic' }));
    expect(d.configs.some((c: { source: string }) => c.source === 'default')).toBe(false);
    const all = JSON.parse((await cli(['topics', 'describe', topic, '--all-configs', '-o', 'json'])).stdout);
    expect(all.configs.length).toBeGreaterThan(d.configs.length);
    expect(all.configs).toContainEqual(expect.objectContaining({ name: 'cleanup.policy', value: 'delete', source: 'default' }));
    const human = await cli(['topics', 'describe', topic]);
    expect(human.stdout).toMatch(/^PARTITION +LEADER +REPLICAS +ISR +LOG START +LOG END$/m);
    expect(human.stdout).toMatch(/^retention\.ms +3600000 +topic$/m);
  });

  it('takes the broker defaults for partitions and replication factor', async () => {
    const topic = unique('it-topics-defaults');
    expect((await cli(['topics', 'create', topic])).code).toBe(0);
    const brokerPartitions = await admin
      .describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.BROKER, name: '1' }], includeSynonyms: false })
      .then((r) => Number(r.resources[0]!.configEntries.find((e) => e.configName === 'num.partitions')!.configValue));
    expect(await partitionCount(topic)).toBe(brokerPartitions);
  });

  it('refuses an existing topic, an unknown or invalid config and too many replicas with exit 2', async () => {
    const topic = unique('it-topics-dup');
    expect((await cli(['topics', 'create', topic, '-p', '1'])).code).toBe(0);
    const dup = await cli(['topics', 'create', topic]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(new RegExp(`^error: topic "${topic}" already exists\\nhint: .*--if-not-exists`));
    const again = await cli(['topics', 'create', topic, '--if-not-exists', '-p', '4']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already exists (1 partitions');
    expect(await partitionCount(topic)).toBe(1);

    const other = unique('it-topics-bad');
    const unknown = await cli(['topics', 'create', other, '-c', 'retention.msec=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown topic config retention.msec');
    const invalid = await cli(['topics', 'create', other, '-c', 'retention.ms=soon']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('the broker rejected a config value (retention.ms=soon)');
    const replicas = await cli(['topics', 'create', other, '-r', '4']);
    expect(replicas.code).toBe(2);
    expect(replicas.stderr).toMatch(/replication factor 4 is more than the 1 broker\(s\) of the cluster\nhint: pass -r 1 or less/);
    expect((await admin.listTopics()).includes(other)).toBe(false);
    const badName = await cli(['topics', 'create', 'a b']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('invalid topic name "a b"');
  });

  it('adds partitions, sets and deletes configs while keeping the others, and refuses to shrink', async () => {
    const topic = unique('it-topics-alter');
    expect(
      (
        await cli([
          'topics',
          'create',
          topic,
          '-p',
          '2',
          '-c',
          'retention.ms=3600000',
          '-c',
          'cleanup.policy=compact',
          '-c',
          'max.message.bytes=2097152',
        ])
      ).code,
    ).toBe(0);
    const altered = await cli([
      'topics',
      'alter',
      topic,
      '--partitions',
      '5',
      '-c',
      'retention.ms=7200000',
      '--delete-config',
      'cleanup.policy',
      '-o',
      'json',
    ]);
    expect(altered.stderr).toBe('');
    expect(altered.code).toBe(0);
    expect(JSON.parse(altered.stdout)).toEqual({
      topic,
      partitions: { from: 2, to: 5 },
      set: { 'retention.ms': { from: '3600000', to: '7200000' } },
      removed: { 'cleanup.policy': 'compact' },
      unchanged: false,
    });
    expect(await partitionCount(topic)).toBe(5);
    expect(await topicOverrides(topic)).toEqual({ 'retention.ms': '7200000', 'max.message.bytes': '2097152' });

    const same = await cli(['topics', 'alter', topic, '-p', '5', '-c', 'retention.ms=7200000']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('nothing changed');
    const shrink = await cli(['topics', 'alter', topic, '-p', '3']);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toContain(`topic ${topic} has 5 partitions; Kafka can only add partitions`);
    const unknown = await cli(['topics', 'alter', topic, '-c', 'nope.nope=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown topic config nope.nope');
    expect((await cli(['topics', 'alter', topic])).stderr).toContain('nothing to change');
    expect((await cli(['topics', 'alter', unique('it-missing'), '-p', '2'])).stderr).toMatch(/topic ".*" does not exist/);
    expect(await topicOverrides(topic)).toEqual({ 'retention.ms': '7200000', 'max.message.bytes': '2097152' });
  });

  it('deletes only when confirmed: off a terminal it refuses without --yes', async () => {
    const a = unique('it-topics-del');
    const b = unique('it-topics-del');
    for (const t of [a, b]) expect((await cli(['topics', 'create', t, '-p', '1'])).code).toBe(0);
    const refused = await cli(['topics', 'delete', a]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `error: refusing to delete topic ${a} without confirmation: not a terminal\nhint: pass --yes to confirm in scripts\n`,
    );
    expect(await admin.listTopics()).toContain(a);

    const missing = await cli(['topics', 'delete', a, unique('it-missing'), '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist\nhint: nothing was deleted/);
    expect(await admin.listTopics()).toContain(a);

    const deleted = await cli(['topics', 'delete', a, b, '--yes']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`deleted topic ${a}\ndeleted topic ${b}\n`);
    const left = await admin.listTopics();
    expect(left).not.toContain(a);
    expect(left).not.toContain(b);
    const gone = await cli(['topics', 'describe', a]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`topic "${a}" does not exist`);
    // The name can be used again right away.
    expect((await cli(['topics', 'create', a, '-p', '2'])).code).toBe(0);
    expect(await partitionCount(a)).toBe(2);
  });

  it('refuses create, alter and delete on a read-only context (exit 2) and still reads', async () => {
    const env = readOnlyConfig();
    const topic = unique('it-topics-ro');
    expect((await cli(['topics', 'create', topic, '-p', '1'])).code).toBe(0);
    for (const args of [
      ['--context', 'ro', 'topics', 'create', unique('it-topics-ro')],
      ['--context', 'ro', 'topics', 'alter', topic, '-p', '3'],
      ['topics', 'delete', topic, '--yes', '--context', 'ro'],
    ]) {
      const r = await cli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: refusing to .*: context "ro" is read-only\n/);
    }
    const viaEnv = await cli(['topics', 'delete', topic, '--yes'], { env: { ...env, STREAMCTL_CONTEXT: 'ro' } });
    expect(viaEnv.code).toBe(2);
    expect(await admin.listTopics()).toContain(topic);
    expect(await partitionCount(topic)).toBe(1);
    const read = await cli(['--context', 'ro', 'topics', 'describe', topic, '-o', 'json'], { env });
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout).name).toBe(topic);
  });
});
