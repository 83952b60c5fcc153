import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError, ConfigError } from '../errors.js';
import type { ProgressSink } from '../progress.js';

/** Output of a finished command, kept for error messages. */
interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a fetch tool (mvn, pip) to completion, keeping the tail of its output. */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20 * 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new ConfigError(`unable to run ${command}: not found on PATH`, {
            hint: `install ${command} (streamctl dev fetches the platform with it once)`,
            cause: err,
          }),
        );
      } else reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function dirSize(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(dir, name);
    try {
      const st = statSync(p);
      total += st.isDirectory() ? dirSize(p) : st.size;
    } catch {
      // a file moved while we looked: skip it
    }
  }
  return total;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(0)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const COMPLETE_MARKER = '.streamctl-complete';

export function isComplete(dir: string): boolean {
  return existsSync(join(dir, COMPLETE_MARKER));
}

/**
 * Fills `dest` exactly once: `fill` works in a scratch folder beside it, which
 * is renamed into place only when everything arrived, so an interrupted fetch
 * never leaves a half-filled cache entry that a later run would trust.
 * While it runs, the scratch folder's size is reported as progress.
 */
export async function fetchOnce(
  dest: string,
  task: string,
  progress: ProgressSink,
  fill: (scratch: string) => Promise<void>,
): Promise<void> {
  if (isComplete(dest)) return;
  const scratch = `${dest}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  progress({ task, state: 'start', detail: 'downloading' });
  const timer = setInterval(() => progress({ task, state: 'update', detail: formatBytes(dirSize(scratch)) }), 500);
  try {
    await fill(scratch);
    writeFileSync(join(scratch, COMPLETE_MARKER), new Date().toISOString() + '\n');
    rmSync(dest, { recursive: true, force: true });
    renameSync(scratch, dest);
    progress({ task, state: 'done', detail: formatBytes(dirSize(dest)) });
  } catch (err) {
    progress({ task, state: 'fail' });
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  } finally {
    clearInterval(timer);
  }
}

function failedFetch(what: string, tool: string, result: RunResult): ConnectionError {
  const lines = result.output.split('\n').filter((l) => /ERROR|error|Could not|No matching|not found/i.test(l));
  const reason = (lines[0] ?? result.output.trim().split('\n').pop() ?? 'no output').replace(/^\[ERROR\]\s*/, '').slice(0, 300);
  return new ConnectionError(`unable to fetch ${what} with ${tool}: ${reason}`, {
    hint: 'check network access to the package registry (Maven Central / PyPI) and retry `streamctl dev up`',
  });
}

/** `mvn dependency:copy-dependencies` on a generated pom: an artifact with its runtime dependencies. */
export async function mavenCopyDependencies(what: string, pomXml: string, outDir: string, workDir: string): Promise<void> {
  const pom = join(workDir, 'pom.xml');
  writeFileSync(pom, pomXml);
  const result = await runTool('mvn', [
    '-B',
    '-q',
    '-f',
    pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outDir}`,
  ]);
  rmSync(pom, { force: true });
  if (result.code !== 0) throw failedFetch(what, 'mvn', result);
}

/** `mvn dependency:copy` of single artifacts (no transitive dependencies). */
export async function mavenCopy(what: string, coordinates: string[], outDir: string): Promise<void> {
  for (const artifact of coordinates) {
    const result = await runTool('mvn', [
      '-B',
      '-q',
      'dependency:copy',
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${outDir}`,
      '-Dmdep.overWriteReleases=true',
    ]);
    if (result.code !== 0) throw failedFetch(`${what} (${artifact})`, 'mvn', result);
  }
}

/** `pip download` of one distribution file, without installing anything. */
export async function pipDownload(what: string, args: string[], outDir: string): Promise<void> {
  const python = process.env.STREAMCTL_PYTHON ?? 'python3';
  const result = await runTool(python, ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '-q', '-d', outDir, ...args]);
  if (result.code !== 0) throw failedFetch(what, 'pip', result);
}
