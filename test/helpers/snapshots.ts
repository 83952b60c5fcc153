import type { FlinkJobView, GroupView, PartitionView, Snapshot, SourceStatus, TopicView } from '../../src/collector/types.js';

/** Fixed "now" for frames: 2026-11-25 12:00:00 local time. */
export const NOW = new Date(2026, 10, 25, 12, 0, 0).getTime();

export function okSource(detail = 'ok', at = NOW - 400): SourceStatus {
  return { enabled: true, ok: true, error: null, lastSuccessAt: at, failures: 0, detail };
}

export function partition(overrides: Partial<PartitionView> = {}): PartitionView {
  return {
    topic: 'orders',
    partition: 0,
    committed: 40,
    logEnd: 100,
    logStart: 0,
    lag: 60,
    timeLagMs: 12_000,
    timeLagMethod: 'record',
    member: { memberId: 'm-1', clientId: 'billing-1', host: '10.0.0.7' },
    consumeRate: 5,
    ...overrides,
  };
}

export function group(overrides: Partial<GroupView> = {}): GroupView {
  return {
    groupId: 'billing',
    state: 'Stable',
    protocolType: 'consumer',
    members: 1,
    topics: ['orders'],
    lag: 60,
    timeLagMs: 12_000,
    timeLagAtLeast: false,
    consumeRate: 5,
    produceRate: 6,
    verdict: 'OK',
    lagHistory: [10, 20, 30, 40, 50, 60],
    partitions: [partition()],
    error: null,
    ...overrides,
  };
}

export function topic(overrides: Partial<TopicView> = {}): TopicView {
  return {
    topic: 'orders',
    partitions: 3,
    messages: 12_345,
    produceRate: 200,
    bytesRate: 48_000,
    rateHistory: [180, 190, 200, 210, 200],
    error: null,
    ...overrides,
  };
}

export function job(overrides: Partial<FlinkJobView> = {}): FlinkJobView {
  return {
    id: 'a'.repeat(32),
    name: 'orders-enrichment',
    state: 'RUNNING',
    startTime: NOW - 3_600_000,
    durationMs: 3_600_000,
    recordsInPerSec: 200,
    recordsOutPerSec: 190,
    backpressure: { ratio: 0.02, level: 'ok' },
    lastCheckpointAgeMs: 4_000,
    checkpointsFailed: 0,
    ...overrides,
  };
}

/** A healthy cluster with three groups (one lagging, one stalled, one empty), two topics and a Flink job. */
export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    at: NOW - 500,
    seq: 7,
    intervalMs: 1000,
    context: 'local',
    sources: { kafka: okSource('1 broker'), registry: okSource('4 subjects'), flink: okSource('1 running') },
    cluster: { clusterId: 'c1', brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }], brokersUp: 1, brokersKnown: 1, controller: 1 },
    groups: [
      group(),
      group({
        groupId: 'fraud-scoring',
        lag: 12_345,
        timeLagMs: 95_000,
        verdict: 'LAGGING',
        consumeRate: 150,
        partitions: [
          partition({
            partition: 0,
            committed: 1000,
            logEnd: 7000,
            lag: 6000,
            timeLagMs: 95_000,
            member: { memberId: 'm-2', clientId: 'fraud-1', host: '10.0.0.8' },
          }),
          partition({
            partition: 1,
            committed: 2000,
            logEnd: 8345,
            lag: 6345,
            timeLagMs: 90_000,
            timeLagMethod: 'history',
            member: { memberId: 'm-3', clientId: 'fraud-2', host: '10.0.0.9' },
          }),
        ],
      }),
      group({
        groupId: 'audit-archiver',
        state: 'Empty',
        members: 0,
        lag: 500,
        timeLagMs: 600_000,
        timeLagAtLeast: true,
        verdict: 'EMPTY',
        consumeRate: 0,
        partitions: [partition({ member: null, timeLagMethod: 'bound', timeLagMs: 600_000, consumeRate: 0 })],
      }),
    ],
    topics: [topic(), topic({ topic: 'payments', partitions: 6, messages: 900, produceRate: 0, bytesRate: null, rateHistory: [0, 0, 0] })],
    flink: [
      job(),
      job({
        id: 'b'.repeat(32),
        name: 'nightly-rollup',
        state: 'FINISHED',
        recordsInPerSec: null,
        recordsOutPerSec: null,
        backpressure: null,
        lastCheckpointAgeMs: null,
      }),
    ],
    totals: { produceRate: 200, consumeRate: 155 },
    ...overrides,
  };
}
