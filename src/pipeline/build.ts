import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ProgressSink } from '../progress.js';

/**
 * Jar jobs are built from source with Maven, on demand: when the jar is missing or older
 * than anything it is built from (pom.xml, src/, and the files the pom pulls in).
 */

export type JarFreshness = 'missing' | 'stale' | 'fresh';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether `jar` needs building from `inputs` (files or folders, walked recursively). */
export function jarFreshness(jar: string, inputs: string[]): JarFreshness {
  if (!existsSync(jar)) return 'missing';
  const built = statSync(jar).mtimeMs;
  return inputs.some((i) => newestMtime(i) > built) ? 'stale' : 'fresh';
}

export interface MavenRun {
  code: number;
  /** stdout and stderr together, for the error message. */
  output: string;
}

export type MavenRunner = (projectDir: string) => Promise<MavenRun>;

/** `mvn -q -B package` in the project folder. */
export const runMaven: MavenRunner = (projectDir) =>
  new Promise((resolve, reject) => {
    const child = spawn('mvn', ['-q', '-B', '-Dstyle.color=never', '-DskipTests', 'package'], {
      cwd: projectDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new ConfigError(`unable to build ${projectDir}: Maven (mvn) is not installed`, {
            hint: 'install Maven 3.8+ and a JDK 17 (Debian: apt-get install maven), or build the jar elsewhere and copy it to target/',
          }),
        );
      } else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });

export interface JarBuildResult {
  jar: string;
  /** Built now, and why; or already fresh. */
  action: 'built' | 'fresh';
  reason?: 'missing' | 'stale';
  durationMs?: number;
}

/** Builds the jar of a Maven project when it is missing or stale; returns where it is. */
export async function ensureJar(
  projectDir: string,
  jarRelative: string,
  options: { extraInputs?: string[]; maven?: MavenRunner; progress?: ProgressSink; now?: () => number } = {},
): Promise<JarBuildResult> {
  const jar = join(projectDir, jarRelative);
  const inputs = [join(projectDir, 'pom.xml'), join(projectDir, 'src'), ...(options.extraInputs ?? [])];
  const freshness = jarFreshness(jar, inputs);
  if (freshness === 'fresh') return { jar, action: 'fresh' };
  const now = options.now ?? Date.now;
  const task = `build ${jarRelative}`;
  options.progress?.({
    task,
    state: 'start',
    detail: freshness === 'missing' ? 'mvn package (first build fetches from Maven Central)' : 'mvn package',
  });
  const started = now();
  const run = await (options.maven ?? runMaven)(projectDir);
  if (run.code !== 0 || !existsSync(jar)) {
    options.progress?.({ task, state: 'fail' });
    const tail = run.output.trim().split('\n').slice(-15).join('\n');
    throw new ConfigError(`unable to build ${jar}: mvn package exited ${run.code}${tail ? `:\n${tail}` : ''}`, {
      hint: `run \`mvn -B package\` in ${projectDir} to see the whole build output`,
    });
  }
  const durationMs = now() - started;
  options.progress?.({ task, state: 'done', detail: `${(durationMs / 1000).toFixed(1)}s` });
  return { jar, action: 'built', reason: freshness, durationMs };
}
