import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Connection settings: where Kafka, the registry, Flink, the SQL Gateway and
 * Postgres are, and how to authenticate. They appear at the top level of a
 * config file and inside named contexts of the user file:
 *
 *   contexts:
 *     staging:
 *       kafka:
 *         brokers: kafka-1.staging:9093,kafka-2.staging:9093
 *         sasl: { mechanism: SCRAM-SHA-512, username: alice, passwordEnv: STAGING_KAFKA_PASSWORD }
 *         tls: { ca: ~/certs/staging-ca.pem }      # or `tls: true` for the system CAs
 *       registry: { url: https://registry.staging, username: alice, passwordFile: ~/.secrets/registry }
 *       readOnly: true
 *
 * Secrets never have to live in the file: `passwordEnv` names an environment
 * variable and `passwordFile` a file holding the password; a literal
 * `password` is accepted but discouraged. Secrets are read only when a
 * command connects, never for `context show`.
 */

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** Where a secret comes from; the value itself is read only when connecting. */
export type SecretRef = { kind: 'value'; value: string } | { kind: 'env'; name: string } | { kind: 'file'; path: string };

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: SecretRef;
}

/** TLS to the brokers. Empty: the system's CAs. Paths are absolute. */
export interface TlsSettings {
  /** PEM file of the CA(s) that signed the brokers' certificates. Default: the system CAs. */
  ca?: string;
  /** PEM client certificate, for mutual TLS. Default: none. */
  cert?: string;
  /** PEM private key of the client certificate. Default: none. */
  key?: string;
}

export interface KafkaSettings {
  /** Comma-separated bootstrap servers; empty means the local platform. */
  brokers: string;
  /** SASL authentication. Default: none. */
  sasl?: SaslSettings;
  /** TLS. Default: none (plaintext). */
  tls?: TlsSettings;
}

export interface RegistrySettings {
  /** Base URL of the Confluent-compatible API; empty means the local platform. */
  url: string;
  /** HTTP basic auth user. Default: none. */
  username?: string;
  /** HTTP basic auth password. Default: none. */
  password?: SecretRef;
}

/** One section's settings as a layer gives them: only what the layer sets. */
export interface ConnectionLayer {
  kafka?: { brokers?: string; sasl?: SaslSettings | null; tls?: TlsSettings | null };
  registry?: { url?: string; auth?: { username: string; password: SecretRef } | null };
  flink?: { url?: string };
  sqlGateway?: { url?: string };
  postgres?: { url?: string };
}

/** A named context of the user file. */
export interface ContextConfig extends ConnectionLayer {
  /** Refuse commands that change the cluster (topics create/alter/delete, produce…). Default: false. */
  readOnly?: boolean;
  /** Connection and request timeout for this context. Default: the global timeoutMs. */
  timeoutMs?: number;
}

/** The context that needs no configuration: the local platform of `streamctl dev`. */
export const LOCAL_CONTEXT = 'local';

export const CONNECTION_SECTIONS = ['kafka', 'registry', 'flink', 'sqlGateway', 'postgres'] as const;
export type ConnectionSection = (typeof CONNECTION_SECTIONS)[number];

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where a layer came from, for messages, and the folder its relative paths are relative to. */
export interface LayerOrigin {
  source: string;
  baseDir: string;
  home: string;
}

export function originOf(source: string, baseDir: string, env: NodeJS.ProcessEnv): LayerOrigin {
  return { source, baseDir, home: env.HOME || homedir() };
}

function unknownKey(path: string, origin: LayerOrigin, allowed: readonly string[]): ConfigError {
  return new ConfigError(`unknown config key "${path}" in ${origin.source}`, {
    hint: `expected one of: ${allowed.join(', ')}`,
  });
}

function checkKeys(raw: Record<string, unknown>, allowed: readonly string[], path: string, origin: LayerOrigin): void {
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw unknownKey(path ? `${path}.${key}` : key, origin, allowed);
}

function str(value: unknown, path: string, origin: LayerOrigin): string {
  if (typeof value !== 'string') throw new ConfigError(`invalid config in ${origin.source}: "${path}" must be a string`);
  return value;
}

function nonEmpty(value: unknown, path: string, origin: LayerOrigin): string {
  const s = str(value, path, origin).trim();
  if (s === '') throw new ConfigError(`invalid config in ${origin.source}: "${path}" must not be empty`);
  return s;
}

