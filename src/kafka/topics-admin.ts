import kafkajs, { type Admin } from 'kafkajs';
import { ConnectionError, UsageError } from '../errors.js';

/**
 * Topic administration for `streamctl topics`: list, describe, create,
 * delete, alter. Functions take a connected kafkajs Admin and return data;
 * they never print.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Kafka's own topics (__consumer_offsets, __transaction_state…). */
  internal: boolean;
}

export interface PartitionInfo {
  partition: number;
  /** Broker id of the leader; -1 when there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
  /** Replicas on brokers that are down. */
  offline: number[];
  /** First offset still in the log. */
  logStartOffset: number;
  /** The offset the next record gets (high watermark; the last stable offset under open transactions). */
  logEndOffset: number;
}

export const CONFIG_SOURCES = ['unknown', 'topic', 'broker', 'cluster default', 'broker (static)', 'default', 'broker logger'] as const;
export type ConfigSourceName = (typeof CONFIG_SOURCES)[number];

export interface TopicConfigEntry {
  name: string;
  /** null for a sensitive value, which Kafka never returns. */
  value: string | null;
  /** Where the value comes from: set on the topic, by the broker, or Kafka's default. */
  source: ConfigSourceName;
  sensitive: boolean;
  readOnly: boolean;
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  partitions: PartitionInfo[];
  replicationFactor: number;
  /** Records between log start and log end, over every partition (compaction and transactions make it an upper bound). */
  records: number;
  /** Non-default configs, or every config with allConfigs. */
  configs: TopicConfigEntry[];
  allConfigs: boolean;
}

/** Kafka's own topics; kafkajs's metadata doesn't carry the internal flag, and only Kafka's names start with "__". */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

const TOPIC_NAME_RE = /^[A-Za-z0-9._-]+$/;

/** Kafka's rule for topic names, checked before asking the broker so the message is clear. */
export function validateTopicName(name: string): void {
  if (name.length === 0 || name.length > 249 || !TOPIC_NAME_RE.test(name) || name === '.' || name === '..') {
    throw new UsageError(`invalid topic name "${name}"`, {
      hint: 'topic names are 1–249 characters of letters, digits, ".", "_" and "-" (and not "." or "..")',
    });
  }
}

/** The broker's own words from a kafkajs admin error (which nests them in `errors`). */
export function adminErrorText(err: unknown): string {
  const e = err as { errors?: unknown[]; message?: string; cause?: unknown; type?: string };
  if (Array.isArray(e?.errors) && e.errors.length > 0) return e.errors.map(adminErrorText).join('; ');
  if (e?.cause && (e.message ?? '').startsWith('Number of retries')) return adminErrorText(e.cause);
  return e?.message ?? String(err);
}

/** Every topic with its partition count and replication factor, sorted by name. */
export async function listTopics(admin: Admin, options: { internal?: boolean } = {}): Promise<TopicSummary[]> {
  const meta = await admin.fetchTopicMetadata({ topics: [] });
  return meta.topics
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
      internal: isInternalTopic(t.name),
    }))
    .filter((t) => options.internal || !t.internal)
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function topicExists(admin: Admin, topic: string): Promise<boolean> {
  return (await admin.listTopics()).includes(topic);
}

function notFound(topic: string): UsageError {
  return new UsageError(`topic "${topic}" does not exist`, { hint: 'see the topics with `streamctl topics list`' });
}

/** Partitions (leader, replicas, ISR, offsets) and configs of one topic. */
export async function describeTopic(admin: Admin, topic: string, options: { allConfigs?: boolean } = {}): Promise<TopicDescription> {
  if (!(await topicExists(admin, topic))) throw notFound(topic);
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const offsets = await admin.fetchTopicOffsets(topic);
  const byPartition = new Map(offsets.map((o) => [o.partition, o]));
  const partitions: PartitionInfo[] = (meta.topics[0]?.partitions ?? [])
    .map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
      offline: [...(p.offlineReplicas ?? [])],
      logStartOffset: Number(byPartition.get(p.partitionId)?.low ?? 0),
      logEndOffset: Number(byPartition.get(p.partitionId)?.high ?? 0),
    }))
    .sort((a, b) => a.partition - b.partition);
  const configs = await topicConfigs(admin, topic);
  return {
    name: topic,
    internal: isInternalTopic(topic),
    partitions,
    replicationFactor: Math.max(0, ...partitions.map((p) => p.replicas.length)),
    records: partitions.reduce((n, p) => n + Math.max(0, p.logEndOffset - p.logStartOffset), 0),
    configs: options.allConfigs ? configs : configs.filter((c) => c.source !== 'default'),
    allConfigs: options.allConfigs === true,
  };
}

