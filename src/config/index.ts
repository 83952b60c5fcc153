import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, describeCause } from '../errors.js';
import { DEFAULT_PORTS, type PortName } from '../platform/ports.js';

/**
 * streamctl's configuration, resolved in one place. Order (later wins):
 *
 *   1. built-in defaults (the local platform of `streamctl dev`)
 *   2. user file     $XDG_CONFIG_HOME/streamctl/config.yaml (~/.config/streamctl/config.yaml)
 *   3. project file  streamctl.yaml, searched from the working directory up to the git root
 *   4. environment   STREAMCTL_* variables (see ENV_KEYS)
 *   5. flags         passed by the command
 *
 * Unknown keys are errors that name the file they came from.
 */
export interface Config {
  /** Kafka cluster. Default: the local platform's brokers. */
  kafka: { brokers: string };
  /** Confluent-compatible Schema Registry base URL. Default: the local platform's registry. */
  registry: { url: string };
  /** Flink JobManager REST URL. Default: the local platform's. */
  flink: { url: string };
  /** Flink SQL Gateway URL. Default: the local platform's. */
  sqlGateway: { url: string };
  /** PostgreSQL connection URL. Default: the local platform's. */
  postgres: { url: string };
  schemas: SchemasConfig;
  dev: DevConfig;
}

/** Which .avsc file feeds which registry subject (shared by `schemas` and `produce`). */
export interface SchemasConfig {
  /** Folder searched for .avsc files, relative to the project file. Default: "schemas". */
  dir: string;
  /** Compatibility level for subjects that name none. Default: "" (the registry's own level). */
  defaultLevel: string;
  /**
   * subject → { file, level? }. Default: none configured, in which case each
   * schemas/<name>.avsc maps to the subject its topic would use.
   */
  subjects: Record<string, { file: string; level?: string }>;
}

export interface DevConfig {
  /** Where the local platform keeps data, logs and pids. Default: see defaultDevHome(). */
  home: string;
  /** Where downloaded platform artifacts are cached. Default: $XDG_CACHE_HOME/streamctl. */
  cacheDir: string;
  /** Kafka brokers for `dev up` (1 or 3). Default: 1. */
  brokers: number;
  /** Added to every default port, to run a second platform beside the first. Default: 0. */
  portOffset: number;
  /** Per-service port overrides. Default: DEFAULT_PORTS. */
  ports: Record<PortName, number>;
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values from command-line flags, already shaped like Config. */
  flags?: DeepPartial<Config>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'streamctl');
}

/**
 * Data for the local platform. Under root it lives in /var/lib/streamctl
 * because PostgreSQL refuses to run as root and its unprivileged user cannot
 * enter /root.
 */
export function defaultDevHome(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return '/var/lib/streamctl/dev';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'streamctl', 'dev');
}

export function defaults(env: NodeJS.ProcessEnv): Config {
  return {
    // Empty means "the local platform": filled in by resolveEndpoints from the
    // running platform's recorded ports, so `dev up --port-offset` needs no config.
    kafka: { brokers: '' },
    registry: { url: '' },
    flink: { url: '' },
    sqlGateway: { url: '' },
    postgres: { url: '' },
    schemas: { dir: 'schemas', defaultLevel: '', subjects: {} },
    dev: {
      home: defaultDevHome(env),
      cacheDir: defaultCacheDir(env),
      brokers: 1,
      portOffset: 0,
      ports: { ...DEFAULT_PORTS },
    },
  };
}

/** Environment variables and the config key each one sets. */
export const ENV_KEYS: Record<string, { path: string[]; type: 'string' | 'number' }> = {
  STREAMCTL_BROKERS: { path: ['kafka', 'brokers'], type: 'string' },
  STREAMCTL_REGISTRY_URL: { path: ['registry', 'url'], type: 'string' },
  STREAMCTL_FLINK_URL: { path: ['flink', 'url'], type: 'string' },
  STREAMCTL_SQL_GATEWAY_URL: { path: ['sqlGateway', 'url'], type: 'string' },
  STREAMCTL_POSTGRES_URL: { path: ['postgres', 'url'], type: 'string' },
  STREAMCTL_DEV_HOME: { path: ['dev', 'home'], type: 'string' },
  STREAMCTL_CACHE_DIR: { path: ['dev', 'cacheDir'], type: 'string' },
  STREAMCTL_DEV_BROKERS: { path: ['dev', 'brokers'], type: 'number' },
  STREAMCTL_DEV_PORT_OFFSET: { path: ['dev', 'portOffset'], type: 'number' },
};

