import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlinkRestError, type FlinkRestApi } from '../flink/rest.js';
import { checkSavepointPath } from '../flink/savepoints.js';
import type { PipelineJobRecord } from './state.js';

/**
 * Where a stopped pipeline job can resume from. A projection without its state would
 * restart its sums from zero and overwrite the correct totals, so `up` never starts a job
 * from committed offsets alone: it resumes from the newest savepoint or retained checkpoint
 * of the job it last submitted, or, when there is none, rebuilds from the earliest offset.
 */
export interface RestorePoint {
  /** As Flink reports it (file:/…/chk-12, file:/…/savepoint-…). */
  path: string;
  kind: 'savepoint' | 'checkpoint';
  /** When it was taken (ms since epoch); the newest wins. */
  at: number;
  /** Where it was found. */
  source: 'pipeline down' | 'cluster' | 'checkpoint dir' | 'last start';
}

/** A restore point candidate is usable when it is there (paths on this machine are checked; others are trusted). */
function usable(path: string): boolean {
  return checkSavepointPath(path).exists !== false;
}

/** The local folder of a file: URI (or plain path) checkpoint directory; undefined for remote file systems. */
export function localDir(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  if (/^file:/i.test(uri)) {
    try {
      return fileURLToPath(uri.replace(/^file:\/(?!\/)/i, 'file:///'));
    } catch {
      return undefined;
    }
  }
  return /^[a-z][a-z0-9+.-]+:/i.test(uri) ? undefined : uri;
}

/** The newest `chk-N` with a `_metadata` under `<checkpointDir>/<jobId>/`, from the disk (when the JobManager forgot the job). */
export function newestCheckpointOnDisk(checkpointDir: string, jobId: string): RestorePoint | undefined {
  const dir = join(checkpointDir, jobId);
  if (!existsSync(dir)) return undefined;
  let best: { n: number; path: string; at: number } | undefined;
  for (const entry of readdirSync(dir)) {
    const m = /^chk-(\d+)$/.exec(entry);
    if (!m) continue;
    const metadata = join(dir, entry, '_metadata');
    if (!existsSync(metadata)) continue;
    const n = Number(m[1]);
    if (!best || n > best.n) best = { n, path: join(dir, entry), at: statSync(metadata).mtimeMs };
  }
  return best && { path: `file:${best.path}`, kind: 'checkpoint', at: best.at, source: 'checkpoint dir' };
}

/** The job's newest completed checkpoint and savepoint, as the JobManager knows them. */
async function fromCluster(rest: FlinkRestApi, jobId: string): Promise<RestorePoint[]> {
  try {
    const stats = await rest.checkpoints(jobId);
    const found: RestorePoint[] = [];
    const c = stats.latest.completed;
    if (c?.external_path)
      found.push({
        path: c.external_path,
        kind: c.is_savepoint ? 'savepoint' : 'checkpoint',
        at: c.latest_ack_timestamp,
        source: 'cluster',
      });
    const s = stats.latest.savepoint;
    if (s?.external_path) found.push({ path: s.external_path, kind: 'savepoint', at: s.latest_ack_timestamp, source: 'cluster' });
    return found;
  } catch (err) {
    // A JobManager that restarted has forgotten the job: the disk may still have its checkpoints.
    if (err instanceof FlinkRestError) return [];
    throw err;
  }
}

/**
 * The newest usable restore point for a job the pipeline submitted before: the savepoint
 * `pipeline down` took, the job's checkpoints (from the cluster, or from the checkpoint
 * directory when it is on this machine), or — if the job never completed a checkpoint of
 * its own — the point it had itself started from.
 */
export async function findRestorePoint(
  rest: FlinkRestApi,
  record: PipelineJobRecord | undefined,
  options: { checkpointDir?: string } = {},
): Promise<RestorePoint | undefined> {
  if (!record) return undefined;
  const candidates: RestorePoint[] = [];
  if (record.savepoint) {
    candidates.push({ path: record.savepoint.path, kind: 'savepoint', at: Date.parse(record.savepoint.takenAt), source: 'pipeline down' });
  }
  candidates.push(...(await fromCluster(rest, record.jobId)));
  const dir = localDir(options.checkpointDir);
  const onDisk = dir ? newestCheckpointOnDisk(dir, record.jobId) : undefined;
  if (onDisk) candidates.push(onDisk);
  if (record.restoredFrom) {
    // Older than anything the job itself took, so it only wins when the job took nothing.
    candidates.push({
      path: record.restoredFrom,
      kind: /savepoint-/.test(record.restoredFrom) ? 'savepoint' : 'checkpoint',
      at: Date.parse(record.submittedAt) - 1,
      source: 'last start',
    });
  }
  return candidates.filter((c) => usable(c.path)).sort((a, b) => b.at - a.at)[0];
}