/** `~/x` and paths relative to the file that names them become absolute. */
export function resolvePath(p: string, origin: LayerOrigin): string {
  if (p === '~' || p.startsWith('~/')) return resolve(origin.home, p.slice(2));
  return isAbsolute(p) ? p : resolve(origin.baseDir, p);
}

const SECRET_KEYS = ['password', 'passwordEnv', 'passwordFile'] as const;

/** Exactly one of password / passwordEnv / passwordFile. */
function secretRef(raw: Record<string, unknown>, path: string, origin: LayerOrigin): SecretRef | undefined {
  const given = SECRET_KEYS.filter((k) => raw[k] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length > 1) {
    throw new ConfigError(`invalid config in ${origin.source}: "${path}" sets ${given.join(' and ')}`, {
      hint: 'give the password one way: passwordEnv (an environment variable), passwordFile (a file) or password',
    });
  }
  const key = given[0]!;
  const value = str(raw[key], `${path}.${key}`, origin);
  if (key === 'password') return { kind: 'value', value };
  if (value.trim() === '') throw new ConfigError(`invalid config in ${origin.source}: "${path}.${key}" must not be empty`);
  return key === 'passwordEnv' ? { kind: 'env', name: value.trim() } : { kind: 'file', path: resolvePath(value.trim(), origin) };
}

export function parseMechanism(value: string): SaslMechanism | undefined {
  const m = value.trim().toLowerCase().replace(/_/g, '-');
  return (SASL_MECHANISMS as readonly string[]).includes(m) ? (m as SaslMechanism) : undefined;
}

function parseSasl(raw: unknown, path: string, origin: LayerOrigin): SaslSettings | null {
  if (raw === null || raw === false) return null;
  if (!isObject(raw))
    throw new ConfigError(`invalid config in ${origin.source}: "${path}" must be a mapping (mechanism, username, passwordEnv…)`);
  checkKeys(raw, ['mechanism', 'username', ...SECRET_KEYS], path, origin);
  const mechanismText = nonEmpty(raw.mechanism ?? '', `${path}.mechanism`, origin);
  const mechanism = parseMechanism(mechanismText);
  if (!mechanism) {
    throw new ConfigError(`invalid config in ${origin.source}: unknown SASL mechanism "${mechanismText}" in "${path}.mechanism"`, {
      hint: 'use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
    });
  }
  const username = nonEmpty(raw.username ?? '', `${path}.username`, origin);
  const password = secretRef(raw, path, origin);
  if (!password) {
    throw new ConfigError(`invalid config in ${origin.source}: "${path}" needs a password`, {
      hint: 'set passwordEnv (an environment variable) or passwordFile (a file holding it)',
    });
  }
  return { mechanism, username, password };
}

function parseTls(raw: unknown, path: string, origin: LayerOrigin): TlsSettings | null {
  if (raw === false || raw === null) return null;
  if (raw === true) return {};
  if (!isObject(raw))
    throw new ConfigError(`invalid config in ${origin.source}: "${path}" must be true, false or a mapping (ca, cert, key)`);
  checkKeys(raw, ['ca', 'cert', 'key'], path, origin);
  const tls: TlsSettings = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    if (raw[k] !== undefined) tls[k] = resolvePath(nonEmpty(raw[k], `${path}.${k}`, origin), origin);
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigError(`invalid config in ${origin.source}: "${path}" needs both cert and key for a client certificate`);
  }
  return tls;
}

function parseBrokers(raw: unknown, path: string, origin: LayerOrigin): string {
  if (Array.isArray(raw)) return raw.map((b, i) => nonEmpty(b, `${path}[${i}]`, origin)).join(',');
  return str(raw, path, origin).trim();
}

/**
 * Parses the connection sections of a layer (top level of a file, a context,
 * the environment): only the keys the layer sets.
 */
