import { createKafka } from '../kafka/client.js';
import pg from 'pg';
import type { Endpoints, ServiceGroup } from './types.js';

/** The result of one health probe. */
export interface Health {
  healthy: boolean;
  /** Why it is unhealthy, or a short fact when healthy ("1 broker", "4 free slots"). */
  detail: string;
}

/** Every probe gives up after this long; status must never hang. Default: 3 s. */
export const PROBE_TIMEOUT_MS = 3_000;

async function httpJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  return res.json();
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return 'connection refused';
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
    return err.message.split('\n')[0] ?? 'failed';
  }
  return String(err);
}

/** Kafka answers metadata and reports `expectedBrokers` brokers. */
export async function probeKafka(bootstrap: string, expectedBrokers: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<Health> {
  const kafka = createKafka({
    clientId: 'streamctl-health',
    brokers: bootstrap.split(','),
    connectionTimeoutMs: Math.min(timeoutMs, 2_000),
    requestTimeoutMs: timeoutMs,
    retries: 0,
  });
  const admin = kafka.admin();
  try {
    const cluster = await withTimeout(
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      timeoutMs,
    );
    const n = cluster.brokers.length;
    return n >= expectedBrokers
      ? { healthy: true, detail: `${n} broker${n === 1 ? '' : 's'}, controller ${cluster.controller}` }
      : { healthy: false, detail: `${n} of ${expectedBrokers} brokers up` };
  } catch (err) {
    return { healthy: false, detail: reason(err) };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The Confluent-compatible API lists subjects. */
export async function probeRegistry(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Health> {
  try {
    const subjects = (await httpJson(`${url}/subjects`, timeoutMs)) as unknown[];
    return { healthy: true, detail: `${subjects.length} subject${subjects.length === 1 ? '' : 's'}` };
  } catch (err) {
    return { healthy: false, detail: reason(err) };
  }
}

/** The JobManager answers /overview with at least one TaskManager that has slots. */
export async function probeFlink(
  rest: string,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Health & { taskManagers?: number; slotsTotal?: number; slotsAvailable?: number }> {
  try {
    const o = (await httpJson(`${rest}/overview`, timeoutMs)) as {
      taskmanagers: number;
      'slots-total': number;
      'slots-available': number;
      'flink-version': string;
    };
    const base = { taskManagers: o.taskmanagers, slotsTotal: o['slots-total'], slotsAvailable: o['slots-available'] };
    if (o.taskmanagers < 1 || o['slots-total'] < 1) return { healthy: false, detail: 'no TaskManager registered yet', ...base };
    return {
      healthy: true,
      detail: `Flink ${o['flink-version']}, ${o.taskmanagers} TaskManager, ${o['slots-available']}/${o['slots-total']} slots free`,
      ...base,
    };
  } catch (err) {
    return { healthy: false, detail: reason(err) };
  }
}

/** The SQL Gateway's REST endpoint answers /v3/info. */
export async function probeSqlGateway(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Health> {
  try {
    const info = (await httpJson(`${url}/v3/info`, timeoutMs)) as { productName?: string; version?: string };
    return { healthy: true, detail: `${info.productName ?? 'SQL Gateway'} ${info.version ?? ''}`.trim() };
  } catch (err) {
    return { healthy: false, detail: reason(err) };
  }
}

/** PostgreSQL accepts a query. */
export async function probePostgres(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Health> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return { healthy: true, detail: `PostgreSQL ${r.rows[0]?.v ?? ''}`.trim() };
  } catch (err) {
    return { healthy: false, detail: reason(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

export function probeGroup(group: ServiceGroup, endpoints: Endpoints, brokers: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<Health> {
  switch (group) {
    case 'kafka':
      return probeKafka(endpoints.kafka.bootstrap, brokers, timeoutMs);
    case 'registry':
      return probeRegistry(endpoints.registry.url, timeoutMs);
    case 'flink':
      return probeFlink(endpoints.flink.rest, timeoutMs);
    case 'sqlGateway':
      return probeSqlGateway(endpoints.sqlGateway.url, timeoutMs);
    case 'postgres':
      return probePostgres(endpoints.postgres.url, timeoutMs);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
