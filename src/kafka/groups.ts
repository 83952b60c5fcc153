import kafkajs, { type Admin, type GroupDescription as KafkaGroupDescription, type Kafka } from 'kafkajs';
import { ConnectionError, UsageError } from '../errors.js';
import { isInternalTopic } from './topics-admin.js';

/**
 * Consumer groups for `streamctl groups`: list, describe (members,
 * committed offsets, lag) and reset-offsets (a plan by default, applied with
 * execute). Functions take a connected kafkajs Admin and return data.
 */

const COORDINATOR_BUSY =
  /NOT_COORDINATOR|COORDINATOR_NOT_AVAILABLE|COORDINATOR_LOAD_IN_PROGRESS|not the correct coordinator|coordinator is (not available|loading)/i;

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    parts.push(`${(e as { type?: string }).type ?? ''} ${(e as Error).message ?? String(e)}`);
  }
  return parts.join(' ');
}

/**
 * Retries a group-coordinator call while the coordinator moves or loads (a
 * new cluster creates __consumer_offsets on first use): kafkajs's admin
 * gives up on the first NOT_COORDINATOR.
 */
export async function withCoordinator<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1_000)) {
    try {
      return await fn();
    } catch (err) {
      if (!COORDINATOR_BUSY.test(errorText(err)) || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export interface GroupSummary {
  group: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  members: number;
  /** "consumer" for Kafka consumers; "connect" for Kafka Connect; empty for offsets-only groups. */
  protocolType: string;
  /** The partition assignor in use (range, roundrobin…). */
  protocol: string;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Assigned partitions by topic (consumer groups only). */
  assignments: { topic: string; partitions: number[] }[];
}

export interface GroupPartition {
  topic: string;
  partition: number;
  /** Committed offset; null when the group never committed for this partition. */
  committed: number | null;
  /** Log end offset (last stable offset under open transactions); null when the topic is gone. */
  logEnd: number | null;
  /** logEnd - committed; null without a committed offset. */
  lag: number | null;
  /** The client id of the member the partition is assigned to; null when unassigned. */
  owner: string | null;
}

export interface GroupDescription {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMember[];
  partitions: GroupPartition[];
  /** Sum of the known lags. */
  totalLag: number;
}

function assignmentsOf(member: KafkaGroupDescription['members'][number], protocolType: string): GroupMember['assignments'] {
  if (protocolType !== 'consumer' || !member.memberAssignment || member.memberAssignment.length === 0) return [];
  try {
    const decoded = kafkajs.AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return Object.entries(decoded?.assignment ?? {})
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    return [];
  }
}

async function describeMany(admin: Admin, ids: string[]): Promise<KafkaGroupDescription[]> {
  const out: KafkaGroupDescription[] = [];
  for (let i = 0; i < ids.length; i += 50) out.push(...(await withCoordinator(() => admin.describeGroups(ids.slice(i, i + 50)))).groups);
  return out;
}

export async function listGroups(admin: Admin): Promise<GroupSummary[]> {
  const { groups } = await admin.listGroups();
  const described = new Map(
    (
      await describeMany(
        admin,
        groups.map((g) => g.groupId),
      )
    ).map((d) => [d.groupId, d]),
  );
  return groups
    .map((g) => {
      const d = described.get(g.groupId);
      return {
        group: g.groupId,
        state: d?.state ?? 'Unknown',
        members: d?.members.length ?? 0,
        protocolType: d?.protocolType || g.protocolType || '',
        protocol: d?.protocol ?? '',
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}

/** Whether the group has members, i.e. consumers that would overwrite reset offsets. */
export function isActive(state: string, members: number): boolean {
  return members > 0 || (state !== 'Empty' && state !== 'Dead' && state !== 'Unknown');
}

async function committedOffsets(admin: Admin, group: string, topics: string[]): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  if (topics.length === 0) return out;
  // kafkajs can't ask for "every topic the group committed" (it sends an empty list), so ask per topic.
  const fetched = await withCoordinator(() => admin.fetchOffsets({ groupId: group, topics }));
  for (const t of fetched) {
    out.set(t.topic, new Map(t.partitions.map((p) => [p.partition, Number(p.offset)])));
  }
  return out;
}

async function logEnds(admin: Admin, topic: string): Promise<Map<number, { low: number; high: number }> | undefined> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } catch {
    return undefined;
  }
}

export async function describeGroup(admin: Admin, group: string): Promise<GroupDescription> {
  const [d] = (await withCoordinator(() => admin.describeGroups([group]))).groups;
  const topics = (await admin.listTopics()).filter((t) => !isInternalTopic(t));
  const committed = await committedOffsets(admin, group, topics);
  const members: GroupMember[] = (d?.members ?? []).map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost.replace(/^\//, ''),
    assignments: assignmentsOf(m, d?.protocolType ?? ''),
  }));
  const hasCommits = [...committed.values()].some((m) => [...m.values()].some((o) => o >= 0));
  if ((!d || d.state === 'Dead') && members.length === 0 && !hasCommits) {
    throw new UsageError(`consumer group "${group}" does not exist`, { hint: 'see the groups with `streamctl groups list`' });
  }

  const owner = new Map<string, string>();
  for (const m of members)
    for (const a of m.assignments) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m.clientId || m.memberId);
  const keys = new Set<string>(owner.keys());
  for (const [topic, parts] of committed) for (const [p, o] of parts) if (o >= 0) keys.add(`${topic}:${p}`);

  const byTopic = new Map<string, number[]>();
  for (const k of keys) {
    const i = k.lastIndexOf(':');
    const topic = k.slice(0, i);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(k.slice(i + 1))]);
  }
  const partitions: GroupPartition[] = [];
  for (const topic of [...byTopic.keys()].sort()) {
    const ends = await logEnds(admin, topic);
    for (const p of byTopic.get(topic)!.sort((a, b) => a - b)) {
      const c = committed.get(topic)?.get(p);
      const end = ends?.get(p)?.high ?? null;
      const commit = c !== undefined && c >= 0 ? c : null;
      partitions.push({
        topic,
        partition: p,
        committed: commit,
        logEnd: end,
        lag: commit !== null && end !== null ? Math.max(0, end - commit) : null,
        owner: owner.get(`${topic}:${p}`) ?? null,
      });
    }
  }
  return {
    group,
    state: d?.state ?? 'Unknown',
    protocolType: d?.protocolType ?? '',
    protocol: d?.protocol ?? '',
    members,
    partitions,
    totalLag: partitions.reduce((n, p) => n + (p.lag ?? 0), 0),
  };
}

