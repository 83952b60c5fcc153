/**
 * The produce worker thread (dist/produce-worker.js): generates and encodes chunks of events
 * for WorkerSource, staying at most `prefetchChunks` ahead of the main thread. See
 * worker-source.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventEncoder, SLAB_BYTES, generatedEvents, serializeError } from './source.js';
import { CONSUMED, PARKED, WAKE_AT, type WorkerInit, type WorkerMessage } from './worker-source.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const control = new Int32Array(init.control);
const encoder = new EventEncoder(init.streams, init.format);
const events = generatedEvents(init);

let slabBytes = SLAB_BYTES;
// An event that did not fit the last chunk's slab: it opens the next chunk.
let carried: { stream: number; value: unknown } | undefined;

// Chunks still unused when the worker is woken to refill: fewer than prefetchChunks, so
// each refill starts below the bound.
const lowWater = Math.floor(init.prefetchChunks / 2);
let made = 0;
for (;;) {
  if (made - Atomics.load(control, CONSUMED) >= init.prefetchChunks) {
    // Asleep until the main thread is down to lowWater chunks; it wakes us when it gets there.
    const wakeAt = made - lowWater;
    Atomics.store(control, WAKE_AT, wakeAt);
    for (let consumed = Atomics.load(control, CONSUMED); consumed < wakeAt; consumed = Atomics.load(control, CONSUMED)) {
      Atomics.wait(control, CONSUMED, consumed);
    }
  }
  if (!makeChunk()) break;
  made++;
}
// After a failure, stay blocked until the main thread terminates the worker: exiting could
// race the error message to the main thread.
Atomics.wait(control, PARKED, 0);

/** Makes and posts one chunk; false when generation failed (the error is posted after the events before it). */
function makeChunk(): boolean {
  // Each chunk gets a buffer of its own: it is transferred, not copied, to the main thread.
  let buf = Buffer.allocUnsafeSlow(slabBytes);
  const index = new Int32Array(3 * init.chunkEvents);
  let count = 0;
  let pos = 0;
  try {
    while (count < init.chunkEvents) {
      const event = carried ?? events.next();
      carried = undefined;
      let end = encoder.write(buf, pos, event.stream, event.value);
      if (end < 0 && count > 0) {
        carried = event;
        break;
      }
      while (end < 0) {
        buf = Buffer.allocUnsafeSlow(Math.max(slabBytes, -end));
        end = encoder.write(buf, 0, event.stream, event.value);
      }
      index[3 * count] = event.stream;
      index[3 * count + 1] = encoder.keyEnd;
      index[3 * count + 2] = end;
      pos = end;
      count++;
    }
  } catch (err) {
    if (count > 0) post(buf, index, count);
    port.postMessage({ type: 'error', error: serializeError(err) } satisfies WorkerMessage);
    return false;
  }
  // Size the next slab for a whole chunk of events like these, with some room to spare.
  slabBytes = Math.max(16 * 1024, Math.ceil(((pos / count) * init.chunkEvents * 5) / 4) + 1024);
  post(buf, index, count);
  return true;
}

function post(buf: Buffer, index: Int32Array, count: number): void {
  const message: WorkerMessage = { type: 'chunk', buffer: buf.buffer as ArrayBuffer, index, count };
  port.postMessage(message, [message.buffer, index.buffer as ArrayBuffer]);
}
