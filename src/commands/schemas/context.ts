import { InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findProjectFile, type Config } from '../../config/index.js';
import { resolveEndpoints } from '../../config/endpoints.js';
import { ConfigError } from '../../errors.js';
import type { Io } from '../../io.js';
import { registryFromEndpoints, type RegistryClient } from '../../registry/client.js';
import { nodeFs, type SchemaDeps } from '../../schemas/check-run.js';
import { parseCompatibilityLevel, type CompatibilityLevel } from '../../schemas/compat.js';
import { createGitReader } from '../../schemas/git.js';
import { DEFAULT_CONCURRENCY } from '../../schemas/limit.js';
import { loadConfig } from '../shared.js';

/** What every schemas verb starts from: the config, where the project is, and the registry, git and files. */
export interface SchemasContext {
  config: Config;
  /** The folder of streamctl.yaml; without one, the git root, else the working directory. */
  projectDir: string;
  deps: SchemaDeps;
}

export function schemasContext(io: Io): SchemasContext {
  const config = loadConfig(io);
  const projectFile = findProjectFile(io.cwd);
  const { concurrency, cacheSchemas } = tuning(io.env);
  let registry: RegistryClient | undefined;
  const deps: SchemaDeps = {
    // Built when first used, so an offline check (git, a file) never needs the registry's URL or password.
    // Basic auth comes from the config or from user:password@ in the URL; neither is ever printed.
    get registry(): RegistryClient {
      return (registry ??= registryFromEndpoints(resolveEndpoints(config), { concurrency }));
    },
    git: createGitReader(),
    ...nodeFs,
    cwd: io.cwd,
    concurrency,
    cacheSchemas,
  };
  return { config, projectDir: projectFile ? dirname(projectFile) : (gitRoot(io.cwd) ?? io.cwd), deps };
}

/** So `schemas check` finds schemas/ from any folder of a checkout, as the project file is found. */
function gitRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Two knobs for measuring, not for everyday use: STREAMCTL_REGISTRY_CONCURRENCY
 * (requests and subjects in flight, default 16; 1 is one at a time) and
 * STREAMCTL_SCHEMA_CACHE=off (parse registered schemas once per version
 * rather than once per id). bench/schemas.ts compares them.
 */
function tuning(env: NodeJS.ProcessEnv): { concurrency: number; cacheSchemas: boolean } {
  const raw = env.STREAMCTL_REGISTRY_CONCURRENCY?.trim();
  let concurrency = DEFAULT_CONCURRENCY;
  if (raw) {
    concurrency = Number(raw);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new ConfigError(`invalid STREAMCTL_REGISTRY_CONCURRENCY "${raw}"`, { hint: 'a whole number of at least 1, e.g. 16' });
    }
  }
  const cache = env.STREAMCTL_SCHEMA_CACHE?.trim().toLowerCase();
  return { concurrency, cacheSchemas: !(cache === '0' || cache === 'off' || cache === 'false' || cache === 'no') };
}

/** For --level: any case, dashes or underscores. */
export function levelOption(value: string): CompatibilityLevel {
  try {
    return parseCompatibilityLevel(value);
  } catch (err) {
    throw new InvalidArgumentError(
      `${(err as Error).message}; use one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE`,
    );
  }
}

/** For --schema-version: a registry version is a positive integer. */
export function versionOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a schema version is a positive integer');
  return n;
}
