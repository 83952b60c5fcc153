import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface LaunchSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File that receives the process's stdout and stderr (appended). */
  logFile: string;
}

/**
 * Starts a long-running service detached from streamctl (its own process
 * group, stdio to its log file) so it outlives the `dev up` that started it.
 */
export async function launchDetached(spec: LaunchSpec): Promise<number> {
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    return pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * True when `pid` is alive and, where /proc exists, its command line contains
 * `marker` — a recorded PID that the OS has since reused for something else
 * must never be treated as (or killed as) our service.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else: not ours.
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (isZombie(pid)) return false;
    return cmdline.includes(marker);
  } catch {
    return true; // no /proc (macOS): trust the liveness check
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // state is the field after the parenthesised command name
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `signal` to the process (and its group, which holds any children),
 * waits up to `timeoutMs`, then SIGKILLs. Returns how it ended.
 */
export async function stopProcess(
  pid: number,
  marker: string,
  options: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<'not-running' | 'stopped' | 'killed'> {
  const signal = options.signal ?? 'SIGTERM';
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!isOurProcess(pid, marker)) return 'not-running';
  signalGroup(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return 'stopped';
    await sleep(200);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isOurProcess(pid, marker); i++) await sleep(100);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
