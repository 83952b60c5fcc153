import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import type { DevConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { Layout } from './layout.js';

/** Service ids of a platform with `brokers` brokers, in start order. */
export function serviceIds(brokers: number): string[] {
  return [
    'postgres',
    ...Array.from({ length: brokers }, (_, i) => `kafka-${i + 1}`),
    'registry',
    'flink-jobmanager',
    'flink-taskmanager',
    'sql-gateway',
  ];
}

const ALIASES: Record<string, string> = {
  kafka: 'kafka-1',
  flink: 'flink-jobmanager',
  jobmanager: 'flink-jobmanager',
  taskmanager: 'flink-taskmanager',
  gateway: 'sql-gateway',
  'schema-registry': 'registry',
};

/** The last `lines` lines of a service's log (read from the end, so huge logs stay cheap). */
export function readLogTail(dev: DevConfig, service: string, lines: number): { file: string; text: string } {
  const id = ALIASES[service] ?? service;
  if (!serviceIds(3).includes(id)) {
    throw new UsageError(`unknown service "${service}"`, { hint: `use one of: ${serviceIds(3).join(', ')}` });
  }
  const file = new Layout(dev.home, dev.cacheDir).logFile(id);
  if (!existsSync(file)) {
    throw new UsageError(`no log for ${id} yet (${file})`, { hint: 'start the platform with `streamctl dev up`' });
  }
  return { file, text: tail(file, lines) };
}

export function tail(file: string, lines: number): string {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const chunk = 64 * 1024;
    let pos = size;
    let text = '';
    while (pos > 0) {
      const len = Math.min(chunk, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, pos);
      text = buf.toString('utf8') + text;
      // lines+1 newlines guarantee `lines` complete lines
      if (text.split('\n').length > lines + 1) break;
    }
    const all = text.split('\n');
    if (all[all.length - 1] === '') all.pop();
    const out = all.slice(-lines).join('\n');
    return out.length > 0 ? out + '\n' : '';
  } finally {
    closeSync(fd);
  }
}

/** Streams lines appended to `file` until the process is interrupted. */
export function followLog(file: string, write: (chunk: string) => void): Promise<never> {
  let pos = statSync(file).size;
  const readNew = () => {
    const size = statSync(file).size;
    if (size < pos) pos = 0; // truncated or rotated: start over
    if (size === pos) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - pos);
      readSync(fd, buf, 0, buf.length, pos);
      pos = size;
      write(buf.toString('utf8'));
    } finally {
      closeSync(fd);
    }
  };
  return new Promise<never>(() => {
    watch(file, readNew);
    // watch() can miss events on some filesystems; a slow poll backs it up.
    setInterval(readNew, 1000);
  });
}
