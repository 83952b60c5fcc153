import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { UsageError, describeCause } from '../errors.js';

/** What `schemas check --against git:<rev>` needs of git. */
export interface GitReader {
  /** The file's text at `rev`, or undefined when the file doesn't exist at that revision. `file` is an absolute path. */
  show(rev: string, file: string): Promise<string | undefined>;
}

export interface GitOptions {
  /** Per git call. Default: 15 s; a hung git (a credential prompt, a huge repo) must not hang a check. */
  timeoutMs?: number;
  /** The git executable. Default: "git". */
  git?: string;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException & { killed?: boolean };
}

function run(git: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      git,
      args,
      // No pager, no prompts: a check runs unattended.
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        resolve({ code: typeof e.code === 'number' ? e.code : -1, stdout, stderr, error: e });
      },
    );
  });
}

/** Reads files at a revision with `git show <rev>:./<file>`, run in the file's folder so any checkout layout works. */
export function createGitReader(options: GitOptions = {}): GitReader {
  const git = options.git ?? 'git';
  const timeoutMs = options.timeoutMs ?? 15_000;
  const verified = new Map<string, Promise<void>>();

  const verify = (rev: string, cwd: string): Promise<void> => {
    const key = `${cwd}\0${rev}`;
    let p = verified.get(key);
    if (!p) {
      p = (async () => {
        const r = await run(git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], cwd, timeoutMs);
        if (r.code === 0) return;
        throw gitError(rev, r, timeoutMs);
      })();
      verified.set(key, p);
    }
    return p;
  };

  return {
    async show(rev, file) {
      const cwd = dirname(file);
      await verify(rev, cwd);
      const r = await run(git, ['show', `${rev}:./${basename(file)}`], cwd, timeoutMs);
      if (r.code === 0) return r.stdout;
      // "path 'x' does not exist in 'main'" / "exists on disk, but not in 'main'": new at that revision.
      if (/does not exist in|exists on disk, but not in/.test(r.stderr)) return undefined;
      throw gitError(rev, r, timeoutMs);
    },
  };
}

function gitError(rev: string, r: Run, timeoutMs: number): UsageError {
  const action = `read the schemas at git revision ${rev}`;
  if (r.error?.code === 'ENOENT') {
    return new UsageError(`unable to ${action}: git is not installed or not on PATH`, {
      hint: 'install git, or check against the registry',
    });
  }
  if (r.error?.killed) return new UsageError(`unable to ${action}: git did not answer within ${timeoutMs / 1000}s`);
  const stderr = r.stderr.trim().split('\n')[0] ?? '';
  if (/not a git repository/i.test(stderr)) {
    return new UsageError(`unable to ${action}: the schemas are not in a git repository`, {
      hint: 'run it inside a git checkout, or use --against registry',
    });
  }
  if (r.code === 1 && stderr === '') {
    // rev-parse --quiet fails silently on a revision it can't resolve.
    return new UsageError(`unable to ${action}: unknown revision "${rev}"`, {
      hint: 'use a branch, tag or commit that exists locally, e.g. git:main or git:HEAD~1 (fetch it first in a shallow CI checkout)',
    });
  }
  return new UsageError(`unable to ${action}: ${stderr || describeCause(r.error)}`);
}
