import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../src/config/index.js';
import { platformStatus, type StatusResult } from '../../src/platform/platform.js';

export const BIN = fileURLToPath(new URL('../../bin/streamctl', import.meta.url));

/** The running local platform the integration tier talks to (started by scripts/test.sh). */
export async function runningPlatform(): Promise<StatusResult> {
  const status = await platformStatus(resolveConfig().dev);
  const down = (['kafka', 'registry', 'flink', 'sqlGateway', 'postgres'] as const).filter((g) => !status[g].healthy);
  if (down.length > 0) throw new Error(`the local platform is not healthy (${down.join(', ')}): run \`streamctl dev up\` first`);
  return status;
}

/** A name no other test (or earlier run) uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real binary, as a user would; `cwd` defaults to the test process's. */
export function cli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function run(command: string, args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
