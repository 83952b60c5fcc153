import type { ResolvedEndpoints } from '../config/endpoints.js';
import { classifyKafkaFailure, describeKafkaError, kafkaFromEndpoints } from '../kafka/client.js';
import { registerCodecs } from '../kafka/codecs.js';
import { FlinkRestClient, FlinkRestError } from '../flink/rest.js';
import { registryFromEndpoints } from '../registry/client.js';
import { flinkReader, type FlinkReader } from './flink.js';
import { kafkaReader, UNKNOWN_TOPIC, type ClusterDescription, type GroupDescription, type KafkaReader } from './kafka.js';
import { partitionLag, totalLag } from './lag.js';
import { peekKey, type PeekRequest } from './peek.js';
import { rateOver, sumKnown } from './rates.js';
import { SeriesMap } from './ring.js';
import { estimateTimeLag, groupTimeLag, needsRecord, type OffsetPoint } from './time-lag.js';
import { mapLimit, withTimeout } from './timeout.js';
import type { ClusterInfo, FlinkJobView, GroupView, PartitionView, Snapshot, SourceName, SourceStatus, TopicView } from './types.js';
import { DEFAULT_STALL_MS, verdict, type VerdictOptions } from './verdict.js';

export interface CollectorOptions {
  /** Time between samples when started with start(). Default: 1000 ms. */
  intervalMs?: number;
  /** Shown in the header: which cluster this is. Default: "local". */
  context?: string;
  /** Only these consumer groups (exact names). Default: every group. */
  groups?: string[];
  /**
   * Only these topics (exact names), for groups' partitions and the topics
   * list. A group not named in `groups` is read on these topics only, and
   * left out while it reads none of them. A missing topic is listed with an
   * "unknown topic" error. Default: every topic.
   */
  topics?: string[];
  /**
   * Sample every topic (the dashboard's topics panel), not only those the
   * selected groups read. false also keeps the cluster's metadata requests to
   * the topics sampled. Default: true.
   */
  allTopics?: boolean;
  /** Time allowed for each source's part of a sample (Kafka, Flink, registry). Default: 5000 ms. */
  timeoutMs?: number;
  /** Window over which rates are averaged. Default: 5000 ms. */
  rateWindowMs?: number;
  /** How far back the log-end history used to date records reaches. Default: 10 minutes. */
  offsetHistoryMs?: number;
  /** Samples kept for sparklines. Default: 180 (3 minutes at 1 s). */
  historyLength?: number;
  /**
   * Records read per sample to date committed offsets exactly (time lag). The
   * rest are dated from the offset history. Default: 200; Infinity reads all.
   */
  recordLookups?: number;
  /** Topics whose recent record sizes are sampled per sample, for bytes/s. Default: 5; 0 disables. */
  sizeSamples?: number;
  verdict?: VerdictOptions;
  /** Clock, for tests. Default: Date.now. */
  now?: () => number;
}

export interface CollectorSources {
  kafka: KafkaReader;
  /** Omitted: Flink is not sampled (its status says so). */
  flink?: FlinkReader;
  /** Resolves to a short fact ("12 subjects"); omitted: the registry is not probed. */
  registry?: () => Promise<string>;
  /**
   * Says what a failed Kafka sample means (e.g. "authentication failed for user X", with a
   * hint), knowing the endpoints. Default: describeKafkaError, no hint.
   */
  explainKafkaError?: (err: unknown) => { message: string; hint?: string; kind?: string };
}

interface GroupState {
  firstSeenAt: number;
  lastMoveAt: number | null;
  /** Kafka's state at the latest sample. */
  lastState?: string;
  /** The committed offsets last read, and when. */
  lastCommitted?: { topic: string; partition: number; offset: number }[];
  lastFetchAt: number;
}

interface KafkaPart {
  cluster: ClusterInfo;
  groups: GroupView[];
  topics: TopicView[];
}

interface SizeCandidate {
  topic: string;
  partition: number;
  logEnd: number;
  logStart: number;
}

/** How often a topic's record sizes are re-sampled for its bytes/s estimate. */
const SIZE_REFRESH_MS = 30_000;
/** How often brokers, controller and the topic list are re-read (always after a failure). */
const CLUSTER_REFRESH_MS = 5_000;
/** How often an idle group's committed offsets, or an idle unread topic's offsets, are re-read (others: every sample). */
const IDLE_REFRESH_MS = 10_000;
/** Spacing of the long log-end history that dates old committed offsets. */
const COARSE_SPACING_MS = 5_000;

