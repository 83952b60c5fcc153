import { UsageError } from '../errors.js';
import type { Io } from '../io.js';

/** Whether a person is there to answer: stdin and stderr are terminals. */
export function interactive(io: Io): boolean {
  return io.stdin?.isTTY === true && io.stderr.isTTY === true;
}

/**
 * Asks a yes/no question on stderr and reads one line from stdin; only "y"
 * or "yes" is a yes.
 */
export function ask(io: Io, question: string): Promise<boolean> {
  const stdin = io.stdin;
  if (!stdin) return Promise.resolve(false);
  io.stderr.write(`${question} [y/N] `);
  return new Promise((resolve) => {
    let buffer = '';
    const done = (answer: boolean) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause?.();
      resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) done(/^\s*y(es)?\s*$/i.test(buffer.slice(0, nl)));
    };
    const onEnd = () => done(/^\s*y(es)?\s*$/i.test(buffer));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume?.();
  });
}

/**
 * Gets a person's go-ahead for something destructive: `yes` (from --yes)
 * skips the question; on a terminal the question is asked; elsewhere
 * (scripts, CI) it refuses with exit 2 and says to pass --yes.
 */
export async function confirmOrRefuse(io: Io, question: string, opts: { yes?: boolean; what: string }): Promise<void> {
  if (opts.yes) return;
  if (!interactive(io)) {
    throw new UsageError(`refusing to ${opts.what} without confirmation: not a terminal`, {
      hint: 'pass --yes to confirm in scripts',
    });
  }
  if (!(await ask(io, question))) throw new UsageError(`${opts.what}: cancelled`, { hint: 'nothing was changed' });
}
