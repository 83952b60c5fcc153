import { InvalidArgumentError } from 'commander';
import { parseDurationOption } from '../../config/duration.js';
import { resolveEndpoints } from '../../config/endpoints.js';
import { UsageError } from '../../errors.js';
import type { FlinkDeps } from '../../flink/deps.js';
import { SqlGatewayClient } from '../../flink/gateway.js';
import { resolveJob } from '../../flink/jobs.js';
import { FlinkRestClient, type JobOverview } from '../../flink/rest.js';
import { SubmissionStore, submissionsFile } from '../../flink/submissions.js';
import type { Io } from '../../io.js';
import { loadConfig } from '../shared.js';

/**
 * The JobManager, the SQL Gateway and the submissions record, from
 * configuration. `changes`: the command changes the cluster (submit, stop,
 * cancel, upgrade), which a read-only context refuses.
 */
export function flinkDeps(io: Io, options: { changes?: string } = {}): FlinkDeps {
  const config = loadConfig(io);
  if (options.changes && config.readOnly) {
    throw new UsageError(`refusing to ${options.changes}: context ${config.context.name} is read-only`, {
      hint: 'use a context that allows changes (`--context <name>`)',
    });
  }
  const endpoints = resolveEndpoints(config);
  const timeoutMs = endpoints.timeoutMs ?? config.timeoutMs;
  return {
    rest: new FlinkRestClient({ url: endpoints.flink.url, timeoutMs }),
    gateway: new SqlGatewayClient({ url: endpoints.sqlGateway.url, timeoutMs }),
    store: new SubmissionStore(submissionsFile(config, io.env)),
    cwd: io.cwd,
  };
}

/** A job from what the user typed: full id, unique id prefix (4+) or exact name. */
export function findJob(deps: FlinkDeps, ref: string): Promise<JobOverview> {
  return resolveJob(deps.rest, ref);
}

/** For --timeout, --grace: 30s, 5m, 1m30s, 500ms. */
export function durationOption(name: string) {
  return (value: string): number => {
    try {
      return parseDurationOption(value, name);
    } catch (err) {
      throw new InvalidArgumentError(`${(err as Error).message}; use e.g. 30s, 5m, 1m30s`);
    }
  };
}

export function positiveIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

export const JOB_ARGUMENT_HELP = 'job id, unique id prefix (4+ characters) or exact job name';