/**
 * Samples the cluster (Kafka admin API, Flink REST, registry) and keeps a
 * short history per series, from which rates, time lag and verdicts follow.
 * Readers get plain Snapshots: `top` subscribes to them, `lag` takes one.
 *
 * sample() never throws: a source that fails or times out is marked stale
 * with its error and its last good data is kept, and the next sample tries
 * again from a fresh connection.
 */
export class Collector {
  readonly intervalMs: number;
  private readonly stallMs: number;
  private readonly opts: Required<Omit<CollectorOptions, 'groups' | 'topics' | 'verdict' | 'now'>> & CollectorOptions;
  private readonly now: () => number;
  private seq = 0;
  private inFlight: Promise<Snapshot> | undefined;
  private latestSnapshot: Snapshot | undefined;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  private readonly status: Record<SourceName, SourceStatus>;
  private lastKafka: KafkaPart | undefined;
  private cluster: { at: number; value: ClusterDescription } | undefined;
  /** Bumped when a Kafka sample fails or times out, so its stragglers can tell they are stale. */
  private kafkaGen = 0;
  private lastFlink: FlinkJobView[] = [];
  private readonly brokersSeen = new Set<number>();
  private readonly logEndFine: SeriesMap;
  private readonly logEndCoarse: SeriesMap;
  private readonly committed: SeriesMap;
  private readonly groupLag: SeriesMap;
  private readonly topicRate: SeriesMap;
  private readonly groupState = new Map<string, GroupState>();
  /** Per topic: when it was last read, when its log end last moved, and its partitions' log starts. */
  private readonly topicSeen = new Map<
    string,
    { readAt: number; changedAt: number; logEndSum: number; partitions: number[]; lows: Map<number, number> }
  >();
  /** Timestamps of records at committed offsets, by peekKey; a record's timestamp never changes. */
  private recordTimes = new Map<string, number>();
  /** Committed offsets (by peekKey) followed only by transaction markers, with the log end that was true for. */
  private markersOnly = new Map<string, number>();
  private readonly recordSizes = new Map<string, { avgBytes: number; at: number }>();

  constructor(
    private readonly sources: CollectorSources,
    options: CollectorOptions = {},
  ) {
    this.opts = {
      intervalMs: 1000,
      context: 'local',
      allTopics: true,
      timeoutMs: 5000,
      rateWindowMs: 5000,
      offsetHistoryMs: 600_000,
      historyLength: 180,
      recordLookups: 200,
      sizeSamples: 5,
      ...options,
    };
    this.intervalMs = this.opts.intervalMs;
    this.stallMs = options.verdict?.stallMs ?? DEFAULT_STALL_MS;
    this.now = options.now ?? Date.now;
    const fine = Math.max(3, Math.ceil(this.opts.rateWindowMs / this.intervalMs) + 2);
    const coarse = Math.max(2, Math.ceil(this.opts.offsetHistoryMs / Math.max(COARSE_SPACING_MS, this.intervalMs)));
    this.logEndFine = new SeriesMap(fine);
    this.logEndCoarse = new SeriesMap(coarse);
    this.committed = new SeriesMap(fine);
    this.groupLag = new SeriesMap(this.opts.historyLength);
    this.topicRate = new SeriesMap(this.opts.historyLength);
    const initial = (enabled: boolean): SourceStatus => ({
      enabled,
      ok: false,
      error: null,
      lastSuccessAt: null,
      failures: 0,
      detail: null,
    });
    this.status = { kafka: initial(true), flink: initial(sources.flink !== undefined), registry: initial(sources.registry !== undefined) };
  }

  /** The latest snapshot, if any sample has completed. */
  latest(): Snapshot | undefined {
    return this.latestSnapshot;
  }

