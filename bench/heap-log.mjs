// Preloaded into `streamctl top` by bench:top (node --expose-gc --import): appends the
// process's JS heap in use and RSS to $BENCH_HEAP_LOG every 10 s, and once a minute the live
// heap — heap in use right after a full GC — which is what grows when something leaks. Heap in
// use between collections is a sawtooth of garbage waiting for the next major GC, which may not
// come for many minutes; a full GC a minute costs a few tens of ms. Not part of streamctl.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { setInterval } from 'node:timers';

const file = process.env.BENCH_HEAP_LOG;
if (file) {
  const started = Date.now();
  let ticks = 0;
  setInterval(() => {
    const m = process.memoryUsage();
    appendFileSync(file, `${Date.now() - started} ${m.heapUsed} ${m.rss}\n`);
    if (++ticks % 6 === 0 && typeof globalThis.gc === 'function') {
      globalThis.gc();
      appendFileSync(file, `${Date.now() - started} live ${process.memoryUsage().heapUsed}\n`);
    }
  }, 10_000).unref();
}