/** Every config of a topic with where its value comes from, sorted by name. */
export async function topicConfigs(admin: Admin, topic: string): Promise<TopicConfigEntry[]> {
  const res = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const resource = res.resources[0];
  if (!resource) return [];
  if (resource.errorCode !== 0) {
    throw new ConnectionError(
      `unable to read the configs of topic ${topic}: ${resource.errorMessage || `error code ${resource.errorCode}`}`,
    );
  }
  return resource.configEntries
    .map((e) => ({
      name: e.configName,
      value: e.isSensitive ? null : e.configValue,
      source: CONFIG_SOURCES[e.configSource] ?? 'unknown',
      sensitive: e.isSensitive,
      readOnly: e.readOnly,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `key=value` pairs of -c/--config options; later ones win. */
export function parseConfigPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!key)
      throw new UsageError(`invalid config "${pair}"`, { hint: 'use key=value, e.g. -c retention.ms=86400000 -c cleanup.policy=compact' });
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

export interface CreateTopicOptions {
  topic: string;
  /** -1: the broker's num.partitions. */
  partitions: number;
  /** -1: the broker's default.replication.factor. */
  replicationFactor: number;
  configs: Record<string, string>;
  /** An existing topic is not an error. Default: false. */
  ifNotExists?: boolean;
  /** How long to wait for every partition to have a leader. */
  timeoutMs: number;
}

export interface CreateTopicResult {
  topic: string;
  created: boolean;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/**
 * Creates a topic and waits until every partition has a leader. Not
 * kafkajs's waitForLeaders: on KRaft it can fail with
 * UNKNOWN_TOPIC_OR_PARTITION although the topic was created
 * (docs/kafka-clients.md), so the metadata is polled instead.
 */
export async function createTopic(admin: Admin, options: CreateTopicOptions): Promise<CreateTopicResult> {
  const { topic } = options;
  validateTopicName(topic);
  await checkConfigNames(admin, Object.keys(options.configs));
  let created: boolean;
  try {
    created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: options.partitions,
          replicationFactor: options.replicationFactor,
          configEntries: Object.entries(options.configs).map(([name, value]) => ({ name, value })),
        },
      ],
      waitForLeaders: false,
      timeout: options.timeoutMs,
    });
  } catch (err) {
    throw await createError(admin, options, err);
  }
  if (!created) {
    if (options.ifNotExists) {
      const existing = (await listTopics(admin, { internal: true })).find((t) => t.name === topic);
      return {
        topic,
        created: false,
        partitions: existing?.partitions ?? 0,
        replicationFactor: existing?.replicationFactor ?? 0,
        configs: {},
      };
    }
    throw new UsageError(`topic "${topic}" already exists`, {
      hint: 'see it with `streamctl topics describe`, change it with `streamctl topics alter`, or pass --if-not-exists',
    });
  }
  const partitions = await waitForLeaders(admin, topic, options.partitions, options.timeoutMs);
  return {
    topic,
    created: true,
    partitions: partitions.length,
    replicationFactor: Math.max(0, ...partitions.map((p) => p.replicas.length)),
    configs: options.configs,
  };
}

/** The error types kafkajs reports (it drops the broker's message), worded for the flags that caused them. */
function errorTypes(err: unknown): string[] {
  const e = err as { errors?: unknown[]; type?: string; cause?: unknown };
  if (Array.isArray(e?.errors)) return e.errors.flatMap(errorTypes);
  if (e?.type) return [e.type];
  return e?.cause ? errorTypes(e.cause) : [];
}

