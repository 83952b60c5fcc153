import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ContextList, ContextView } from '../../src/config/context-view.js';
import type { GroupDescription, GroupSummary, ResetResult } from '../../src/kafka/groups.js';
import type { AlterTopicResult, TopicDescription, TopicSummary } from '../../src/kafka/topics-admin.js';
import { contextListView, contextShowView } from '../../src/output/context.js';
import { groupDescribeView, groupListView, resetView } from '../../src/output/groups.js';
import { render, type Printable } from '../../src/output/printer.js';
import { makeStyle } from '../../src/output/style.js';
import { topicAlterView, topicCreateView, topicDeleteView, topicDescribeView, topicListView } from '../../src/output/topics.js';

const plain = makeStyle(false);
const color = makeStyle(true);

/** Every format of a result: JSON and YAML are the data, the table is for people. */
function formats<T>(p: Printable<T>) {
  return {
    table: render(p, 'table', plain),
    json: render(p, 'json', color),
    yaml: render(p, 'yaml', color),
    colored: render(p, 'table', color),
  };
}

function expectDataFormats<T>(p: Printable<T>) {
  const f = formats(p);
  expect(JSON.parse(f.json)).toEqual(JSON.parse(JSON.stringify(p.data)));
  expect(parse(f.yaml)).toEqual(JSON.parse(JSON.stringify(p.data)));
  // eslint-disable-next-line no-control-regex
  expect(f.json + f.yaml).not.toMatch(/\x1b\[/);
  // eslint-disable-next-line no-control-regex
  expect(f.table).not.toMatch(/\x1b\[/);
  return f;
}

const topics: TopicSummary[] = [
  { name: '__consumer_offsets', partitions: 50, replicationFactor: 1, internal: true },
  { name: 'orders', partitions: 6, replicationFactor: 3, internal: false },
];

const description: TopicDescription = {
  name: 'orders',
  internal: false,
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [], logStartOffset: 0, logEndOffset: 120 },
    { partition: 1, leader: -1, replicas: [2, 3, 1], isr: [2], offline: [3], logStartOffset: 5, logEndOffset: 99 },
  ],
  replicationFactor: 3,
  records: 214,
  configs: [
    { name: 'retention.ms', value: '86400000', source: 'topic', sensitive: false, readOnly: false },
    { name: 'secret.thing', value: null, source: 'topic', sensitive: true, readOnly: false },
  ],
  allConfigs: false,
};

describe('topics printers', () => {
  it('list', () => {
    const f = expectDataFormats({ data: topics, table: topicListView });
    expect(f.table.split('\n')).toEqual([
      'NAME                           PARTITIONS  REPLICAS',
      '__consumer_offsets (internal)  50          1',
      'orders                         6           3',
    ]);
    expect(render({ data: [], table: topicListView }, 'table', plain)).toBe('no topics');
  });

  it('describe', () => {
    const f = expectDataFormats({ data: description, table: topicDescribeView });
    expect(f.table).toContain('orders  partitions 2, replication factor 3, 214 records');
    expect(f.table).toMatch(/^1 +none +2,3,1 +2 +5 +99$/m);
    expect(f.table).toMatch(/^retention\.ms +86400000 +topic$/m);
    expect(f.table).toMatch(/^secret\.thing +\(sensitive\) +topic$/m);
    expect(f.table).toContain('configs (not at their defaults; --all-configs for every one)');
    expect(f.colored).toContain('\x1b[');
  });

  it('create, alter, delete', () => {
    expect(
      render(
        {
          data: { topic: 'o', created: true, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '1' } },
          table: topicCreateView,
        },
        'table',
        plain,
      ),
    ).toBe('created topic o: 3 partitions, replication factor 1, retention.ms=1');
    expect(
      render(
        { data: { topic: 'o', created: false, partitions: 3, replicationFactor: 1, configs: {} }, table: topicCreateView },
        'table',
        plain,
      ),
    ).toMatch(/already exists/);
    const alter: AlterTopicResult = {
      topic: 'o',
      partitions: { from: 3, to: 6 },
      set: { 'cleanup.policy': { from: 'delete', to: 'compact' } },
      removed: { 'retention.ms': '1000' },
      unchanged: false,
    };
    expectDataFormats({ data: alter, table: topicAlterView });
    expect(render({ data: alter, table: topicAlterView }, 'table', plain)).toBe(
      'altered topic o\n  partitions  3 → 6\n  cleanup.policy  delete → compact\n  retention.ms  1000 → (default)',
    );
    expect(render({ data: { topic: 'o', set: {}, removed: {}, unchanged: true }, table: topicAlterView }, 'table', plain)).toMatch(
      /nothing changed/,
    );
    expect(render({ data: { deleted: ['a', 'b'] }, table: topicDeleteView }, 'table', plain)).toBe('deleted topic a\ndeleted topic b');
  });
});

