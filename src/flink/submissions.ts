import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config/index.js';
import { ConfigError, describeCause } from '../errors.js';

/**
 * What streamctl submitted, keyed by job id, so `flink upgrade` can roll back
 * to the exact old version: the SQL text itself (the file may have changed
 * since), or a copy of the jar kept by content hash (a rebuilt jar usually
 * lands on the same path).
 */
export interface SubmissionRecord {
  jobId: string;
  kind: 'sql' | 'jar';
  /** Absolute path of the file as submitted. */
  file: string;
  /** SQL jobs: the file's text at submission. */
  sql?: string;
  /** Jar jobs: where the copy is kept and its SHA-256. */
  jar?: { copy: string; sha256: string };
  entryClass?: string;
  args?: string[];
  parallelism?: number;
  name?: string;
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
  /** The job this one replaced (`flink upgrade`), or rolled back from. */
  upgradedFrom?: string;
  submittedAt: string;
}

export interface SubmissionStoreApi {
  get(jobId: string): SubmissionRecord | undefined;
  put(record: SubmissionRecord): void;
  /** Keeps a copy of a jar for later rollbacks; returns where and its hash. */
  keepJar(path: string): { copy: string; sha256: string };
}

/** Records kept; older ones (and jar copies only they used) are dropped. */
const MAX_RECORDS = 200;

interface StoreFile {
  version: 1;
  submissions: Record<string, SubmissionRecord>;
}

/**
 * The local platform's submissions live in its home (they die with its jobs
 * on `dev down --purge`); a configured cluster's in $XDG_STATE_HOME/streamctl.
 */
export function submissionsFile(config: Config, env: NodeJS.ProcessEnv): string {
  if (!config.flink.url) return join(config.dev.home, 'flink-submissions.json');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'streamctl', 'flink-submissions.json');
}

export class SubmissionStore implements SubmissionStoreApi {
  constructor(readonly file: string) {}

  private get jarDir(): string {
    return join(dirname(this.file), 'flink-jars');
  }

  private read(): StoreFile {
    if (!existsSync(this.file)) return { version: 1, submissions: {} };
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as StoreFile;
      return data && typeof data.submissions === 'object' ? data : { version: 1, submissions: {} };
    } catch (err) {
      throw new ConfigError(`unable to read ${this.file}: ${describeCause(err)}`, {
        hint: 'the file records what streamctl submitted to Flink; fix or delete it',
        cause: err,
      });
    }
  }

  get(jobId: string): SubmissionRecord | undefined {
    return this.read().submissions[jobId];
  }

  put(record: SubmissionRecord): void {
    // Read just before writing and rename into place: two streamctl runs at once lose nothing but a race.
    const data = this.read();
    data.submissions[record.jobId] = record;
    const ids = Object.keys(data.submissions).sort((a, b) =>
      data.submissions[a]!.submittedAt.localeCompare(data.submissions[b]!.submittedAt),
    );
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_RECORDS))) delete data.submissions[id];
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
    renameSync(tmp, this.file);
    this.pruneJars(data);
  }

  keepJar(path: string): { copy: string; sha256: string } {
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    const copy = join(this.jarDir, `${sha256}.jar`);
    if (!existsSync(copy)) {
      mkdirSync(this.jarDir, { recursive: true });
      const tmp = `${copy}.${process.pid}.tmp`;
      copyFileSync(path, tmp);
      renameSync(tmp, copy);
    }
    return { copy, sha256 };
  }

  private pruneJars(data: StoreFile): void {
    if (!existsSync(this.jarDir)) return;
    const used = new Set(Object.values(data.submissions).flatMap((r) => (r.jar ? [r.jar.copy] : [])));
    // A fresh copy may belong to a submission still in flight in another streamctl run.
    const cutoff = Date.now() - 60 * 60_000;
    for (const f of readdirSync(this.jarDir)) {
      const p = join(this.jarDir, f);
      if (f.endsWith('.jar') && !used.has(p) && statSync(p).mtimeMs < cutoff) rmSync(p, { force: true });
    }
  }
}
