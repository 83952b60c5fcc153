import { localEndpoints } from './endpoints.js';
import { LOCAL_CONTEXT, describeSecret, mechanismName, redactUrl, securityProtocol, type ContextConfig } from './contexts.js';
import type { Config } from './index.js';

/**
 * What `streamctl context show` and `list` print: every setting of a context
 * with where it came from, and every secret replaced by where it would be
 * read from — `(from env X)`, `(from file F)` — or `****` for a literal.
 * Nothing here reads a secret or a key file.
 */

export interface ContextView {
  name: string;
  /** The context commands use now. */
  current: boolean;
  /** What selected it (currentContext in the user file, STREAMCTL_CONTEXT, --context…); null when not current. */
  selectedBy: string | null;
  builtIn: boolean;
  readOnly: boolean;
  timeoutMs: number;
  kafka: {
    brokers: string;
    securityProtocol: string;
    sasl?: { mechanism: string; username: string; password: string };
    tls?: { ca: string; cert?: string; key?: string };
    origin: string;
  };
  registry: { url: string; username?: string; password?: string; origin: string };
  flink: { url: string; origin: string };
  sqlGateway: { url: string; origin: string };
  postgres: { url: string; origin: string };
}

const LOCAL_ORIGIN = 'local platform';

/** The effective settings of the selected context (after every layer), secrets redacted. */
export function effectiveContextView(config: Config, current: { name: string; source: string }): ContextView {
  const local = localEndpoints(config);
  const origin = (key: string, value: string) => (value ? (config.origins[key] ?? 'config') : LOCAL_ORIGIN);
  const k = config.kafka;
  const isCurrent = config.context.name === current.name;
  return {
    name: config.context.name,
    current: isCurrent,
    selectedBy: isCurrent ? current.source : null,
    builtIn: config.context.name === LOCAL_CONTEXT,
    readOnly: config.readOnly,
    timeoutMs: config.timeoutMs,
    kafka: {
      brokers: k.brokers || local.kafka.bootstrap,
      securityProtocol: securityProtocol(k),
      ...(k.sasl
        ? { sasl: { mechanism: mechanismName(k.sasl.mechanism), username: k.sasl.username, password: describeSecret(k.sasl.password) } }
        : {}),
      ...(k.tls
        ? { tls: { ca: k.tls.ca ?? 'system CAs', ...(k.tls.cert ? { cert: k.tls.cert } : {}), ...(k.tls.key ? { key: k.tls.key } : {}) } }
        : {}),
      origin: origin('kafka.brokers', k.brokers),
    },
    registry: {
      url: redactUrl(config.registry.url || local.registry.url),
      ...(config.registry.username ? { username: config.registry.username } : {}),
      ...(config.registry.password ? { password: describeSecret(config.registry.password) } : {}),
      origin: origin('registry.url', config.registry.url),
    },
    flink: { url: config.flink.url || local.flink.rest, origin: origin('flink.url', config.flink.url) },
    sqlGateway: { url: config.sqlGateway.url || local.sqlGateway.url, origin: origin('sqlGateway.url', config.sqlGateway.url) },
    postgres: { url: redactUrl(config.postgres.url || local.postgres.url), origin: origin('postgres.url', config.postgres.url) },
  };
}

export interface ContextListEntry {
  name: string;
  current: boolean;
  builtIn: boolean;
  readOnly: boolean;
  /** The context's own brokers, or "local platform". */
  kafka: string;
  securityProtocol: string;
  /** SASL mechanism and user, e.g. "SCRAM-SHA-512 alice". */
  auth: string | null;
  registry: string;
}

export interface ContextList {
  current: string;
  selectedBy: string;
  contexts: ContextListEntry[];
}

function entry(name: string, ctx: ContextConfig, current: string): ContextListEntry {
  const sasl = ctx.kafka?.sasl ?? undefined;
  return {
    name,
    current: name === current,
    builtIn: false,
    readOnly: ctx.readOnly === true,
    kafka: ctx.kafka?.brokers || LOCAL_ORIGIN,
    securityProtocol: securityProtocol({ sasl: ctx.kafka?.sasl ?? undefined, tls: ctx.kafka?.tls ?? undefined }),
    auth: sasl ? `${mechanismName(sasl.mechanism)} ${sasl.username}` : null,
    registry: ctx.registry?.url ? redactUrl(ctx.registry.url) : LOCAL_ORIGIN,
  };
}

/** Every context (the built-in local first), each as configured, and which one is current. */
export function contextList(config: Config): ContextList {
  const current = config.context.name;
  return {
    current,
    selectedBy: config.context.source,
    contexts: [
      {
        name: LOCAL_CONTEXT,
        current: current === LOCAL_CONTEXT,
        builtIn: true,
        readOnly: false,
        kafka: LOCAL_ORIGIN,
        securityProtocol: 'PLAINTEXT',
        auth: null,
        registry: LOCAL_ORIGIN,
      },
      ...Object.entries(config.contexts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, ctx]) => entry(name, ctx, current)),
    ],
  };
}