// ---------------------------------------------------------------------------
// reset-offsets

export type ResetStrategy =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; ms: number }
  | { kind: 'shift'; by: number }
  | { kind: 'offset'; offset: number };

/** `orders` or `orders:0,2`. */
export interface TopicSelection {
  topic: string;
  /** Default: every partition. */
  partitions?: number[];
}

export function parseTopicSelection(text: string): TopicSelection {
  const i = text.indexOf(':');
  if (i < 0) {
    if (!text) throw new UsageError('--topic needs a topic name');
    return { topic: text };
  }
  const topic = text.slice(0, i);
  const parts = text
    .slice(i + 1)
    .split(',')
    .map((p) => p.trim());
  const nums = parts.map(Number);
  if (!topic || parts.some((p) => p === '') || nums.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new UsageError(`invalid --topic "${text}"`, { hint: 'use a topic, or topic:partitions such as orders:0,2' });
  }
  return { topic, partitions: [...new Set(nums)].sort((a, b) => a - b) };
}

export interface PartitionState {
  topic: string;
  partition: number;
  /** Committed offset; null when none. */
  current: number | null;
  logStart: number;
  logEnd: number;
  /** For datetime: the first offset at or after the time (-1: none, i.e. the end). */
  atTime?: number;
}

export interface ResetRow {
  topic: string;
  partition: number;
  current: number | null;
  target: number;
  logStart: number;
  logEnd: number;
  /** target - current; null without a current offset. */
  change: number | null;
  /** The target before clamping to the log, when it was outside it. */
  clampedFrom?: number;
}

/**
 * The new offset of every partition. Targets outside the log are clamped to
 * [log start, log end], as kafka-consumer-groups does; shifting needs a
 * committed offset to shift from.
 */
export function planReset(strategy: ResetStrategy, states: PartitionState[]): ResetRow[] {
  const noCommit = strategy.kind === 'shift' ? states.filter((s) => s.current === null) : [];
  if (noCommit.length > 0) {
    throw new UsageError(
      `--shift-by needs a committed offset to shift from, and the group has none for ${noCommit.map((s) => `${s.topic}:${s.partition}`).join(', ')}`,
      { hint: 'use --to-earliest, --to-latest, --to-datetime or --to-offset for those partitions' },
    );
  }
  return states.map((s) => {
    let raw: number;
    switch (strategy.kind) {
      case 'earliest':
        raw = s.logStart;
        break;
      case 'latest':
        raw = s.logEnd;
        break;
      case 'offset':
        raw = strategy.offset;
        break;
      case 'shift':
        raw = s.current! + strategy.by;
        break;
      case 'datetime':
        raw = s.atTime === undefined || s.atTime < 0 ? s.logEnd : s.atTime;
        break;
    }
    const target = Math.min(Math.max(raw, s.logStart), s.logEnd);
    return {
      topic: s.topic,
      partition: s.partition,
      current: s.current,
      target,
      logStart: s.logStart,
      logEnd: s.logEnd,
      change: s.current === null ? null : target - s.current,
      ...(target !== raw ? { clampedFrom: raw } : {}),
    };
  });
}

export interface ResetResult {
  group: string;
  executed: boolean;
  /** Members of the group when planned (a dry run shows them; execute refuses while there are any). */
  activeMembers: string[];
  plan: ResetRow[];
}

