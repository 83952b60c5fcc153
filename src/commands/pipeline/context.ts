import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolveEndpoints } from '../../config/endpoints.js';
import { durationMs } from '../../config/duration.js';
import type { Io } from '../../io.js';
import { kafkaFromEndpoints } from '../../kafka/client.js';
import { jobsDirFor } from '../../pipeline/definition.js';
import type { PipelineDeps } from '../../pipeline/context.js';
import { postgresDb } from '../../pipeline/postgres.js';
import { PipelineStateStore, pipelineStateFile } from '../../pipeline/state.js';
import type { ProgressSink } from '../../progress.js';
import { registryFromEndpoints } from '../../registry/client.js';
import { flinkDeps } from '../flink/context.js';
import { loadConfig } from '../shared.js';

/**
 * The pipeline's clients, from the configuration (default: the local platform). Flink's come
 * from `streamctl flink`'s own setup, so submissions are recorded alike and a read-only
 * context refuses `changes`.
 */
export function pipelineDeps(io: Io, options: { progress?: ProgressSink; changes?: string } = {}): PipelineDeps {
  const { progress } = options;
  const config = loadConfig(io);
  const endpoints = resolveEndpoints(config);
  return {
    flink: { ...flinkDeps(io, options.changes ? { changes: options.changes } : {}), ...(progress ? { progress } : {}) },
    kafka: kafkaFromEndpoints(endpoints),
    registry: registryFromEndpoints(endpoints),
    db: postgresDb(endpoints.postgres.url, endpoints.timeoutMs !== undefined ? { timeoutMs: endpoints.timeoutMs } : {}),
    state: new PipelineStateStore(pipelineStateFile(config, io.env), endpoints.flink.url),
    endpoints: {
      kafkaBootstrap: endpoints.kafka.brokers.join(','),
      registryUrl: endpoints.registry.url,
      postgresUrl: endpoints.postgres.url,
    },
    jobsDir: jobsDirFor(io.cwd),
    cwd: io.cwd,
    ...(progress ? { progress } : {}),
  };
}

/** --suffix and --jobs, shared by every pipeline verb. */
export function withScopeOptions(cmd: Command): Command {
  return cmd
    .option('--suffix <tag>', 'a separate copy of the pipeline: topics, tables, jobs and groups get _<tag> appended (tests use it)')
    .option('--jobs <list>', 'only these jobs: analytics, positions, count-window (comma-separated)', (v: string) => v.split(','));
}

export function durationArg(name: string) {
  return (value: string): number => {
    const ms = durationMs(value);
    if (ms === undefined || ms < 0) throw new InvalidArgumentError(`${name} must be a duration such as 5s, 500ms or 2m`);
    return ms;
  };
}

/** A duration option whose help shows its default as people write it (5s), not in milliseconds. */
export function durationOption(flags: string, description: string, defaultMs: number, defaultText: string): Option {
  return new Option(flags, description).argParser(durationArg(flags.split(' ')[0]!)).default(defaultMs, defaultText);
}

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}
