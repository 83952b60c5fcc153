import { ConfigError } from '../errors.js';
import type { PipelineJobDef, PipelineNames } from './definition.js';
import { renderTemplate } from './template.js';

/** How the pipeline's jobs behave: the knobs `pipeline up` exposes. */
export interface PipelineSettings {
  names: PipelineNames;
  /** How far behind the newest event time an event may arrive and still make its windows. Default: DEFAULT_SETTINGS. */
  watermarkDelayMs: number;
  /** A partition without data for this long stops holding back the watermark. */
  idleTimeoutMs: number;
  /** Transactions per count window. */
  windowSize: number;
}

export const DEFAULTS = { watermarkDelayMs: 5_000, idleTimeoutMs: 30_000, windowSize: 10 } as const;

/** Where the jobs connect, as the Flink cluster sees it. */
export interface JobEndpoints {
  kafkaBootstrap: string;
  /** The Confluent-compatible API base, e.g. http://localhost:8081/apis/ccompat/v7. */
  registryUrl: string;
  /** postgres://user[:password]@host:port/db */
  postgresUrl: string;
}

/** The schema texts the SQL jobs embed (Flink's reader and writer schemas). */
export interface JobSchemas {
  transactionEvent: string;
  symbolStats: string;
}

export interface JdbcTarget {
  url: string;
  username: string;
  password: string;
}

/**
 * postgres://user:pw@host:port/db?x=y → jdbc:postgresql://host:port/db?x=y plus the
 * credentials apart (Flink's JDBC options take them separately). Flink's JDBC connector
 * wants a password whenever it has a user; a server that trusts the connection (the local
 * platform) never asks for it, so an absent one is sent as an empty string.
 */
export function jdbcTarget(postgresUrl: string): JdbcTarget {
  let u: URL;
  try {
    u = new URL(postgresUrl);
  } catch {
    throw new ConfigError(`invalid PostgreSQL URL "${postgresUrl.replace(/\/\/[^/@]*@/, '//')}"`, {
      hint: 'set postgres.url or STREAMCTL_POSTGRES_URL to e.g. postgres://user@localhost:5432/db',
    });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConfigError(`invalid PostgreSQL URL: ${u.protocol}// is not postgres://`);
  }
  const port = u.port || '5432';
  return {
    url: `jdbc:postgresql://${u.hostname}:${port}${u.pathname}${u.search}`,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/** An interval as Flink SQL's `INTERVAL '…' DAY TO SECOND(3)` wants it: '0 00:00:05.000'. */
export function dayToSecond(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const days = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${days} ${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Every value a job template may use. */
export function templateValues(settings: PipelineSettings, endpoints: JobEndpoints, schemas: JobSchemas): Record<string, string> {
  const jdbc = jdbcTarget(endpoints.postgresUrl);
  const { names } = settings;
  return {
    suffix: names.suffix,
    'kafka.bootstrap': endpoints.kafkaBootstrap,
    'registry.url': endpoints.registryUrl,
    'jdbc.url': jdbc.url,
    'jdbc.username': jdbc.username,
    'jdbc.password': jdbc.password,
    'topic.transactions': names.topics.transactions,
    'topic.user_events': names.topics.userEvents,
    'topic.symbol_stats': names.topics.symbolStats,
    'schema.transaction_event': schemas.transactionEvent,
    'schema.symbol_stats': schemas.symbolStats,
    'watermark.delay': dayToSecond(settings.watermarkDelayMs),
    // Flink reads durations such as "30000 ms".
    'idle.timeout': `${settings.idleTimeoutMs} ms`,
  };
}

/** A SQL job's template, filled in. */
export function renderJobSql(job: PipelineJobDef, template: string, values: Record<string, string>): string {
  return renderTemplate(template, values, `jobs/${job.path}`);
}

/** The program arguments of the count-window jar (see CountWindowJob's javadoc). */
export function countWindowArgs(job: PipelineJobDef, settings: PipelineSettings, endpoints: JobEndpoints): string[] {
  const jdbc = jdbcTarget(endpoints.postgresUrl);
  const { names } = settings;
  return [
    '--bootstrap-servers',
    endpoints.kafkaBootstrap,
    '--topic',
    names.topics.transactions,
    '--group-id',
    names.groupId(job),
    '--registry-url',
    endpoints.registryUrl,
    '--jdbc-url',
    jdbc.url,
    '--jdbc-user',
    jdbc.username,
    ...(jdbc.password ? ['--jdbc-password', jdbc.password] : []),
    '--table',
    names.tables(job)[0]!,
    '--window-size',
    String(settings.windowSize),
    '--job-name',
    names.jobName(job),
  ];
}
