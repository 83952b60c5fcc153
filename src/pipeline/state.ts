import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config/index.js';
import { ConfigError, describeCause } from '../errors.js';

/**
 * What the pipeline remembers between commands: for each of its jobs, the Flink job it last
 * submitted, what that job started from, and the savepoint `pipeline down` took. That is how
 * `up` finds the state to resume a job from after the job (or the whole cluster) stopped.
 */
export interface PipelineJobRecord {
  jobId: string;
  submittedAt: string;
  /** The savepoint or checkpoint the job was started from; null for a fresh start (a rebuild). */
  restoredFrom: string | null;
  /** Taken by `pipeline down` when it stopped the job. */
  savepoint?: { path: string; takenAt: string };
}

interface StateFile {
  version: 1;
  /** Keyed by `<Flink REST URL> <job name>`: one file may serve several clusters. */
  jobs: Record<string, PipelineJobRecord>;
}

/** The local platform's record lives in its home (gone with `dev down --purge`, like its checkpoints); a configured cluster's in $XDG_STATE_HOME. */
export function pipelineStateFile(config: Config, env: NodeJS.ProcessEnv): string {
  if (!config.flink.url) return join(config.dev.home, 'pipeline.json');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'streamctl', 'pipeline.json');
}

export class PipelineStateStore {
  constructor(
    readonly file: string,
    private readonly flinkUrl: string,
  ) {}

  private key(jobName: string): string {
    return `${this.flinkUrl} ${jobName}`;
  }

  private read(): StateFile {
    if (!existsSync(this.file)) return { version: 1, jobs: {} };
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
      return data && typeof data.jobs === 'object' ? data : { version: 1, jobs: {} };
    } catch (err) {
      throw new ConfigError(`unable to read ${this.file}: ${describeCause(err)}`, {
        hint: 'it records the pipeline jobs streamctl submitted; fix or delete it (`pipeline up` then starts jobs without state)',
        cause: err,
      });
    }
  }

  get(jobName: string): PipelineJobRecord | undefined {
    return this.read().jobs[this.key(jobName)];
  }

  /** Sets (or with undefined, forgets) a job's record; read-modify-rename so a concurrent reader never sees half a file. */
  set(jobName: string, record: PipelineJobRecord | undefined): void {
    const data = this.read();
    if (record) data.jobs[this.key(jobName)] = record;
    else delete data.jobs[this.key(jobName)];
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}