export function parseConnectionLayer(raw: Record<string, unknown>, prefix: string, origin: LayerOrigin): ConnectionLayer {
  const out: ConnectionLayer = {};
  const at = (key: string) => (prefix ? `${prefix}.${key}` : key);
  for (const section of CONNECTION_SECTIONS) {
    const value = raw[section];
    if (value === undefined) continue;
    const path = at(section);
    if (!isObject(value)) throw new ConfigError(`invalid config in ${origin.source}: ${path} must be a mapping`);
    if (section === 'kafka') {
      checkKeys(value, ['brokers', 'sasl', 'tls'], path, origin);
      const kafka: NonNullable<ConnectionLayer['kafka']> = {};
      if (value.brokers !== undefined) kafka.brokers = parseBrokers(value.brokers, `${path}.brokers`, origin);
      if ('sasl' in value) kafka.sasl = parseSasl(value.sasl, `${path}.sasl`, origin);
      if ('tls' in value) kafka.tls = parseTls(value.tls, `${path}.tls`, origin);
      out.kafka = kafka;
    } else if (section === 'registry') {
      checkKeys(value, ['url', 'username', ...SECRET_KEYS], path, origin);
      const registry: NonNullable<ConnectionLayer['registry']> = {};
      if (value.url !== undefined) registry.url = str(value.url, `${path}.url`, origin).trim();
      const password = secretRef(value, path, origin);
      if (value.username !== undefined || password) {
        if (value.username === null) registry.auth = null;
        else {
          const username = nonEmpty(value.username ?? '', `${path}.username`, origin);
          if (!password) {
            throw new ConfigError(`invalid config in ${origin.source}: "${path}" has a username but no password`, {
              hint: 'set passwordEnv (an environment variable) or passwordFile (a file holding it)',
            });
          }
          registry.auth = { username, password };
        }
      }
      out.registry = registry;
    } else {
      checkKeys(value, ['url'], path, origin);
      if (value.url !== undefined) out[section] = { url: str(value.url, `${path}.url`, origin).trim() };
      else out[section] = {};
    }
  }
  return out;
}

export function validContextName(name: string): boolean {
  return NAME_RE.test(name);
}

/** The `contexts` map of the user file. */
export function parseContexts(raw: unknown, origin: LayerOrigin): Record<string, ContextConfig> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new ConfigError(`invalid config in ${origin.source}: contexts must be a mapping of names to contexts`);
  const out: Record<string, ContextConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    out[name] = parseContext(name, value, origin);
  }
  return out;
}

export const CONTEXT_KEYS = [...CONNECTION_SECTIONS, 'readOnly', 'timeoutMs'] as const;

export function parseContext(name: string, raw: unknown, origin: LayerOrigin): ContextConfig {
  const path = `contexts.${name}`;
  if (!validContextName(name)) {
    throw new ConfigError(`invalid context name "${name}" in ${origin.source}`, {
      hint: 'use letters, digits, ".", "_" and "-", starting with a letter or digit',
    });
  }
  if (name === LOCAL_CONTEXT) {
    throw new ConfigError(`"${path}" in ${origin.source}: "local" is the built-in context of the local platform`, {
      hint: 'give your context another name',
    });
  }
  if (raw === null || raw === undefined) return {};
  if (!isObject(raw)) throw new ConfigError(`invalid config in ${origin.source}: "${path}" must be a mapping`);
  checkKeys(raw, CONTEXT_KEYS, path, origin);
  const ctx: ContextConfig = parseConnectionLayer(raw, path, origin);
  if (raw.readOnly !== undefined) {
    if (typeof raw.readOnly !== 'boolean')
      throw new ConfigError(`invalid config in ${origin.source}: "${path}.readOnly" must be true or false`);
    ctx.readOnly = raw.readOnly;
  }
  if (raw.timeoutMs !== undefined) ctx.timeoutMs = parseTimeoutMs(raw.timeoutMs, `${path}.timeoutMs`, origin.source);
  return ctx;
}

export function parseTimeoutMs(value: unknown, path: string, source: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`invalid config in ${source}: "${path}" must be a positive number of milliseconds`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Showing settings without secrets.

/** How a secret is shown: never its value. */
export function describeSecret(ref: SecretRef): string {
  switch (ref.kind) {
    case 'value':
      return '****';
    case 'env':
      return `(from env ${ref.name})`;
    case 'file':
      return `(from file ${ref.path})`;
  }
}

/** A URL with any password replaced by ****; anything unparsable is shown with its userinfo cut. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '****';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:****@');
  }
}

/** The security protocol Kafka calls this combination. */
export function securityProtocol(kafka: { sasl?: unknown; tls?: unknown }): 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL' {
  if (kafka.sasl) return kafka.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return kafka.tls ? 'SSL' : 'PLAINTEXT';
}

export function mechanismName(m: SaslMechanism): string {
  return m.toUpperCase();
}
