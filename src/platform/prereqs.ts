import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export interface Java {
  /** Path of the `java` binary. */
  bin: string;
  major: number;
}

/** Folders where JDKs are commonly installed, searched when the first choice is too old. */
const DEFAULT_JDK_ROOTS = ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines', '/opt/java'];

function probeJava(bin: string, env: NodeJS.ProcessEnv): number | undefined {
  try {
    const r = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 15_000, env });
    if (r.error) return undefined;
    return parseJavaVersion(`${r.stderr}${r.stdout}`);
  } catch {
    return undefined;
  }
}

export function parseJavaVersion(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * Finds a Java of at least `minMajor`: JAVA_HOME, then `java` on PATH, then
 * the JDKs installed side by side (Debian's /usr/lib/jvm, macOS's
 * JavaVirtualMachines). Kafka 4 and Flink 2 need 17; Apicurio 3.3 needs 21.
 */
export function findJava(minMajor = 17, env: NodeJS.ProcessEnv = process.env): Java {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(join(env.JAVA_HOME, 'bin', 'java'));
  candidates.push('java');
  // STREAMCTL_JDK_ROOTS (colon-separated) replaces the folders searched; empty searches none.
  const roots = env.STREAMCTL_JDK_ROOTS !== undefined ? env.STREAMCTL_JDK_ROOTS.split(':').filter(Boolean) : DEFAULT_JDK_ROOTS;
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root).sort().reverse()) {
      for (const rel of ['bin/java', 'Contents/Home/bin/java']) {
        const bin = join(root, d, rel);
        if (existsSync(bin)) candidates.push(bin);
      }
    }
  }
  let best: Java | undefined;
  for (const bin of candidates) {
    const major = probeJava(bin, env);
    if (major === undefined) continue;
    if (major >= minMajor) return { bin, major };
    if (!best || major > best.major) best = { bin, major };
  }
  if (!best) {
    throw new ConfigError('unable to start the platform: java not found', {
      hint: `install a Java ${minMajor}+ runtime (e.g. apt-get install openjdk-${minMajor === 17 ? 17 : 21}-jre-headless) or set JAVA_HOME`,
    });
  }
  throw new ConfigError(
    `unable to start the platform: it needs Java ${minMajor}+, and the newest found is Java ${best.major} (${best.bin})`,
    {
      hint: `install a Java ${minMajor}+ runtime or point JAVA_HOME at one`,
    },
  );
}

/**
 * Finds the PostgreSQL server binaries: STREAMCTL_PG_BIN, then Debian's
 * /usr/lib/postgresql/<newest>/bin, then `postgres` on PATH.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STREAMCTL_PG_BIN) {
    if (!existsSync(join(env.STREAMCTL_PG_BIN, 'postgres'))) {
      throw new ConfigError(`no postgres binary in STREAMCTL_PG_BIN=${env.STREAMCTL_PG_BIN}`, {
        hint: 'point it at the folder holding postgres and initdb',
      });
    }
    return env.STREAMCTL_PG_BIN;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new ConfigError('unable to start the platform: PostgreSQL server binaries not found', {
    hint: 'install them (apt-get install postgresql) or set STREAMCTL_PG_BIN to the folder holding postgres and initdb',
  });
}