export interface ResetOptions {
  group: string;
  topics: TopicSelection[];
  strategy: ResetStrategy;
  execute: boolean;
  /** Called with the plan before it is applied (refusals come before it). */
  beforeApply?: (plan: ResetRow[]) => void;
}

function memberName(m: { clientId: string; clientHost: string; memberId: string }): string {
  return `${m.clientId || m.memberId} (${m.clientHost.replace(/^\//, '')}, ${m.memberId})`;
}

/**
 * Commits offsets for an empty group the way kafkajs's setOffsets does (a
 * member joins, seeks with auto-commit, leaves), but without its 5 s fetch
 * wait: the seeks are committed on the first fetch.
 */
export function offsetCommitter(
  kafka: Kafka,
): (group: string, topic: string, offsets: { partition: number; offset: number }[]) => Promise<void> {
  return async (group, topic, offsets) => {
    const consumer = kafka.consumer({
      groupId: group,
      maxWaitTimeInMs: 50,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 3_000,
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.FETCH, () => resolve());
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).then(() => {
          // Nothing is read: the seeks are committed before the first fetch.
          consumer.pause([{ topic }]);
          for (const o of offsets) consumer.seek({ topic, partition: o.partition, offset: String(o.offset) });
        }, reject);
      });
    } finally {
      await consumer.disconnect().catch(() => {});
    }
  };
}

/** Plans the reset and, with execute, applies it while the group has no active members. */
export async function resetOffsets(
  admin: Admin,
  options: ResetOptions,
  commit: (group: string, topic: string, offsets: { partition: number; offset: number }[]) => Promise<void> = (group, topic, offsets) =>
    admin.setOffsets({ groupId: group, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })) }),
): Promise<ResetResult> {
  const { group } = options;
  const existing = new Set(await admin.listTopics());
  const states: PartitionState[] = [];
  const seen = new Set<string>();
  for (const sel of options.topics) {
    if (!existing.has(sel.topic)) {
      throw new UsageError(`topic "${sel.topic}" does not exist`, { hint: 'see the topics with `streamctl topics list`' });
    }
    const ends = (await logEnds(admin, sel.topic)) ?? new Map<number, { low: number; high: number }>();
    const all = [...ends.keys()].sort((a, b) => a - b);
    const parts = sel.partitions ?? all;
    const missing = parts.filter((p) => !ends.has(p));
    if (missing.length > 0) {
      throw new UsageError(`topic ${sel.topic} has no partition ${missing.join(', ')}`, { hint: `its partitions are 0–${all.length - 1}` });
    }
    const committed = (await committedOffsets(admin, group, [sel.topic])).get(sel.topic) ?? new Map<number, number>();
    const atTime =
      options.strategy.kind === 'datetime'
        ? new Map((await admin.fetchTopicOffsetsByTimestamp(sel.topic, options.strategy.ms)).map((o) => [o.partition, Number(o.offset)]))
        : undefined;
    for (const p of parts) {
      const key = `${sel.topic}:${p}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const c = committed.get(p);
      const at = atTime?.get(p);
      states.push({
        topic: sel.topic,
        partition: p,
        current: c !== undefined && c >= 0 ? c : null,
        logStart: ends.get(p)!.low,
        logEnd: ends.get(p)!.high,
        ...(at !== undefined ? { atTime: at } : {}),
      });
    }
  }
  const plan = planReset(options.strategy, states);
  const [d] = (await withCoordinator(() => admin.describeGroups([group]))).groups;
  const active = d && isActive(d.state, d.members.length) ? d.members.map(memberName) : [];
  if (!options.execute) return { group, executed: false, activeMembers: active, plan };

  if (active.length > 0 || (d && isActive(d.state, d.members.length))) {
    throw new UsageError(
      `refusing to reset the offsets of group ${group}: it has ${active.length} active member${active.length === 1 ? '' : 's'}${active.length > 0 ? `: ${active.join(', ')}` : ` (state ${d?.state})`}`,
      { hint: 'stop its consumers first (offsets can only be reset while the group is empty), then run again' },
    );
  }
  options.beforeApply?.(plan);
  const byTopic = new Map<string, ResetRow[]>();
  for (const row of plan) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
  for (const [topic, rows] of byTopic) {
    await commit(
      group,
      topic,
      rows.map((r) => ({ partition: r.partition, offset: r.target })),
    );
  }
  // Read back what the group now has, so the result says what is, not what was asked.
  for (const [topic, rows] of byTopic) {
    const now = (await committedOffsets(admin, group, [topic])).get(topic);
    for (const r of rows) {
      const got = now?.get(r.partition);
      if (got !== r.target) {
        throw new ConnectionError(
          `the offsets of group ${group} did not take: ${topic}:${r.partition} is at ${got ?? 'none'}, not ${r.target}`,
          {
            hint: 'a consumer of the group may have started meanwhile; check with `streamctl groups describe`',
          },
        );
      }
    }
  }
  return { group, executed: true, activeMembers: [], plan };
}