export function findProjectFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, 'streamctl.yaml');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function userConfigFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'streamctl', 'config.yaml');
}

function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`unable to read config file ${file}: ${describeCause(err)}`, { cause: err });
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(`invalid YAML in ${file}: ${describeCause(err)}`, { hint: 'fix the file or remove it', cause: err });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `layer` into `target`, accepting only keys that exist in `target`
 * with a value of the same type; `source` names the layer in errors.
 */
function mergeLayer(target: Record<string, unknown>, layer: unknown, source: string, path: string[] = []): void {
  if (!isObject(layer)) {
    throw new ConfigError(`invalid config in ${source}: ${path.join('.') || 'top level'} must be a mapping`);
  }
  if (OPEN_MAPS.has(path.join('.'))) {
    mergeOpenMap(target, layer, source, path);
    return;
  }
  for (const [key, value] of Object.entries(layer)) {
    const here = [...path, key];
    if (!(key in target)) {
      throw new ConfigError(`unknown config key "${here.join('.')}" in ${source}`, {
        hint: 'check the spelling against the README configuration reference',
      });
    }
    const current = target[key];
    if (isObject(current)) {
      mergeLayer(current, value, source, here);
    } else if (value !== undefined) {
      if (typeof value !== typeof current) {
        throw new ConfigError(`invalid config in ${source}: "${here.join('.')}" must be a ${typeof current}, got ${JSON.stringify(value)}`);
      }
      target[key] = value;
    }
  }
}

/** Sections whose keys are names chosen by the user (subjects), not fixed settings. */
const OPEN_MAPS = new Set(['schemas.subjects']);

function mergeOpenMap(target: Record<string, unknown>, layer: Record<string, unknown>, source: string, path: string[]): void {
  for (const [name, entry] of Object.entries(layer)) {
    const here = [...path, name].join('.');
    if (!isObject(entry) || typeof entry.file !== 'string') {
      throw new ConfigError(`invalid config in ${source}: "${here}" needs a "file" (the .avsc that feeds the subject)`);
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'file' && key !== 'level')
        throw new ConfigError(`unknown config key "${here}.${key}" in ${source}`, { hint: 'a subject takes "file" and "level"' });
    }
    if (entry.level !== undefined && typeof entry.level !== 'string')
      throw new ConfigError(`invalid config in ${source}: "${here}.level" must be a string`);
    target[name] = { file: entry.file, ...(entry.level ? { level: entry.level } : {}) };
  }
}

export function resolveConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const config = defaults(env);
  const root = config as unknown as Record<string, unknown>;

  const userFile = userConfigFile(env);
  if (existsSync(userFile)) mergeLayer(root, readYamlFile(userFile), userFile);
  const projectFile = findProjectFile(cwd);
  if (projectFile) mergeLayer(root, readYamlFile(projectFile), projectFile);

  const fromEnv: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (spec.type === 'number') {
      value = Number(raw);
      if (!Number.isInteger(value)) throw new ConfigError(`invalid ${name}="${raw}": expected an integer`);
    }
    let node = fromEnv;
    for (const key of spec.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[spec.path[spec.path.length - 1]!] = value;
  }
  mergeLayer(root, fromEnv, 'the environment');
  if (sources.flags) mergeLayer(root, sources.flags, 'command-line flags');

  validate(config);
  return config;
}

function validate(config: Config): void {
  const { dev } = config;
  if (dev.brokers !== 1 && dev.brokers !== 3) {
    throw new ConfigError(`invalid broker count ${dev.brokers}`, { hint: 'streamctl dev runs 1 or 3 brokers' });
  }
  for (const [name, port] of Object.entries(dev.ports)) {
    const effective = port + dev.portOffset;
    if (!Number.isInteger(port) || effective < 1 || effective > 65535) {
      throw new ConfigError(`invalid port for ${name}: ${effective}`, { hint: 'ports must be integers between 1 and 65535' });
    }
  }
}
