import { ConnectionError, ExitCode, StreamctlError } from '../errors.js';
import { flinkCall, type FlinkEndpoint } from './http.js';

/** Default timeout of every SQL Gateway HTTP call. */
export const GATEWAY_TIMEOUT_MS = 10_000;
/** How long one statement may take to produce its result (planning and submitting a job included). */
export const STATEMENT_TIMEOUT_MS = 120_000;

/** A statement the gateway refused or failed to run: `reason` is the planner's own line (SqlParserException, ValidationException…). */
export class SqlStatementError extends StreamctlError {
  constructor(
    message: string,
    readonly reason: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, ExitCode.Usage, options);
  }
}

export interface StatementResult {
  /** The job the statement started (INSERT, statement set). */
  jobId?: string;
  resultKind?: string;
  columns: string[];
  rows: unknown[][];
}

export interface SqlGatewayOptions {
  /** Gateway REST base URL, e.g. http://localhost:8083. */
  url: string;
  /** Per-request timeout. Default: GATEWAY_TIMEOUT_MS (10 s). */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export type SqlGatewayApi = Pick<SqlGatewayClient, 'url' | 'openSession' | 'closeSession' | 'execute'>;

interface ResultPage {
  resultType: 'NOT_READY' | 'PAYLOAD' | 'EOS';
  resultKind?: string;
  jobID?: string;
  nextResultUri?: string;
  results?: { columns?: { name: string }[]; data?: { kind: string; fields: unknown[] }[] };
}

/** Raised by `call` on a non-2xx answer, before it becomes a message with context. */
class GatewayHttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * A small client for the Flink SQL Gateway REST API (v3): sessions,
 * statements, and result paging to EOS. A statement's failure surfaces as an
 * HTTP 500 when its results are fetched, not when it is submitted.
 */
export class SqlGatewayClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly endpoint: FlinkEndpoint;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: SqlGatewayOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? GATEWAY_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
    this.endpoint = {
      fetchFn: this.fetchFn,
      url: this.url,
      what: 'Flink SQL Gateway',
      hint: 'check sqlGateway.url or STREAMCTL_SQL_GATEWAY_URL (local platform: `streamctl dev up`)',
    };
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private async call<T>(action: string, method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    const r = await flinkCall<T>(this.endpoint, action, path, init, this.timeoutMs);
    if (!r.ok) throw new GatewayHttpError(r.status, r.reason);
    return r.data;
  }

  /** Opens a session with these options (e.g. pipeline.name); returns its handle. */
  async openSession(options: { name?: string; properties?: Record<string, string> } = {}): Promise<string> {
    try {
      const r = await this.call<{ sessionHandle: string }>('open a SQL Gateway session', 'POST', '/v3/sessions', {
        ...(options.name ? { sessionName: options.name } : {}),
        properties: options.properties ?? {},
      });
      return r.sessionHandle;
    } catch (err) {
      if (err instanceof GatewayHttpError) {
        throw new ConnectionError(`unable to open a SQL Gateway session: ${err.reason} (HTTP ${err.status})`, { cause: err });
      }
      throw err;
    }
  }

  /** Closes a session; jobs it started keep running. Never throws: a session left open expires on its own. */
  async closeSession(session: string): Promise<void> {
    try {
      await this.call<unknown>('close a SQL Gateway session', 'DELETE', `/v3/sessions/${session}`);
    } catch {
      // Idle sessions expire after sql-gateway.session.idle-timeout (10 min by default).
    }
  }

  /**
   * Runs one statement and reads its whole result. Throws SqlStatementError
   * with the planner's reason when the statement fails.
   */
  async execute(session: string, statement: string, options: { timeoutMs?: number; maxRows?: number } = {}): Promise<StatementResult> {
    const deadline = Date.now() + (options.timeoutMs ?? STATEMENT_TIMEOUT_MS);
    const maxRows = options.maxRows ?? 1000;
    let operation: string;
    try {
      const r = await this.call<{ operationHandle: string }>('submit a SQL statement', 'POST', `/v3/sessions/${session}/statements`, {
        statement,
      });
      operation = r.operationHandle;
    } catch (err) {
      if (err instanceof GatewayHttpError) throw new SqlStatementError(err.reason, err.reason, { cause: err });
      throw err;
    }
    const result: StatementResult = { columns: [], rows: [] };
    let uri: string | undefined = `/v3/sessions/${session}/operations/${operation}/result/0?rowFormat=JSON`;
    let delay = 50;
    try {
      while (uri) {
        let page: ResultPage;
        try {
          page = await this.call<ResultPage>('fetch a SQL statement result', 'GET', uri);
        } catch (err) {
          if (err instanceof GatewayHttpError) throw new SqlStatementError(err.reason, err.reason, { cause: err });
          throw err;
        }
        if (page.jobID) result.jobId = page.jobID;
        if (page.resultKind) result.resultKind = page.resultKind;
        if (page.results?.columns?.length) result.columns = page.results.columns.map((c) => c.name);
        for (const row of page.results?.data ?? []) if (result.rows.length < maxRows) result.rows.push(row.fields);
        // Read to EOS: closing an operation that is still running cancels it.
        if (page.resultType === 'EOS') break;
        if (page.resultType === 'NOT_READY') {
          if (Date.now() > deadline) {
            throw new StreamctlError(
              `unable to run a SQL statement: no result within ${(options.timeoutMs ?? STATEMENT_TIMEOUT_MS) / 1000}s`,
              ExitCode.Usage,
              {
                hint: 'the SQL Gateway or the Flink cluster may be overloaded; see `streamctl dev logs sql-gateway`',
              },
            );
          }
          await this.sleep(delay);
          delay = Math.min(delay * 2, 500);
        }
        uri = page.nextResultUri;
      }
    } finally {
      await this.call<unknown>('close a SQL operation', 'DELETE', `/v3/sessions/${session}/operations/${operation}/close`).catch(() => {});
    }
    return result;
  }
}