describe('groups printers', () => {
  const groups: GroupSummary[] = [
    { group: 'billing', state: 'Stable', members: 2, protocolType: 'consumer', protocol: 'RoundRobinAssigner' },
  ];
  const group: GroupDescription = {
    group: 'billing',
    state: 'Stable',
    protocolType: 'consumer',
    protocol: 'RoundRobinAssigner',
    members: [{ memberId: 'm-1', clientId: 'billing-1', host: '127.0.0.1', assignments: [{ topic: 'orders', partitions: [0, 1] }] }],
    partitions: [
      { topic: 'orders', partition: 0, committed: 10, logEnd: 15, lag: 5, owner: 'billing-1' },
      { topic: 'orders', partition: 1, committed: null, logEnd: 3, lag: null, owner: 'billing-1' },
    ],
    totalLag: 5,
  };
  const reset: ResetResult = {
    group: 'billing',
    executed: false,
    activeMembers: ['billing-1 (127.0.0.1, m-1)'],
    plan: [
      { topic: 'orders', partition: 0, current: 10, target: 0, logStart: 0, logEnd: 15, change: -10 },
      { topic: 'orders', partition: 1, current: null, target: 3, logStart: 0, logEnd: 3, change: null, clampedFrom: 7 },
    ],
  };

  it('list', () => {
    const f = expectDataFormats({ data: groups, table: groupListView });
    expect(f.table).toMatch(/^billing +Stable +2 +consumer +RoundRobinAssigner$/m);
  });

  it('describe', () => {
    const f = expectDataFormats({ data: group, table: groupDescribeView });
    expect(f.table).toContain('billing  state Stable, 1 member, assignor RoundRobinAssigner, total lag 5');
    expect(f.table).toMatch(/^billing-1 +127\.0\.0\.1 +m-1 +orders:0,1$/m);
    expect(f.table).toMatch(/^orders +1 +- +3 +- +billing-1$/m);
  });

  it('reset plan, dry run and executed', () => {
    const f = expectDataFormats({ data: reset, table: resetView });
    expect(f.table).toMatch(/^orders +0 +10 +0 +-10 +0 +15$/m);
    expect(f.table).toMatch(/^orders +1 +- +3 \(7 is outside the log\) +- +0 +3$/m);
    expect(f.table).toContain('dry run: nothing changed; pass --execute to apply this plan');
    expect(f.table).toContain('--execute refuses until they stop');
    expect(render({ data: { ...reset, executed: true, activeMembers: [] }, table: resetView }, 'table', plain)).toContain(
      'offsets of group billing reset',
    );
  });
});

describe('context printers', () => {
  const view: ContextView = {
    name: 'prod',
    current: true,
    selectedBy: '--context',
    builtIn: false,
    readOnly: true,
    timeoutMs: 20_000,
    kafka: {
      brokers: 'k1:9093',
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'svc', password: '(from env PROD_PW)' },
      tls: { ca: '/etc/ca.pem' },
      origin: 'context prod',
    },
    registry: { url: 'https://reg', username: 'svc', password: '****', origin: 'context prod' },
    flink: { url: 'http://localhost:8082', origin: 'local platform' },
    sqlGateway: { url: 'http://localhost:8083', origin: 'local platform' },
    postgres: { url: 'postgres://app:****@db/app', origin: 'context prod' },
  };
  const list: ContextList = {
    current: 'prod',
    selectedBy: '--context',
    contexts: [
      {
        name: 'local',
        current: false,
        builtIn: true,
        readOnly: false,
        kafka: 'local platform',
        securityProtocol: 'PLAINTEXT',
        auth: null,
        registry: 'local platform',
      },
      {
        name: 'prod',
        current: true,
        builtIn: false,
        readOnly: true,
        kafka: 'k1:9093',
        securityProtocol: 'SASL_SSL',
        auth: 'SCRAM-SHA-512 svc',
        registry: 'https://reg',
      },
    ],
  };

  it('show', () => {
    const f = expectDataFormats({ data: view, table: contextShowView });
    expect(f.table.split('\n')).toEqual([
      'context       prod  selected by --context',
      'read-only     yes',
      'timeout       20s',
      'kafka         k1:9093 (context prod)',
      '  security    SASL_SSL',
      '  sasl        SCRAM-SHA-512, user svc, password (from env PROD_PW)',
      '  tls         ca /etc/ca.pem',
      'registry      https://reg (context prod)',
      '  basic auth  user svc, password ****',
      'flink         http://localhost:8082 (local platform)',
      'sql gateway   http://localhost:8083 (local platform)',
      'postgres      postgres://app:****@db/app (context prod)',
    ]);
  });

  it('list', () => {
    const f = expectDataFormats({ data: list, table: contextListView });
    expect(f.table).toMatch(/^\* +prod +k1:9093 +SASL_SSL +SCRAM-SHA-512 svc +https:\/\/reg +yes$/m);
    expect(f.table).toMatch(/^ +local \(built-in\) +local platform +PLAINTEXT +- +local platform +no$/m);
    expect(f.table).toContain('current: prod (selected by --context)');
  });
});