  /** Calls `listener` with every new snapshot; returns the unsubscribe function. */
  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Samples every `intervalMs` (measured from the start of one sample to the next) until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = this.now();
        await this.sample();
        const wait = this.intervalMs - (this.now() - started);
        if (this.running && wait > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
        }
      }
    })();
  }

  /** Stops sampling and closes every connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.inFlight?.catch(() => {});
    await this.sources.kafka.close().catch(() => {});
  }

  /** One sample of every source. Concurrent calls share the sample in flight. */
  sample(): Promise<Snapshot> {
    this.inFlight ??= this.doSample().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async doSample(): Promise<Snapshot> {
    const at = this.now();
    const seq = ++this.seq;
    const timeout = this.opts.timeoutMs;
    const [kafka, flink, registry] = await Promise.all([
      settle(withTimeout(this.sampleKafka(at), timeout, 'reading Kafka')),
      this.sources.flink ? settle(withTimeout(this.sources.flink.jobs(at), timeout, 'reading Flink')) : undefined,
      this.sources.registry ? settle(withTimeout(this.sources.registry(), timeout, 'probing the registry')) : undefined,
    ]);
    const done = this.now();
    if (kafka.ok) {
      this.lastKafka = kafka.value;
      this.succeed('kafka', done, `${kafka.value.cluster.brokersUp} broker${kafka.value.cluster.brokersUp === 1 ? '' : 's'}`);
    } else {
      this.kafkaGen++;
      const why = this.sources.explainKafkaError?.(kafka.error) ?? { message: describeKafkaError(kafka.error) };
      this.fail('kafka', why.message, why.hint ?? null, why.kind ?? null);
      // Stale metadata (a deleted topic) or a dead connection: start over from a fresh client next time.
      await settle(withTimeout(this.sources.kafka.reset(), timeout, 'closing the Kafka connection'));
    }
    if (flink) {
      if (flink.ok) {
        this.lastFlink = flink.value;
        this.succeed('flink', done, `${flink.value.filter((j) => j.state === 'RUNNING').length} running`);
      } else this.fail('flink', describeHttpError(causeOf(flink.error)));
    }
    if (registry) {
      if (registry.ok) this.succeed('registry', done, registry.value);
      // The registry client words its errors for commands ("unable to list subjects: …"); the banner wants the reason.
      else this.fail('registry', describeHttpError(causeOf(registry.error)));
    }
    const part = this.lastKafka;
    const groups = part?.groups ?? [];
    const topics = part?.topics ?? [];
    const snapshot: Snapshot = {
      at,
      seq,
      intervalMs: this.intervalMs,
      context: this.opts.context,
      sources: { kafka: { ...this.status.kafka }, registry: { ...this.status.registry }, flink: { ...this.status.flink } },
      cluster: part ? { ...part.cluster } : null,
      groups,
      topics,
      flink: this.lastFlink,
      totals: {
        produceRate: part ? sumKnown(topics.map((t) => t.produceRate)) : null,
        consumeRate: part ? sumKnown(groups.map((g) => g.consumeRate)) : null,
      },
    };
    this.latestSnapshot = snapshot;
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch {
        // A reader's bug must not stop sampling for the others.
      }
    }
    return snapshot;
  }

  /**
   * Brokers, controller and topics change rarely, and the full metadata of a
   * large cluster is a sample's most expensive answer to decode: it is read
   * every CLUSTER_REFRESH_MS, and again right after any failed sample.
   */
  private async clusterDescription(at: number): Promise<ClusterDescription> {
    const cached = this.cluster;
    // A selected topic that doesn't exist (yet) is looked for every sample, so it shows as soon as it is created.
    const complete = (d: ClusterDescription) => (this.opts.topics ?? []).every((t) => d.topics.some((x) => x.name === t));
    if (cached && at - cached.at < CLUSTER_REFRESH_MS && this.status.kafka.ok && complete(cached.value)) return cached.value;
    const scope = this.metadataScope();
    const value = await (scope ? this.sources.kafka.describeCluster(scope) : this.sources.kafka.describeCluster());
    this.cluster = { at, value };
    return value;
  }

  /**
   * The topics whose metadata a sample needs; undefined: every topic. A
   * selective collector never lists the rest of the cluster: with a topic
   * selection it needs those topics' partitions; with only groups selected,
   * brokers and controller, which any answer names — one topic the groups
   * read keeps it small (until one is known, the first answer is a full one).
   */
  private metadataScope(): string[] | undefined {
    if (this.opts.allTopics) return undefined;
    if (this.opts.topics) return this.opts.topics;
    const known = this.lastKafka?.topics.find((t) => t.error === null)?.topic;
    return known === undefined ? undefined : [known];
  }

  private succeed(source: SourceName, at: number, detail: string): void {
    this.status[source] = { enabled: true, ok: true, error: null, lastSuccessAt: at, failures: 0, detail };
  }

  private fail(source: SourceName, error: string, hint: string | null = null, errorKind: string | null = null): void {
    const s = this.status[source];
    this.status[source] = {
      ...s,
      ok: false,
      error,
      failures: s.failures + 1,
      ...(hint ? { hint } : {}),
      ...(errorKind ? { errorKind } : {}),
    };
  }

  private async sampleKafka(at: number): Promise<KafkaPart> {
    const gen = this.kafkaGen;
    const k = this.sources.kafka;
    const wanted = this.opts.groups ? new Set(this.opts.groups) : undefined;
    const topicFilter = this.opts.topics ? new Set(this.opts.topics) : undefined;
    const [cluster, listed] = await Promise.all([this.clusterDescription(at), k.listGroups()]);
    const topicList = this.opts.allTopics ? cluster.topics : undefined;
    for (const b of cluster.brokers) this.brokersSeen.add(b.nodeId);
    const groupIds = listed.map((g) => g.groupId).filter((g) => !wanted || wanted.has(g));
    // Selected topics the cluster doesn't have are reported as such, not asked for: one missing
    // topic fails a whole batched request, and the description already says which exist.
    const existing = new Map(cluster.topics.map((t) => [t.name, t.partitions]));
    const missing = new Set([...(topicFilter ?? [])].filter((t) => !existing.has(t)));
    // With a topic selection, a group found by listing is asked for its commits on those topics
    // only: most groups of a cluster read other topics. A group named in `groups` is asked for all
    // of its commits, as Kafka keeps them (a scoped answer lists every selected partition, committed
    // or not: 1,000 entries per group for 20 topics of 50 partitions, against the 50 it commits).
    const offsetScope = topicFilter
      ? [...topicFilter].filter((t) => existing.has(t)).map((topic) => ({ topic, partitions: existing.get(topic)! }))
      : undefined;
    const [described, committed] = await Promise.all([
      k.describeGroups(groupIds),
      mapLimit(groupIds, 8, async (g) => {
        const state = this.groupState.get(g);
        // An idle group (no members, offsets still for the stall window) has its offsets re-read
        // every IDLE_REFRESH_MS only: most groups on a real cluster are idle, and each costs a request.
        if (
          state?.lastCommitted &&
          state.lastState === 'Empty' &&
          at - state.lastFetchAt < IDLE_REFRESH_MS &&
          at - (state.lastMoveAt ?? state.firstSeenAt) >= this.stallMs
        ) {
          return { ok: true as const, value: state.lastCommitted };
        }
        const r = await settle(offsetScope && !wanted?.has(g) ? k.committedOffsets(g, offsetScope) : k.committedOffsets(g));
        if (r.ok && state) {
          state.lastCommitted = r.value;
          state.lastFetchAt = at;
        }
        return r;
      }),
    ]);
    const descByGroup = new Map(described.map((d) => [d.groupId, d]));

    // Topics to sample: every topic for the dashboard, or those the selected groups read.
    const topicNames = new Set<string>((topicList ?? []).map((t) => t.name));
    const read = new Set<string>(this.opts.topics ?? []);
    for (let i = 0; i < groupIds.length; i++) {
      const c = committed[i]!;
      if (c.ok) for (const o of c.value) read.add(o.topic);
      for (const m of descByGroup.get(groupIds[i]!)?.members ?? []) for (const t of Object.keys(m.assignment)) read.add(t);
    }
    for (const t of read) topicNames.add(t);
    const topicsToSample = [...topicNames].filter((t) => !topicFilter || topicFilter.has(t)).sort();
    // A topic nobody reads that has had no new records for the stall window is only re-read every
    // IDLE_REFRESH_MS (most topics of a busy cluster's long tail); topics that groups read always are.
    const idle = (topic: string) => {
      const seen = this.topicSeen.get(topic);
      return seen !== undefined && !read.has(topic) && at - seen.changedAt >= this.stallMs && at - seen.readAt < IDLE_REFRESH_MS;
    };
    const due = topicsToSample.filter((topic) => !idle(topic) && !missing.has(topic));
    const started = this.now();
    const byTopic = await k.topicOffsets(due);
    // The offsets were read somewhere within the call; its midpoint is the best time to attach to them.
    const t = (started + this.now()) / 2;
    const offsets = due.map((topic) => {
      const r = byTopic.get(topic) ?? new Error(UNKNOWN_TOPIC);
      return { topic, r: r instanceof Error ? { ok: false as const, error: r } : { ok: true as const, value: r } };
    });

    // Stragglers of a sample that timed out must not write into the history of the samples after it.
    if (gen !== this.kafkaGen) throw new Error('superseded by a newer sample');
    const keepPartitions = new Set<string>();
    const sizeCandidates: SizeCandidate[] = [];
    const topicViews: TopicView[] = [];
    const logEnds = new Map<string, { logEnd: number; logStart: number; rate: number | null }>();
    const partitionsOf = new Map<string, number[]>();
    const previousTopics = new Map((this.lastKafka?.topics ?? []).map((v) => [v.topic, v]));
    for (const topic of missing) topicViews.push(this.staleTopic(topic, 0, UNKNOWN_TOPIC));
    for (const topic of topicsToSample) {
      if (!idle(topic) || missing.has(topic)) continue;
      // Not re-read this time: its last view and history stand (its log end hasn't moved in a while).
      const view = previousTopics.get(topic);
      const seen = this.topicSeen.get(topic)!;
      if (view) topicViews.push(view);
      partitionsOf.set(topic, seen.partitions);
      for (const p of seen.partitions) {
        const key = `${topic}\u0000${p}`;
        keepPartitions.add(key);
        const last = this.logEndFine.get(key)?.last();
        if (last) logEnds.set(key, { logEnd: last.v, logStart: seen.lows.get(p) ?? 0, rate: 0 });
      }
    }
    for (const { topic, r } of offsets) {
      if (!r.ok) {
        topicViews.push(this.staleTopic(topic, existing.get(topic) ?? 0, describeKafkaError(r.error)));
        continue;
      }
      partitionsOf.set(
        topic,
        r.value.map((p) => p.partition),
      );
      const sum = r.value.reduce((n, p) => n + p.high, 0);
      const seen = this.topicSeen.get(topic);
      this.topicSeen.set(topic, {
        readAt: at,
        changedAt: seen && seen.logEndSum === sum ? seen.changedAt : at,
        logEndSum: sum,
        partitions: r.value.map((p) => p.partition),
        lows: new Map(r.value.map((p) => [p.partition, p.low])),
      });
      let messages = 0;
      const rates: (number | null)[] = [];
      let busiest: { partition: number; rate: number; logEnd: number; logStart: number } | undefined;
      for (const p of r.value) {
        const key = `${topic}\u0000${p.partition}`;
        keepPartitions.add(key);
        const fine = this.logEndFine.push(key, t, p.high);
        const coarse = this.logEndCoarse.get(key);
        const lastCoarse = coarse?.last();
        if (!lastCoarse || t - lastCoarse.t >= COARSE_SPACING_MS) this.logEndCoarse.push(key, t, p.high);
        const rate = rateOver(fine, this.opts.rateWindowMs);
        rates.push(rate);
        logEnds.set(key, { logEnd: p.high, logStart: p.low, rate });
        messages += Math.max(0, p.high - p.low);
        if (rate !== null && rate > 0 && (!busiest || rate > busiest.rate))
          busiest = { partition: p.partition, rate, logEnd: p.high, logStart: p.low };
      }
      const produceRate = sumKnown(rates);
      if (produceRate !== null) this.topicRate.push(topic, t, produceRate);
      const size = this.recordSizes.get(topic);
      topicViews.push({
        topic,
        partitions: r.value.length,
        messages,
        produceRate,
        bytesRate: produceRate !== null && size ? produceRate * size.avgBytes : null,
        rateHistory: this.topicRate.get(topic)?.values() ?? [],
        error: null,
      });
      if (busiest && (!size || at - size.at >= SIZE_REFRESH_MS)) sizeCandidates.push({ topic, ...busiest });
    }

    // Groups: their partitions are those with a commit plus those assigned to a member.
    const groupViews: GroupView[] = [];
    const keepCommitted = new Set<string>();
    const lookups: { view: PartitionView; request: PeekRequest }[] = [];
    for (let i = 0; i < groupIds.length; i++) {
      const groupId = groupIds[i]!;
      const desc: GroupDescription = descByGroup.get(groupId) ?? { groupId, state: 'Unknown', protocolType: '', members: [] };
      const c = committed[i]!;
      // With a topic selection, a group found by listing (not asked for by name) is shown only
      // while it reads one of the selected topics.
      const incidental = topicFilter !== undefined && !wanted?.has(groupId);
      if (!c.ok) {
        const previous = this.lastKafka?.groups.find((g) => g.groupId === groupId);
        if (incidental && !previous) continue;
        groupViews.push({
          ...(previous ?? emptyGroup(groupId, desc)),
          state: desc.state,
          members: desc.members.length,
          error: describeKafkaError(c.error),
        });
        for (const p of previous?.partitions ?? []) keepCommitted.add(`${groupId}\u0000${p.topic}\u0000${p.partition}`);
        continue;
      }
      const state = this.groupState.get(groupId) ?? { firstSeenAt: at, lastMoveAt: null, lastCommitted: c.value, lastFetchAt: at };
      state.lastState = desc.state;
      this.groupState.set(groupId, state);
      const byPartition = new Map<
        string,
        { topic: string; partition: number; committed: number | null; member: PartitionView['member'] }
      >();
      for (const o of c.value) {
        if (topicFilter && !topicFilter.has(o.topic)) continue;
        byPartition.set(`${o.topic}\u0000${o.partition}`, {
          topic: o.topic,
          partition: o.partition,
          committed: o.offset >= 0 ? o.offset : null,
          member: null,
        });
      }
      for (const m of desc.members) {
        for (const [topic, partitions] of Object.entries(m.assignment)) {
          if (topicFilter && !topicFilter.has(topic)) continue;
          for (const partition of partitions) {
            const key = `${topic}\u0000${partition}`;
            const entry = byPartition.get(key) ?? { topic, partition, committed: null, member: null };
            entry.member = { memberId: m.memberId, clientId: m.clientId, host: m.host };
            byPartition.set(key, entry);
          }
        }
      }
      // Partitions of a topic the group reads but has no commit on yet: shown, with unknown lag (as kafka-consumer-groups does).
      for (const topic of new Set([...byPartition.values()].map((e) => e.topic))) {
        for (const partition of partitionsOf.get(topic) ?? []) {
          const key = `${topic}\u0000${partition}`;
          if (!byPartition.has(key)) byPartition.set(key, { topic, partition, committed: null, member: null });
        }
      }
      const partitions: PartitionView[] = [];
      let moved = false;
      for (const [key, e] of byPartition) {
        const end = logEnds.get(key) ?? this.lastLogEnd(key);
        if (!end) continue;
        let consumeRate: number | null = null;
        if (e.committed !== null) {
          const ckey = `${groupId}\u0000${key}`;
          keepCommitted.add(ckey);
          const prev = this.committed.get(ckey)?.last();
          if (prev && prev.v !== e.committed) moved = true;
          consumeRate = rateOver(this.committed.push(ckey, at, e.committed), this.opts.rateWindowMs);
        }
        const lag = partitionLag(e.committed, end.logEnd);
        const readAt = e.committed === null ? null : Math.max(e.committed, end.logStart);
        const pk = readAt === null ? undefined : peekKey(e.topic, e.partition, readAt);
        const recordTimestamp = pk === undefined ? undefined : this.recordTimes.get(pk);
        const markers = pk !== undefined && this.markersOnly.get(pk) === end.logEnd;
        const tl = markers
          ? { ms: 0, method: 'caught-up' as const }
          : estimateTimeLag({
              now: at,
              committed: e.committed,
              logEnd: end.logEnd,
              recordTimestamp: recordTimestamp ?? null,
              // Only needed when the record's own date isn't known.
              history: lag && recordTimestamp === undefined ? this.historyOf(key) : [],
            });
        const view: PartitionView = {
          topic: e.topic,
          partition: e.partition,
          committed: e.committed,
          logEnd: end.logEnd,
          logStart: end.logStart,
          lag,
          timeLagMs: tl.ms,
          timeLagMethod: tl.method,
          member: e.member,
          consumeRate,
        };
        partitions.push(view);
        if (readAt !== null && needsRecord(tl)) lookups.push({ view, request: { topic: e.topic, partition: e.partition, offset: readAt } });
      }
      if (moved) state.lastMoveAt = at;
      if (incidental && partitions.length === 0) continue;
      partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      groupViews.push({
        groupId,
        state: desc.state,
        protocolType: desc.protocolType,
        members: desc.members.length,
        topics: [...new Set(partitions.map((p) => p.topic))],
        lag: 0,
        timeLagMs: null,
        timeLagAtLeast: false,
        consumeRate: sumKnown(partitions.map((p) => p.consumeRate)),
        produceRate: sumKnown(partitions.map((p) => logEnds.get(`${p.topic}\u0000${p.partition}`)?.rate ?? null)),
        verdict: 'OK',
        lagHistory: [],
        partitions,
        error: null,
      });
    }

    const used = new Set<string>();
    for (const g of groupViews) {
      for (const p of g.partitions) if (p.committed !== null) used.add(peekKey(p.topic, p.partition, Math.max(p.committed, p.logStart)));
    }
    await this.readRecords(at, gen, lookups, sizeCandidates, used);
    if (gen !== this.kafkaGen) throw new Error('superseded by a newer sample');

    for (const g of groupViews) {
      if (g.error) continue;
      g.lag = totalLag(g.partitions.map((p) => p.lag));
      const tl = groupTimeLag(g.partitions.map((p) => ({ lag: p.lag, timeLag: { ms: p.timeLagMs, method: p.timeLagMethod } })));
      g.timeLagMs = tl.ms;
      g.timeLagAtLeast = tl.atLeast;
      g.lagHistory = this.groupLag.push(g.groupId, at, g.lag).values();
      const state = this.groupState.get(g.groupId)!;
      g.verdict = verdict(
        {
          members: g.members,
          lag: g.lag,
          timeLagMs: g.timeLagMs,
          sinceCommitMs: state.lastMoveAt === null ? null : at - state.lastMoveAt,
          watchedMs: at - state.firstSeenAt,
        },
        this.opts.verdict,
      );
    }

    // Forget what this sample no longer saw, so history stays bounded by what exists.
    this.logEndFine.retain(keepPartitions);
    this.logEndCoarse.retain(keepPartitions);
    this.committed.retain(keepCommitted);
    const groupSet = new Set(groupIds);
    this.groupLag.retain(groupSet);
    for (const g of this.groupState.keys()) if (!groupSet.has(g)) this.groupState.delete(g);
    const topicSet = new Set(topicsToSample);
    this.topicRate.retain(topicSet);
    for (const t of this.topicSeen.keys()) if (!topicSet.has(t)) this.topicSeen.delete(t);
    for (const t of this.recordSizes.keys()) if (!topicSet.has(t)) this.recordSizes.delete(t);

    return {
      cluster: {
        clusterId: cluster.clusterId,
        brokers: cluster.brokers,
        brokersUp: cluster.brokers.length,
        brokersKnown: Math.max(this.brokersSeen.size, cluster.brokers.length),
        controller: cluster.controller,
      },
      groups: groupViews.sort((a, b) => (a.groupId < b.groupId ? -1 : 1)),
      topics: topicViews,
    };
  }

  /**
   * Dates committed offsets that the history can't (exactly, from the record
   * there) and samples record sizes for bytes/s, within this sample's budget.
   * Best effort: a failure leaves the history-based estimates in place.
   * `used` are the offsets this sample needs dated: cached dates of any other
   * offset are dropped, so the cache never outgrows the partitions watched.
   */
  private async readRecords(
    at: number,
    gen: number,
    lookups: { view: PartitionView; request: PeekRequest }[],
    candidates: SizeCandidate[],
    used: Set<string>,
  ): Promise<void> {
    const keep = new Map<string, number>();
    const keepMarkers = new Map<string, number>();
    for (const key of used) {
      const ts = this.recordTimes.get(key);
      if (ts !== undefined) keep.set(key, ts);
      const end = this.markersOnly.get(key);
      if (end !== undefined) keepMarkers.set(key, end);
    }
    this.recordTimes = keep;
    this.markersOnly = keepMarkers;
    const k = this.sources.kafka;
    if (!k.peek) return;
    // Longest-waiting first: the partitions with the most lag gain most from an exact date.
    lookups.sort((a, b) => (b.view.lag ?? 0) - (a.view.lag ?? 0));
    const chosen = lookups.slice(0, this.opts.recordLookups);
    const sizes = candidates
      .sort((a, b) => (this.recordSizes.get(a.topic)?.at ?? 0) - (this.recordSizes.get(b.topic)?.at ?? 0))
      .slice(0, this.opts.sizeSamples)
      .map((c) => ({ topic: c.topic, partition: c.partition, offset: Math.max(c.logStart, c.logEnd - 20) }));
    const budget = Math.max(1000, this.opts.timeoutMs / 2);
    const [times, sized] = await Promise.all([
      chosen.length
        ? settle(
            withTimeout(
              k.peek(
                chosen.map((l) => l.request),
                1,
              ),
              budget,
              'reading records',
            ),
          )
        : undefined,
      sizes.length ? settle(withTimeout(k.peek(sizes, 20), budget, 'sampling record sizes')) : undefined,
    ]);
    if (gen !== this.kafkaGen) return;
    if (times?.ok) {
      for (const l of chosen) {
        const key = peekKey(l.request.topic, l.request.partition, l.request.offset);
        const peeked = times.value.get(key);
        if (!peeked) continue;
        if (peeked.onlyMarkers) {
          this.markersOnly.set(key, l.view.logEnd);
          l.view.timeLagMs = 0;
          l.view.timeLagMethod = 'caught-up';
          continue;
        }
        const rec = peeked.records[0]!;
        this.recordTimes.set(key, rec.timestamp);
        const tl = estimateTimeLag({
          now: at,
          committed: l.view.committed,
          logEnd: l.view.logEnd,
          recordTimestamp: rec.timestamp,
          history: [],
        });
        l.view.timeLagMs = tl.ms;
        l.view.timeLagMethod = tl.method;
      }
    }
    if (sized?.ok) {
      for (const s of sizes) {
        const records = sized.value.get(peekKey(s.topic, s.partition, s.offset))?.records;
        if (!records?.length) continue;
        this.recordSizes.set(s.topic, { avgBytes: records.reduce((n, r) => n + r.bytes, 0) / records.length, at });
      }
    }
  }

  private lastLogEnd(key: string): { logEnd: number; logStart: number; rate: number | null } | undefined {
    const last = this.logEndFine.get(key)?.last();
    return last ? { logEnd: last.v, logStart: 0, rate: null } : undefined;
  }

  /** Log-end points of a partition, oldest first: the long coarse history, then the recent fine one. */
  private historyOf(key: string): OffsetPoint[] {
    const fine = this.logEndFine.get(key);
    const coarse = this.logEndCoarse.get(key);
    const out: OffsetPoint[] = [];
    const firstFine = fine && fine.length > 0 ? fine.time(0) : Infinity;
    if (coarse)
      for (let i = 0; i < coarse.length && coarse.time(i) < firstFine; i++) out.push({ t: coarse.time(i), offset: coarse.value(i) });
    if (fine) for (let i = 0; i < fine.length; i++) out.push({ t: fine.time(i), offset: fine.value(i) });
    return out;
  }

  private staleTopic(topic: string, partitions: number, error: string): TopicView {
    const previous = this.lastKafka?.topics.find((t) => t.topic === topic);
    return previous
      ? { ...previous, error }
      : { topic, partitions, messages: 0, produceRate: null, bytesRate: null, rateHistory: [], error };
  }
}

