import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  deserializeError,
  type EventSource,
  type GenerationOptions,
  type ReadyEvent,
  type SerializedError,
  type SourceBatch,
  type ValueFormat,
} from './source.js';

/**
 * An EventSource that generates and encodes on a worker thread, ahead of the pacer, so
 * that the main thread only paces and runs kafkajs: at `--rate max` one thread doing both
 * is busy all the time, about 4.5 µs an event on generation and encoding and 6.5 µs on
 * kafkajs. The worker makes chunks of encoded events in the same order as InThreadSource
 * (one generator, one seed), so a seed gives the same bytes either way.
 *
 * Flow control: the main thread counts the chunks it has used up in shared memory; the
 * worker makes chunks while fewer than `prefetchChunks` are made and not used up, and then
 * sleeps in Atomics.wait until half of them are used up. Waking it only then, not for every
 * chunk, matters on a machine with few cores: each wake-up hands the core to the worker for
 * a while (a message or a notify per chunk cost the main thread 5–15 % of its time). The
 * bound also bounds how far ahead of their sending unseeded events read the clock for their
 * timestamps.
 */

/** What the worker starts with (workerData). */
export interface WorkerInit extends GenerationOptions {
  format: ValueFormat;
  /** Events per chunk. */
  chunkEvents: number;
  /** Chunks made ahead of the main thread, at most. */
  prefetchChunks: number;
  /** Int32Array over it, at the indexes below. */
  control: SharedArrayBuffer;
}

/** Chunks the main thread has used up. */
export const CONSUMED = 0;
/** The count of CONSUMED at which the worker, asleep, wants to be woken (0: none yet). */
export const WAKE_AT = 1;
/** Always 0: where a worker that has failed waits to be terminated. */
export const PARKED = 2;

/** The worker's messages to the main thread. */
export type WorkerMessage =
  | {
      type: 'chunk';
      /** Keys and values back to back: the key's bytes (if any), then the value's. */
      buffer: ArrayBuffer;
      /** Per event: stream index, end of the key (-1: no key), end of the value; an event starts where the previous ended. */
      index: Int32Array;
      count: number;
    }
  | { type: 'error'; error: SerializedError };

export interface WorkerSourceOptions extends Omit<WorkerInit, 'control'> {
  /** The worker's entry module. Default: `workerEntry()`. */
  entry?: URL;
  /**
   * A module whose `register()` installs a loader the entry needs, imported in the worker
   * first: 'tsx/esm/api' runs the TypeScript sources in tests (a worker's --import does not
   * reach its entry on Node 20). Default: none.
   */
  loader?: string;
}

/**
 * The compiled worker next to the bundle (dist/produce-worker.js, a tsup entry of its own),
 * or undefined when streamctl runs from its TypeScript sources (vitest, tsx), where there is
 * nothing a worker could load without a loader: those runs generate in-thread.
 */
export function workerEntry(): URL | undefined {
  const url = new URL('./produce-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

interface Chunk {
  buffer: ArrayBuffer;
  index: Int32Array;
  count: number;
  /** Next event to hand out, and where it starts. */
  next: number;
  pos: number;
}

export class WorkerSource implements EventSource {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly chunks: Chunk[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(options: WorkerSourceOptions, entry: URL) {
    const init: WorkerInit = {
      streams: options.streams,
      seed: options.seed,
      format: options.format,
      chunkEvents: options.chunkEvents,
      prefetchChunks: Math.max(1, options.prefetchChunks),
      control: this.control.buffer as SharedArrayBuffer,
      ...(options.seededRate !== undefined ? { seededRate: options.seededRate } : {}),
    };
    this.worker = options.loader
      ? new Worker(
          `import(${JSON.stringify(options.loader)}).then((l) => { l.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true, workerData: init },
        )
      : new Worker(entry, { workerData: init });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'chunk') this.chunks.push({ buffer: m.buffer, index: m.index, count: m.count, next: 0, pos: 0 });
      else this.failure ??= deserializeError(m.error);
      this.notify();
    });
    this.worker.on('error', (err) => {
      this.failure ??= err;
      this.notify();
    });
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failure ??= new Error(`the event generator thread stopped (exit code ${code})`);
      this.notify();
    });
  }

  /** Starts the worker and waits for its first chunk, so that a run's first release isn't held up by the worker's start. */
  static async start(options: WorkerSourceOptions): Promise<WorkerSource> {
    const entry = options.entry ?? workerEntry();
    if (!entry) throw new Error('the produce worker is not built (dist/produce-worker.js)');
    const source = new WorkerSource(options, entry);
    try {
      await source.ready();
    } catch (err) {
      await source.close();
      throw err;
    }
    return source;
  }

  private async ready(): Promise<void> {
    while (this.chunks.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async take(n: number): Promise<SourceBatch> {
    const events: ReadyEvent[] = [];
    let bytes = 0;
    while (events.length < n) {
      const chunk = this.chunks[0];
      if (!chunk) {
        // Failures come after the chunks made before them, so the events ahead of one still go out.
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const { buffer, index } = chunk;
      let { next, pos } = chunk;
      const last = Math.min(chunk.count, next + (n - events.length));
      for (; next < last; next++) {
        const keyEnd = index[3 * next + 1] as number;
        const end = index[3 * next + 2] as number;
        const valueStart = keyEnd < 0 ? pos : keyEnd;
        const value = Buffer.from(buffer, valueStart, end - valueStart);
        events.push({ stream: index[3 * next] as number, key: keyEnd < 0 ? null : Buffer.from(buffer, pos, keyEnd - pos), value });
        bytes += end - valueStart;
        pos = end;
      }
      chunk.next = next;
      chunk.pos = pos;
      if (next === chunk.count) {
        this.chunks.shift();
        // Counts go up one at a time, so the worker's mark is met exactly once.
        if (Atomics.add(this.control, CONSUMED, 1) + 1 === Atomics.load(this.control, WAKE_AT)) Atomics.notify(this.control, CONSUMED);
      }
    }
    return { events, bytes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
