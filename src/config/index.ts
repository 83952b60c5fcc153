import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, UsageError, describeCause } from '../errors.js';
import { DEFAULT_PORTS, type PortName } from '../platform/ports.js';
import {
  CONNECTION_SECTIONS,
  LOCAL_CONTEXT,
  isObject,
  originOf,
  parseConnectionLayer,
  parseContexts,
  parseTimeoutMs,
  type ConnectionLayer,
  type ContextConfig,
  type KafkaSettings,
  type LayerOrigin,
  type RegistrySettings,
} from './contexts.js';
import { durationMs } from './duration.js';

export type { ContextConfig, KafkaSettings, RegistrySettings } from './contexts.js';
export { LOCAL_CONTEXT } from './contexts.js';

/**
 * streamctl's configuration, resolved in one place. Order (later wins):
 *
 *   1. built-in defaults (the local platform of `streamctl dev`)
 *   2. user file     $XDG_CONFIG_HOME/streamctl/config.yaml (~/.config/streamctl/config.yaml)
 *   3. project file  streamctl.yaml, searched from the working directory up to the git root
 *   4. environment   STREAMCTL_* variables (see ENV_KEYS)
 *   5. flags         passed by the command
 *
 * Connection settings (kafka, registry, flink, sqlGateway, postgres) can also
 * come from a named context of the user file. The context is selected by, in
 * increasing precedence: `currentContext` in the user file, `context` in the
 * project file, STREAMCTL_CONTEXT, --context; `local` (the local platform,
 * no configuration) when none is. The selected context's settings apply right
 * after the user file's own top-level keys, so the project file, the
 * environment and flags still override single settings of it.
 *
 * Unknown keys are errors that name the file they came from.
 */
export interface Config {
  /** The selected context and what selected it. Default: local, the built-in one. */
  context: { name: string; source: string };
  /** The contexts of the user file (the built-in `local` is not listed). Default: none. */
  contexts: Record<string, ContextConfig>;
  /** The context refuses commands that change the cluster. Default: false. */
  readOnly: boolean;
  /** Connection and request timeout, and how long a command waits for an unreachable service. Default: 10 000. */
  timeoutMs: number;
  /** Kafka cluster. Default: the local platform's brokers, no SASL, no TLS. */
  kafka: KafkaSettings;
  /** Confluent-compatible Schema Registry base URL and basic auth. Default: the local platform's registry. */
  registry: RegistrySettings;
  /** Flink JobManager REST URL. Default: the local platform's. */
  flink: { url: string };
  /** Flink SQL Gateway URL. Default: the local platform's. */
  sqlGateway: { url: string };
  /** PostgreSQL connection URL. Default: the local platform's. */
  postgres: { url: string };
  schemas: SchemasConfig;
  dev: DevConfig;
  /** Which layer set each connection setting ("kafka.brokers" → "context staging (…/config.yaml)"), for `context show`. */
  origins: Record<string, string>;
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
  /** Kafka also gets a SASL_SSL listener (SCRAM-SHA-512, TLS from a local CA) on its client port + 100. Default: false. */
  secure: boolean;
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values from command-line flags, already shaped like Config. */
  flags?: DeepPartial<Config>;
  /** The context named by --context. Default: none. */
  context?: string;
}

/** The default of timeoutMs. */
export const DEFAULT_TIMEOUT_MS = 10_000;

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
    context: { name: LOCAL_CONTEXT, source: 'default' },
    contexts: {},
    readOnly: false,
    timeoutMs: DEFAULT_TIMEOUT_MS,
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
      secure: false,
    },
    origins: {},
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

/** Selects the context (between the project file and --context). */
export const CONTEXT_ENV = 'STREAMCTL_CONTEXT';
/** timeoutMs as a duration: 10s, 500ms, 1m (a bare number is seconds). */
export const TIMEOUT_ENV = 'STREAMCTL_TIMEOUT';

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

/** Top-level keys each file accepts besides the connection sections, schemas and dev. */
const USER_ONLY = ['currentContext', 'contexts'];
const PROJECT_ONLY = ['context'];