function emptyGroup(groupId: string, desc: GroupDescription): GroupView {
  return {
    groupId,
    state: desc.state,
    protocolType: desc.protocolType,
    members: desc.members.length,
    topics: [],
    lag: 0,
    timeLagMs: null,
    timeLagAtLeast: false,
    consumeRate: null,
    produceRate: null,
    verdict: 'OK',
    lagHistory: [],
    partitions: [],
    error: null,
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function causeOf(err: unknown): unknown {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Error ? cause : err;
}

/** One line for a failed HTTP call: "connection refused", "timed out", "HTTP 503 from /jobs/overview". */
export function describeHttpError(err: unknown): string {
  // The Flink client's messages name the action for a command; the banner names the source already.
  if (err instanceof FlinkRestError) return `HTTP ${err.status}: ${err.reason}`;
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    // fetch puts the socket's error in its cause; clients that unwrap it pass the socket's error itself.
    const code = cause?.code ?? (err as NodeJS.ErrnoException).code;
    // node:http clients put the code only in the message ("connect ECONNREFUSED 127.0.0.1:8081").
    if (code === 'ECONNREFUSED' || /\bECONNREFUSED\b/.test(err.message)) return 'connection refused';
    if (code === 'ENOTFOUND') return 'unknown host';
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return err.message.includes('timed out after') ? err.message : 'timed out';
    const first = err.message.split('\n')[0] ?? 'failed';
    // fetch says only "fetch failed"; the reason is in its cause.
    return first === 'fetch failed' && cause?.message ? `${first}: ${cause.message}` : first;
  }
  return String(err);
}

export interface CreateCollectorOptions extends CollectorOptions {
  /** Sample Flink's jobs. Default: true. */
  flink?: boolean;
  /** Probe the schema registry. Default: true. */
  registry?: boolean;
  /** Where kafkajs's own warnings go (for --verbose). Default: dropped. */
  log?: (line: string) => void;
}

/** A collector over the real services at `endpoints`. */
export async function createCollector(endpoints: ResolvedEndpoints, options: CreateCollectorOptions = {}): Promise<Collector> {
  // Records read to date offsets may be compressed with any codec a producer chose.
  await registerCodecs();
  const timeoutMs = options.timeoutMs ?? 5000;
  const kafka = kafkaFromEndpoints(endpoints, {
    clientId: 'streamctl-collector',
    // Fail fast and let the next sample retry: a dashboard must not sit in kafkajs's backoff.
    connectionTimeoutMs: Math.min(3000, timeoutMs),
    requestTimeoutMs: timeoutMs,
    retries: 0,
    ...(options.log ? { log: options.log } : {}),
  });
  const registry = registryFromEndpoints(endpoints, { timeoutMs: Math.min(3000, timeoutMs) });
  const sources: CollectorSources = {
    kafka: kafkaReader(kafka),
    explainKafkaError: (err) => {
      const c = classifyKafkaFailure(err, endpoints);
      return c ? { message: c.message, hint: c.hint, kind: c.kind } : { message: describeKafkaError(err) };
    },
  };
  if (options.flink !== false) {
    sources.flink = flinkReader(new FlinkRestClient({ url: endpoints.flink.url, timeoutMs: Math.min(3000, timeoutMs) }));
  }
  if (options.registry !== false) {
    // The global compatibility level: the registry's cheapest answer (its subject list grows with use).
    sources.registry = async () => `compatibility ${await registry.getGlobalLevel()}`;
  }
  return new Collector(sources, options);
}