async function createError(admin: Admin, options: CreateTopicOptions, err: unknown): Promise<unknown> {
  const types = errorTypes(err);
  const what = `unable to create topic ${options.topic}`;
  if (types.includes('INVALID_REPLICATION_FACTOR')) {
    const brokers = await admin
      .describeCluster()
      .then((c) => c.brokers.length)
      .catch(() => undefined);
    return new UsageError(
      `${what}: replication factor ${options.replicationFactor < 0 ? '(the broker default)' : options.replicationFactor} is more than the ${brokers ?? '?'} broker(s) of the cluster`,
      { hint: `pass -r ${brokers ?? 1} or less`, cause: err },
    );
  }
  if (types.includes('INVALID_CONFIG')) {
    const pairs = Object.entries(options.configs).map(([k, v]) => `${k}=${v}`);
    return new UsageError(`${what}: the broker rejected a config value (${pairs.join(', ') || 'none given'})`, {
      hint: 'check each value against the Kafka topic configuration reference (sizes and times are plain numbers: retention.ms=86400000)',
      cause: err,
    });
  }
  if (types.includes('INVALID_PARTITIONS')) return new UsageError(`${what}: invalid partition count ${options.partitions}`, { cause: err });
  if (types.includes('POLICY_VIOLATION')) return new UsageError(`${what}: the cluster's create-topic policy refused it`, { cause: err });
  if (types.includes('TOPIC_AUTHORIZATION_FAILED') || types.includes('CLUSTER_AUTHORIZATION_FAILED')) {
    return new UsageError(`${what}: not authorized`, { hint: 'the user needs CREATE on the topic or cluster (Kafka ACLs)', cause: err });
  }
  return err;
}

/**
 * Rejects config names Kafka doesn't know, with the name in the message
 * (the broker only says "Configuration is invalid"). The names come from
 * any existing topic's configs; with no topic to ask, the broker decides.
 */
