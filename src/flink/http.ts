import { ConnectionError, describeCause } from '../errors.js';
import { summarizeJavaError } from './java-errors.js';

/** Who is being called, for the "unreachable" message and its hint. */
export interface FlinkEndpoint {
  fetchFn: typeof fetch;
  url: string;
  /** e.g. "Flink JobManager" or "Flink SQL Gateway". */
  what: string;
  hint: string;
}

/** A finished HTTP exchange: the status, and the reason Flink gave when it failed. */
export interface FlinkAnswer<T> {
  ok: boolean;
  status: number;
  data: T;
  /** Flink's error (its Java stack trace summarised to one line), or the body's start. */
  reason: string;
}

/**
 * One HTTP call to a Flink REST endpoint (JobManager or SQL Gateway, which
 * share the error format): a timeout, a one-line ConnectionError when nothing
 * answers, and Flink's `errors` array summarised when the call fails.
 */
export async function flinkCall<T>(
  endpoint: FlinkEndpoint,
  action: string,
  path: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<FlinkAnswer<T>> {
  let res: Response;
  try {
    res = await endpoint.fetchFn(`${endpoint.url}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    let reason =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000}s`
        : describeCause((err as { cause?: unknown }).cause ?? err);
    // undici's word for the ports browsers block (1, 9, 6000…), which fetch never connects to.
    if (reason === 'bad port') reason = `port ${new URL(endpoint.url).port} is a port fetch refuses to connect to`;
    throw new ConnectionError(`unable to ${action}: ${endpoint.what} at ${endpoint.url} unreachable (${reason})`, {
      hint: endpoint.hint,
      cause: err,
    });
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  let reason = '';
  if (!res.ok) {
    const errors = (data as { errors?: unknown } | undefined)?.errors;
    reason = Array.isArray(errors) ? summarizeJavaError(errors.map(String).join('\n')) : text.slice(0, 200) || res.statusText;
  }
  return { ok: res.ok, status: res.status, data: data as T, reason };
}