const CONFIG_ENV = Symbol('streamctl.config.env');

/** The environment the config was resolved in (for secrets from passwordEnv); process.env when unknown. */
export function configEnv(config: Config): NodeJS.ProcessEnv {
  return (config as unknown as Record<symbol, NodeJS.ProcessEnv | undefined>)[CONFIG_ENV] ?? process.env;
}

function readLayer(file: string): Record<string, unknown> {
  const raw = readYamlFile(file);
  if (!isObject(raw)) throw new ConfigError(`invalid config in ${file}: the top level must be a mapping`);
  return raw;
}

export function resolveConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const config = defaults(env);
  Object.defineProperty(config, CONFIG_ENV, { value: env, enumerable: false });

  const userFile = userConfigFile(env);
  const user = existsSync(userFile) ? readLayer(userFile) : undefined;
  const projectFile = findProjectFile(cwd);
  const project = projectFile ? readLayer(projectFile) : undefined;
  const userOrigin = originOf(userFile, dirname(userFile), env);

  if (user) {
    if ('context' in user) {
      throw new ConfigError(`unknown config key "context" in ${userFile}`, {
        hint: 'the user file selects its context with "currentContext" (`streamctl context use <name>`)',
      });
    }
    config.contexts = parseContexts(user.contexts, userOrigin);
  }
  if (project && projectFile) {
    for (const key of USER_ONLY) {
      if (key in project) {
        throw new ConfigError(`"${key}" belongs in the user file ${userFile}, not in ${projectFile}`, {
          hint: 'a project file may select a context with "context: <name>"; contexts and their credentials live in the user file',
        });
      }
    }
  }

  // Which context: currentContext < project file < STREAMCTL_CONTEXT < --context.
  const pick = (value: unknown, source: string, key: string) => {
    if (value === undefined || value === null || value === '') return;
    if (typeof value !== 'string') throw new ConfigError(`invalid config in ${source}: "${key}" must be a context name`);
    config.context = { name: value.trim(), source };
  };
  if (user) pick(user.currentContext, `currentContext in ${userFile}`, 'currentContext');
  if (project && projectFile) pick(project.context, `context in ${projectFile}`, 'context');
  pick(env[CONTEXT_ENV], CONTEXT_ENV, CONTEXT_ENV);
  pick(sources.context, '--context', '--context');
  const name = config.context.name;
  const selected = name === LOCAL_CONTEXT ? undefined : config.contexts[name];
  if (name !== LOCAL_CONTEXT && !selected) {
    const known = [LOCAL_CONTEXT, ...Object.keys(config.contexts)].join(', ');
    throw new ConfigError(`unknown context "${name}" (selected by ${config.context.source})`, {
      hint: `known contexts: ${known}; add it with \`streamctl context add ${name} --brokers <host:port>\`, or pick another with \`streamctl context use <name>\``,
    });
  }

  if (user) applyLayer(config, user, userOrigin, USER_ONLY);
  if (selected) {
    applyConnection(config, selected, `context ${name}`);
    if (selected.readOnly !== undefined) config.readOnly = selected.readOnly;
    if (selected.timeoutMs !== undefined) config.timeoutMs = selected.timeoutMs;
  }
  if (project && projectFile) applyLayer(config, project, originOf(projectFile, dirname(projectFile), env), PROJECT_ONLY);

  const fromEnv: Record<string, unknown> = {};
  for (const [envName, spec] of Object.entries(ENV_KEYS)) {
    const raw = env[envName];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (spec.type === 'number') {
      value = Number(raw);
      if (!Number.isInteger(value)) throw new ConfigError(`invalid ${envName}="${raw}": expected an integer`);
    }
    let node = fromEnv;
    for (const key of spec.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[spec.path[spec.path.length - 1]!] = value;
  }
  const timeoutText = env[TIMEOUT_ENV];
  if (timeoutText !== undefined && timeoutText !== '') {
    const ms = durationMs(timeoutText);
    if (ms === undefined || ms <= 0)
      throw new ConfigError(`invalid ${TIMEOUT_ENV}="${timeoutText}": expected a duration such as 10s or 500ms`);
    fromEnv.timeoutMs = ms;
  }
  // Each variable names itself as the source of what it set.
  for (const [envName, spec] of Object.entries(ENV_KEYS)) {
    if (env[envName] && (CONNECTION_SECTIONS as readonly string[]).includes(spec.path[0]!)) {
      const layer = parseConnectionLayer({ [spec.path[0]!]: { [spec.path[1]!]: env[envName] } }, '', originOf(envName, cwd, env));
      applyConnection(config, layer, envName);
    }
  }
  const nonConnection = Object.fromEntries(
    Object.entries(fromEnv).filter(([k]) => !(CONNECTION_SECTIONS as readonly string[]).includes(k)),
  );
  applyLayer(config, nonConnection, originOf('the environment', cwd, env), []);
  if (sources.flags) applyLayer(config, sources.flags as Record<string, unknown>, originOf('command-line flags', cwd, env), []);

  validate(config);
  return config;
}

