/**
 * Bounded concurrency, so a registry with hundreds of subjects gets a steady
 * handful of requests rather than hundreds at once (or one at a time).
 */

/** How many registry calls are in flight at most by default. */
export const DEFAULT_CONCURRENCY = 16;

/** Runs the functions given to it with at most `concurrency` of them pending at once, in the order they were given. */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

/** A limiter: `limit(() => fetch(…))` waits for a free slot first. `concurrency` below 1 counts as 1. */
export function pLimit(concurrency: number): Limiter {
  const max = Math.max(1, Math.floor(concurrency) || 1);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    active--;
    queue.shift()?.();
  };
  return <T>(fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++;
        let p: Promise<T>;
        try {
          p = fn();
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(release);
      };
      if (active < max) start();
      else queue.push(start);
    });
}

/**
 * `fn` over `items` with at most `limit` in flight; results in the order of
 * `items`. The first failure rejects, and no new item is started after it.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(limit) || 1), items.length) }, worker));
  return out;
}
