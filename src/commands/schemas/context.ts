import { InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findProjectFile, type Config } from '../../config/index.js';
import { resolveEndpoints } from '../../config/endpoints.js';
import { ConfigError } from '../../errors.js';
import type { Io } from '../../io.js';
import { RegistryClient } from '../../registry/client.js';
import { nodeFs, type SchemaDeps } from '../../schemas/check-run.js';
import { parseCompatibilityLevel, type CompatibilityLevel } from '../../schemas/compat.js';
import { createGitReader } from '../../schemas/git.js';
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
  const url = resolveEndpoints(config).registry.url;
  return {
    config,
    projectDir: projectFile ? dirname(projectFile) : (gitRoot(io.cwd) ?? io.cwd),
    deps: { registry: registryClient(url), git: createGitReader(), ...nodeFs, cwd: io.cwd },
  };
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

/** fetch refuses URLs that carry credentials, so user:password@ in the URL becomes basic auth. */
function registryClient(url: string): RegistryClient {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`invalid schema registry URL "${url}"`, {
      hint: 'set registry.url or STREAMCTL_REGISTRY_URL to e.g. http://localhost:8081',
    });
  }
  if (!parsed.username && !parsed.password) return new RegistryClient({ url });
  const auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return new RegistryClient({ url: parsed.toString(), auth });
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
