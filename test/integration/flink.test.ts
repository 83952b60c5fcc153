import { beforeAll, describe, expect, it } from 'vitest';
import { runningPlatform } from '../helpers/platform.js';

// The platform's own Flink endpoints, checked over raw HTTP on purpose: these tests vouch for
// the cluster `streamctl dev` starts, independently of streamctl's REST and gateway clients
// (which test/integration/flink-cli.test.ts covers).

let rest: string;
let gateway: string;

beforeAll(async () => {
  const status = await runningPlatform();
  rest = status.flink.rest;
  gateway = status.sqlGateway.url;
});

async function json<T>(res: Response): Promise<T> {
  const body = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 2000)}`);
  return JSON.parse(body) as T;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  return json<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

/** Runs one statement in a gateway session and returns all rows (follows nextResultUri to EOS). */
async function execute(session: string, statement: string): Promise<{ rows: unknown[][]; jobID?: string }> {
  const { operationHandle } = await post<{ operationHandle: string }>(`${gateway}/v3/sessions/${session}/statements`, { statement });
  let uri: string | undefined = `/v3/sessions/${session}/operations/${operationHandle}/result/0?rowFormat=JSON`;
  const rows: unknown[][] = [];
  let jobID: string | undefined;
  const deadline = Date.now() + 90_000;
  while (uri && Date.now() < deadline) {
    const page: { resultType: string; jobID?: string; nextResultUri?: string; results?: { data?: { fields: unknown[] }[] } } = await json(
      await fetch(`${gateway}${uri}`),
    );
    jobID ??= page.jobID;
    for (const r of page.results?.data ?? []) rows.push(r.fields);
    if (page.resultType === 'EOS') break;
    if (page.resultType === 'NOT_READY') await new Promise((r) => setTimeout(r, 200));
    uri = page.nextResultUri;
  }
  return { rows, ...(jobID ? { jobID } : {}) };
}

describe('Flink session cluster and SQL Gateway', () => {
  it('reports a TaskManager with slots on /overview', async () => {
    const o = await json<{ taskmanagers: number; 'slots-total': number; 'flink-version': string }>(await fetch(`${rest}/overview`));
    expect(o.taskmanagers).toBeGreaterThanOrEqual(1);
    expect(o['slots-total']).toBeGreaterThan(0);
    expect(o['flink-version']).toMatch(/^2\.2\./);
  });

  it('answers /v3/info on the SQL Gateway', async () => {
    const info = await json<{ productName: string; version: string }>(await fetch(`${gateway}/v3/info`));
    expect(info.productName).toBe('Apache Flink');
    expect(info.version).toMatch(/^2\.2\./);
  });

  it('runs a trivial SQL statement and a small job through the gateway', async () => {
    const { sessionHandle } = await post<{ sessionHandle: string }>(`${gateway}/v3/sessions`, {
      properties: { 'execution.runtime-mode': 'batch' },
    });
    try {
      const one = await execute(sessionHandle, 'SELECT 1 + 1 AS two');
      expect(one.rows).toEqual([[2]]);

      await execute(
        sessionHandle,
        "CREATE TEMPORARY TABLE gen (n BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '100', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '100')",
      );
      const sum = await execute(sessionHandle, 'SELECT SUM(n) FROM gen');
      expect(sum.rows.at(-1)).toEqual([5050]);
      expect(sum.jobID).toMatch(/^[0-9a-f]{32}$/);
      const job = await json<{ state: string }>(await fetch(`${rest}/jobs/${sum.jobID}`));
      expect(job.state).toBe('FINISHED');
    } finally {
      await fetch(`${gateway}/v3/sessions/${sessionHandle}`, { method: 'DELETE' });
    }
  });

  it('has the Kafka, avro-confluent and JDBC connectors on the classpath (plans a pipeline using them)', async () => {
    const { sessionHandle } = await post<{ sessionHandle: string }>(`${gateway}/v3/sessions`, {});
    try {
      await execute(
        sessionHandle,
        "CREATE TEMPORARY TABLE src (id STRING, amount DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'plan-only', 'properties.bootstrap.servers' = 'localhost:9092', 'scan.startup.mode' = 'earliest-offset', 'format' = 'avro-confluent', 'avro-confluent.url' = 'http://localhost:8081/apis/ccompat/v7')",
      );
      await execute(
        sessionHandle,
        "CREATE TEMPORARY TABLE sink (id STRING, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost:5433/streamctl', 'table-name' = 'plan_only')",
      );
      await execute(
        sessionHandle,
        "CREATE TEMPORARY TABLE out_topic (id STRING, amount DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'plan-only-out', 'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'avro-confluent', 'avro-confluent.url' = 'http://localhost:8081/apis/ccompat/v7', 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'plan-only')",
      );
      const plan = await execute(
        sessionHandle,
        'EXPLAIN STATEMENT SET BEGIN INSERT INTO sink SELECT id, amount FROM src; INSERT INTO out_topic SELECT id, amount FROM src; END',
      );
      const text = JSON.stringify(plan.rows);
      expect(text).toContain('TableSourceScan');
      expect(text).toMatch(/Sink\(table=\[[^\]]*sink\]/);
      expect(text).toMatch(/Sink\(table=\[[^\]]*out_topic\]/);
    } finally {
      await fetch(`${gateway}/v3/sessions/${sessionHandle}`, { method: 'DELETE' });
    }
  });
});