async function checkConfigNames(admin: Admin, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const any = (await admin.listTopics())[0];
  if (!any) return;
  const known = new Set((await topicConfigs(admin, any)).map((c) => c.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown topic config ${unknown.join(', ')}`, {
      hint: 'see the topic configs with `streamctl topics describe <topic> --all-configs`',
    });
  }
}

async function waitForLeaders(admin: Admin, topic: string, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const parts = meta?.topics[0]?.partitions ?? [];
    const enough = expected > 0 ? parts.length >= expected : parts.length > 0;
    if (enough && parts.every((p) => p.leader >= 0)) return parts;
    if (Date.now() > deadline) {
      throw new ConnectionError(`topic ${topic} was created, but its partitions have no leader after ${Math.round(timeoutMs / 1000)}s`, {
        hint: 'check the brokers with `streamctl topics describe` in a moment',
      });
    }
    await sleep(100);
  }
}

export interface DeleteTopicsResult {
  deleted: string[];
}

/** Deletes topics (every one must exist) and waits until the metadata no longer lists them. */
export async function deleteTopics(admin: Admin, topics: string[], timeoutMs: number): Promise<DeleteTopicsResult> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.length === 1 ? 'topic' : 'topics'} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`,
      {
        hint: 'nothing was deleted; see the topics with `streamctl topics list`',
      },
    );
  }
  await admin.deleteTopics({ topics, timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = new Set(await admin.listTopics().catch(() => topics));
    if (!topics.some((t) => left.has(t))) break;
    if (Date.now() > deadline) break; // Accepted by the controller; metadata catches up on its own.
    await sleep(100);
  }
  return { deleted: topics };
}

export interface AlterTopicOptions {
  topic: string;
  /** New partition count (must be larger). Default: unchanged. */
  partitions?: number;
  /** Configs to set on the topic. */
  set: Record<string, string>;
  /** Configs to remove from the topic (back to the broker's or Kafka's default). */
  remove: string[];
  timeoutMs: number;
}

export interface AlterTopicResult {
  topic: string;
  partitions?: { from: number; to: number };
  set: Record<string, { from: string | null; to: string }>;
  removed: Record<string, string | null>;
  /** Nothing needed changing. */
  unchanged: boolean;
}

/**
 * Raises the partition count and sets or removes topic configs. kafkajs has
 * only the legacy AlterConfigs, which replaces every config set on the
 * topic, so the topic's own configs are read first and written back with the
 * changes (a concurrent alteration between the two can be lost).
 */
export async function alterTopic(admin: Admin, options: AlterTopicOptions): Promise<AlterTopicResult> {
  const { topic } = options;
  if (options.partitions === undefined && Object.keys(options.set).length === 0 && options.remove.length === 0) {
    throw new UsageError('nothing to change', { hint: 'pass --partitions N, -c key=value or --delete-config key' });
  }
  const both = options.remove.filter((k) => k in options.set);
  if (both.length > 0) throw new UsageError(`config ${both.join(', ')} is both set and deleted`, { hint: 'pass it once' });
  if (!(await topicExists(admin, topic))) throw notFound(topic);
  const result: AlterTopicResult = { topic, set: {}, removed: {}, unchanged: true };

  if (options.partitions !== undefined) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const current = meta.topics[0]?.partitions.length ?? 0;
    if (options.partitions < current) {
      throw new UsageError(`topic ${topic} has ${current} partitions; Kafka can only add partitions, not remove them`, {
        hint: `pass --partitions ${current + 1} or more, or recreate the topic`,
      });
    }
    if (options.partitions > current) {
      try {
        await admin.createPartitions({ topicPartitions: [{ topic, count: options.partitions }], timeout: options.timeoutMs });
      } catch (err) {
        if (errorTypes(err).length === 0) throw err;
        throw new UsageError(`unable to add partitions to ${topic}: ${adminErrorText(err)}`, { cause: err });
      }
      await waitForLeaders(admin, topic, options.partitions, options.timeoutMs);
      result.partitions = { from: current, to: options.partitions };
      result.unchanged = false;
    }
  }

  if (Object.keys(options.set).length > 0 || options.remove.length > 0) {
    const all = await topicConfigs(admin, topic);
    const own = new Map(all.filter((c) => c.source === 'topic').map((c) => [c.name, c.value]));
    const known = new Set(all.map((c) => c.name));
    const unknown = Object.keys(options.set).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new UsageError(`unknown topic config ${unknown.join(', ')}`, {
        hint: 'see the topic configs with `streamctl topics describe <topic> --all-configs`',
      });
    }
    const next = new Map(own);
    for (const [k, v] of Object.entries(options.set)) {
      if (own.get(k) !== v) result.set[k] = { from: all.find((c) => c.name === k)?.value ?? null, to: v };
      next.set(k, v);
    }
    for (const k of options.remove) {
      if (own.has(k)) {
        result.removed[k] = own.get(k) ?? null;
        next.delete(k);
      }
    }
    if (Object.keys(result.set).length > 0 || Object.keys(result.removed).length > 0) {
      if ([...next.values()].some((v) => v === null)) {
        throw new UsageError(`topic ${topic} has a sensitive config streamctl cannot read back`, {
          hint: 'change it with kafka-configs.sh --alter (incremental), which kafkajs lacks',
        });
      }
      try {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: kafkajs.ConfigResourceTypes.TOPIC,
              name: topic,
              configEntries: [...next.entries()].map(([name, value]) => ({ name, value: value as string })),
            },
          ],
        });
      } catch (err) {
        if (errorTypes(err).includes('INVALID_CONFIG')) {
          const pairs = Object.entries(options.set).map(([k, v]) => `${k}=${v}`);
          throw new UsageError(`unable to change the configs of ${topic}: the broker rejected a config value (${pairs.join(', ')})`, {
            hint: 'check each value against the Kafka topic configuration reference (sizes and times are plain numbers)',
            cause: err,
          });
        }
        if (errorTypes(err).length === 0) throw err;
        throw new UsageError(`unable to change the configs of ${topic}: ${adminErrorText(err)}`, { cause: err });
      }
      result.unchanged = false;
    }
  }
  return result;
}
