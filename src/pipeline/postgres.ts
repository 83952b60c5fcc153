import pg from 'pg';
import { ConnectionError, StreamctlError, ExitCode, describeCause } from '../errors.js';
import { renderTemplate } from './template.js';

/** What the pipeline does in PostgreSQL; an interface so tests can watch it. */
export interface PipelineDb {
  /** Runs jobs/postgres.sql (CREATE … IF NOT EXISTS) for these names. */
  ensureTables(ddlTemplate: string, suffix: string): Promise<void>;
  /** Empties tables (a rebuild's first step). Tables that don't exist are skipped. */
  truncate(tables: string[]): Promise<string[]>;
  /** Rows per table, -1 for a table that does not exist. */
  rowCounts(tables: string[]): Promise<Record<string, number>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function safeUrl(url: string): string {
  return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}

/** A PipelineDb over one short-lived connection per call (the pipeline touches Postgres a few times per command). */
export function postgresDb(url: string, options: { timeoutMs?: number } = {}): PipelineDb {
  const withClient = async <T>(action: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: options.timeoutMs ?? 10_000 });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw new ConnectionError(`unable to ${action}: PostgreSQL at ${safeUrl(url)} unreachable (${describeCause(err)})`, {
        hint: 'check postgres.url or STREAMCTL_POSTGRES_URL (local platform: `streamctl dev up`)',
        cause: err,
      });
    }
    try {
      return await fn(client);
    } catch (err) {
      if (err instanceof StreamctlError) throw err;
      throw new StreamctlError(`unable to ${action}: ${describeCause(err)}`, ExitCode.Usage, { cause: err });
    } finally {
      await client.end().catch(() => {});
    }
  };
  const existing = async (c: pg.Client, tables: string[]): Promise<Set<string>> => {
    const r = await c.query<{ relname: string }>(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relkind = 'r' and c.relname = any($1)`,
      [tables],
    );
    return new Set(r.rows.map((row) => row.relname));
  };
  const checked = (tables: string[]): string[] => {
    for (const t of tables) if (!IDENTIFIER.test(t)) throw new StreamctlError(`invalid table name "${t}"`, ExitCode.Usage);
    return tables;
  };
  return {
    ensureTables: (ddlTemplate, suffix) =>
      withClient('create the pipeline tables', async (c) => {
        // One simple-protocol query runs the whole file, in one implicit transaction.
        await c.query(renderTemplate(ddlTemplate, { suffix }, 'jobs/postgres.sql'));
      }),
    truncate: (tables) =>
      withClient('empty the pipeline tables', async (c) => {
        const have = await existing(c, checked(tables));
        const present = tables.filter((t) => have.has(t));
        if (present.length > 0) await c.query(`TRUNCATE ${present.join(', ')}`);
        return present;
      }),
    rowCounts: (tables) =>
      withClient('count the pipeline tables', async (c) => {
        const have = await existing(c, checked(tables));
        const counts: Record<string, number> = {};
        for (const t of tables)
          counts[t] = have.has(t) ? Number((await c.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0]!.n) : -1;
        return counts;
      }),
  };
}
