import type { ProgressSink } from '../progress.js';
import type { SqlGatewayApi } from './gateway.js';
import type { FlinkRestApi } from './rest.js';
import type { SubmissionStoreApi } from './submissions.js';

/** What the Flink operations talk to; passed in so tests and other commands can swap any of it. */
export interface FlinkDeps {
  rest: FlinkRestApi;
  /** Needed to submit SQL. */
  gateway?: SqlGatewayApi;
  /** Where submissions are recorded (for upgrade rollbacks). Default: nothing is recorded. */
  store?: SubmissionStoreApi;
  /** Step-by-step progress of long operations. Default: none. */
  progress?: ProgressSink;
  /** Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: Date.now. */
  now?: () => number;
  /** Resolves relative paths. Default: process.cwd(). */
  cwd?: string;
}

export const sleepOf = (deps: FlinkDeps): ((ms: number) => Promise<void>) =>
  deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));

export const nowOf = (deps: FlinkDeps): (() => number) => deps.now ?? Date.now;

/** Runs fn over items, at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
