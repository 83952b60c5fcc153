import { CommanderError } from 'commander';
import { createProgram } from './cli.js';
import { ExitCode, StreamctlError, describeCause } from './errors.js';
import { processIo, type Io } from './io.js';
import { colorEnabled, makeStyle } from './output/style.js';

/**
 * Runs streamctl and returns the exit code; never exits itself (bin/streamctl
 * does, in one place). Expected errors print one line plus an optional hint;
 * stacks and causes appear only with --verbose.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = createProgram(io);
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (err) {
    return reportError(err, io, verbose);
  }
}

export function reportError(err: unknown, io: Io, verbose: boolean): number {
  const style = makeStyle(colorEnabled(io.stderr, io.env));
  if (err instanceof CommanderError) {
    // Help and --version arrive here as "errors" with code 0; commander has already printed them.
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Ok;
    // Commander printed "error: …" itself; usage errors exit 2 by our convention.
    return ExitCode.Usage;
  }
  if (err instanceof StreamctlError) {
    io.stderr.write(`${style.red('error:')} ${err.message}\n`);
    if (err.hint) io.stderr.write(`${style.dim('hint:')} ${err.hint}\n`);
    if (verbose) writeCauseChain(err, io);
    return err.exitCode;
  }
  // Anything else is a bug in streamctl, not the user's input: say so, keep it to one line unless verbose.
  io.stderr.write(`${style.red('error:')} unexpected failure: ${describeCause(err)}\n`);
  if (verbose) writeCauseChain(err, io);
  else io.stderr.write(`${style.dim('hint:')} run again with --verbose for details, and report it if it persists\n`);
  return ExitCode.CheckFailed;
}

function writeCauseChain(err: unknown, io: Io): void {
  let current: unknown = err;
  let depth = 0;
  while (current !== undefined && depth < 5) {
    if (current instanceof Error) {
      io.stderr.write(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}\n`);
      current = current.cause;
    } else {
      io.stderr.write(`caused by: ${String(current)}\n`);
      current = undefined;
    }
    depth++;
  }
}