/**
 * Applies one layer: connection sections through their own parser (they take
 * optional security settings), timeoutMs, then schemas and dev through the
 * typed merge. `extra` are keys this layer may carry that were handled
 * before (the context selection).
 */
function applyLayer(config: Config, layer: Record<string, unknown>, origin: LayerOrigin, extra: string[]): void {
  const root = config as unknown as Record<string, unknown>;
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    if (extra.includes(key) || value === undefined) continue;
    if (key === 'timeoutMs') config.timeoutMs = parseTimeoutMs(value, 'timeoutMs', origin.source);
    else if (key === 'schemas' || key === 'dev') rest[key] = value;
    else if (!(CONNECTION_SECTIONS as readonly string[]).includes(key)) {
      throw new ConfigError(`unknown config key "${key}" in ${origin.source}`, {
        hint: 'check the spelling against the README configuration reference',
      });
    }
  }
  applyConnection(config, parseConnectionLayer(layer, '', origin), origin.source);
  mergeLayer(root, rest, origin.source);
}

/** Overrides the connection settings a layer (or context) sets, recording where each came from. */
function applyConnection(config: Config, layer: ConnectionLayer, source: string): void {
  const set = (key: string) => (config.origins[key] = source);
  if (layer.kafka) {
    const k = layer.kafka;
    if (k.brokers !== undefined) {
      config.kafka.brokers = k.brokers;
      set('kafka.brokers');
    }
    if (k.sasl !== undefined) {
      if (k.sasl) config.kafka.sasl = k.sasl;
      else delete config.kafka.sasl;
      set('kafka.sasl');
    }
    if (k.tls !== undefined) {
      if (k.tls) config.kafka.tls = k.tls;
      else delete config.kafka.tls;
      set('kafka.tls');
    }
  }
  if (layer.registry) {
    const r = layer.registry;
    if (r.url !== undefined) {
      config.registry.url = r.url;
      set('registry.url');
    }
    if (r.auth !== undefined) {
      if (r.auth) {
        config.registry.username = r.auth.username;
        config.registry.password = r.auth.password;
      } else {
        delete config.registry.username;
        delete config.registry.password;
      }
      set('registry.auth');
    }
  }
  for (const section of ['flink', 'sqlGateway', 'postgres'] as const) {
    const url = layer[section]?.url;
    if (url !== undefined) {
      config[section].url = url;
      set(`${section}.url`);
    }
  }
}

/**
 * Refuses a command that changes the cluster when the selected context is
 * read-only (exit 2). `action` completes "refusing to …".
 */
export function assertWritable(config: Config, action: string): void {
  if (!config.readOnly) return;
  throw new UsageError(`refusing to ${action}: context "${config.context.name}" is read-only`, {
    hint: 'switch to a writable context (--context <name>, `streamctl context use <name>`), or set readOnly: false on it in the user file',
  });
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
