import { InvalidArgumentError, type Command } from 'commander';
import { resolveConfig, type Config, type DeepPartial } from '../config/index.js';
export { assertWritable } from '../config/index.js';
import type { Io } from '../io.js';
import { createProgressRenderer } from '../output/progress.js';
import { print, type OutputFormat, type Printable } from '../output/printer.js';
import type { ProgressSink } from '../progress.js';

/** Options every command inherits from the program. */
export interface GlobalOptions {
  output: OutputFormat;
  verbose: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** The configuration for this run: files, environment, flags, and the context --context names. */
export function loadConfig(io: Io, flags?: DeepPartial<Config>): Config {
  const context = io.configFlags?.context;
  return resolveConfig({ env: io.env, cwd: io.cwd, ...(flags ? { flags } : {}), ...(context !== undefined ? { context } : {}) });
}

export function printResult<T>(io: Io, cmd: Command, result: Printable<T>): void {
  print(io.stdout, result, globals(cmd).output, io.env);
}

/**
 * Progress goes to stderr so stdout stays clean for `-o json`; it runs the
 * callback and always closes the renderer (stops the spinner).
 */
export async function withProgress<T>(io: Io, fn: (progress: ProgressSink) => Promise<T>): Promise<T> {
  const renderer = createProgressRenderer(io.stderr, io.env);
  try {
    return await fn(renderer);
  } finally {
    renderer.close();
  }
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
    return n;
  };
}
