import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigError, describeCause } from '../errors.js';
import { Layout, endpointsFor, portsOf } from '../platform/layout.js';
import { LOCAL_CONTEXT, type SecretRef } from './contexts.js';
import { configEnv, type Config } from './index.js';

/** Where each service is, after configuration and the local platform's defaults. */
export interface ResolvedEndpoints {
  /** The context these endpoints belong to ("local" for the local platform). Default: "local". */
  context?: string;
  kafka: {
    brokers: string[];
    /** SASL credentials in kafkajs's shape. Default: none. */
    sasl?: SASLOptions;
    /** TLS options in kafkajs's shape (true: the system CAs). Default: none (plaintext). */
    ssl?: ConnectionOptions | boolean;
  };
  registry: {
    url: string;
    /** HTTP basic auth, from the config or from user:password@ in the URL. Default: none. */
    auth?: { username: string; password: string };
  };
  flink: { url: string };
  sqlGateway: { url: string };
  postgres: { url: string };
  /** Connection timeout and how long to wait for an unreachable service. Default: 10 s. */
  timeoutMs?: number;
}

/** The local platform's endpoints: from state.json when it runs (its real ports), else the configured ports. */
export function localEndpoints(config: Config): ReturnType<typeof endpointsFor> {
  const state = Layout.from(config.dev).readStateQuietly();
  return endpointsFor(state?.ports ?? portsOf(config.dev), state?.brokers ?? config.dev.brokers);
}

/**
 * Configured endpoints win; anything left empty points at the local platform,
 * using the ports it was actually started with (state.json) when it runs, so a
 * platform started with --port-offset is found without configuration.
 *
 * Secrets (SASL and registry passwords) are read here, from the environment
 * or a file as configured, and TLS files are loaded; a missing one is a
 * ConfigError that names the setting, never the value.
 */
export function resolveEndpoints(config: Config): ResolvedEndpoints {
  const local = localEndpoints(config);
  const env = configEnv(config);
  const where = config.context.name === LOCAL_CONTEXT ? '' : ` (context ${config.context.name})`;
  const brokers = config.kafka.brokers || local.kafka.bootstrap;
  const kafka: ResolvedEndpoints['kafka'] = {
    brokers: brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  };
  const sasl = config.kafka.sasl;
  if (sasl) {
    lazy(kafka, 'sasl', () => {
      const password = readSecret(sasl.password, `the Kafka SASL password${where}`, env);
      return { mechanism: sasl.mechanism, username: sasl.username, password } as SASLOptions;
    });
  }
  const tls = config.kafka.tls;
  if (tls) {
    if (!tls.ca && !tls.cert) kafka.ssl = true;
    else {
      lazy(kafka, 'ssl', () => {
        const ssl: ConnectionOptions = {};
        if (tls.ca) ssl.ca = [readTlsFile(tls.ca, `the TLS CA file (kafka.tls.ca${where})`)];
        if (tls.cert) ssl.cert = readTlsFile(tls.cert, `the TLS client certificate (kafka.tls.cert${where})`);
        if (tls.key) ssl.key = readTlsFile(tls.key, `the TLS client key (kafka.tls.key${where})`);
        return ssl;
      });
    }
  }

  const registryUrl = (config.registry.url || local.registry.url).replace(/\/+$/, '');
  const registry = registryEndpoint(registryUrl);
  const { username, password } = config.registry;
  if (username && password) {
    lazy(registry, 'auth', () => ({ username, password: readSecret(password, `the schema registry password${where}`, env) }));
  }
  return {
    context: config.context.name,
    kafka,
    registry,
    flink: { url: (config.flink.url || local.flink.rest).replace(/\/+$/, '') },
    sqlGateway: { url: (config.sqlGateway.url || local.sqlGateway.url).replace(/\/+$/, '') },
    postgres: { url: config.postgres.url || local.postgres.url },
    timeoutMs: config.timeoutMs,
  };
}

/**
 * Defines a property computed on first read: secrets and key files are read
 * only by the client that uses them, so a Kafka command doesn't fail over a
 * missing registry password, nor a registry command over Kafka's.
 */
function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let value: T[K] | undefined;
  let done = false;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!done) {
        value = compute();
        done = true;
      }
      return value;
    },
  });
}

/**
 * fetch refuses URLs that carry credentials, so user:password@ in the URL
 * becomes basic auth. An invalid URL is left for the registry client to
 * report when it is used (commands that never talk to the registry don't mind).
 */
function registryEndpoint(url: string): ResolvedEndpoints['registry'] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString().replace(/\/+$/, ''), auth };
}

/** A secret's value; the error names where it should have come from, never a value. */
export function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv): string {
  switch (ref.kind) {
    case 'value':
      return ref.value;
    case 'env': {
      const value = env[ref.name];
      if (value === undefined || value === '') {
        throw new ConfigError(`${what} comes from the environment variable ${ref.name}, which is not set`, {
          hint: `export ${ref.name}=… (or point passwordFile at a file holding it)`,
        });
      }
      return value;
    }
    case 'file': {
      let text: string;
      try {
        text = readFileSync(ref.path, 'utf8');
      } catch (err) {
        throw new ConfigError(`unable to read ${what} from ${ref.path}: ${describeCause(err)}`, {
          hint: 'check passwordFile: the file should hold just the password',
        });
      }
      // One trailing newline is the editor's, not the password's.
      const value = text.replace(/\r?\n$/, '');
      if (value === '') throw new ConfigError(`${what}: the file ${ref.path} is empty`);
      return value;
    }
  }
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`unable to read ${what} ${path}: ${describeCause(err)}`, {
      hint: 'point it at a PEM file, or use `tls: true` for the system CAs',
    });
  }
}
