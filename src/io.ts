import type { Writable } from './output/printer.js';

/** Where a command reads a person's answers from (confirmations). */
export interface Readable {
  isTTY?: boolean;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause?(): unknown;
  resume?(): unknown;
}

/** The process's streams and environment, passed in so tests can capture them. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where confirmations are read from. Default: none (nothing can be confirmed interactively). */
  stdin?: Readable;
  /** Global flags that shape the configuration (--context), set by the CLI before an action runs. */
  configFlags?: { context?: string };
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}
