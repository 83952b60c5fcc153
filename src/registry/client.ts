import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ConfigError, ConnectionError, describeCause, StreamctlError, UsageError, type StreamctlErrorOptions } from '../errors.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../schemas/compat.js';
import { DEFAULT_CONCURRENCY, pLimit, type Limiter } from '../schemas/limit.js';

/** Default timeout of every registry call; a registry that doesn't answer must not hang a command. */
export const REGISTRY_TIMEOUT_MS = 10_000;

export interface RegistryClientOptions {
  /**
   * Base URL of the Confluent-compatible API, e.g. http://localhost:8081/apis/ccompat/v7.
   * user:password@ in it becomes basic auth (unless `auth` is given) and is never shown.
   */
  url: string;
  /** Per-request timeout, counted from when the request is sent. Default: REGISTRY_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Basic auth, sent as a header and never printed. Default: none (or the URL's user:password). */
  auth?: { username: string; password: string };
  /** Requests in flight at most; more wait their turn. Default: DEFAULT_CONCURRENCY (16). */
  concurrency?: number;
}

export interface RegisteredSchema {
  subject: string;
  id: number;
  version: number;
  schema: string;
  /** Absent for Avro, the registry's default. */
  schemaType?: string;
}

/**
 * Why a registry call failed: no answer at all, refused credentials, an
 * answer that isn't JSON (a proxy's error page, a wrong URL), a server
 * error, or an answer the call doesn't expect.
 */
export type RegistryFailure = 'unreachable' | 'auth' | 'not-json' | 'server' | 'unexpected';

/** A registry call that failed for a reason other than the request itself (exit 2). */
export class RegistryError extends ConnectionError {
  readonly reason: RegistryFailure;
  /** The HTTP status, when there was an answer. */
  readonly status: number | undefined;

  constructor(message: string, reason: RegistryFailure, status: number | undefined, options?: StreamctlErrorOptions) {
    super(message, options);
    this.reason = reason;
    this.status = status;
  }
}

/** A URL for people: user:password@ removed, however malformed the rest is. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url.replace(/\/+$/, '');
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/\/[^/?#]*@/, '//').replace(/\/+$/, '');
  }
}

/** The URL without credentials, and the credentials as basic auth (fetch refuses URLs that carry them). */
function splitCredentials(url: string): { url: string; auth?: { username: string; password: string } } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url: redactUrl(url) };
  }
  if (!u.username && !u.password) return { url: url.replace(/\/+$/, '') };
  const auth = { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  u.username = '';
  u.password = '';
  return { url: u.toString().replace(/\/+$/, ''), auth };
}

/** What a body that isn't JSON looks like, in a word: `HTML`, `XML`, `plain text`. */
function describeBody(contentType: string, text: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const head = text.trimStart().slice(0, 100).toLowerCase();
  if (type.includes('html') || /^<(!doctype html|html|head|body)\b/.test(head)) return 'HTML';
  if (type.includes('xml') || head.startsWith('<?xml')) return 'XML';
  if (type === 'text/plain' || type === '') return 'plain text';
  return `${type} content`;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Thrown when a request runs past its deadline; named like fetch's, so callers tell it apart. */
class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * One HTTP exchange with node:http(s) and a keep-alive agent: a third of the
 * CPU of fetch per request, which shows when a check makes thousands of them
 * on a machine the registry shares. Like fetch it follows redirects (dropping
 * the credentials when the origin changes), decodes a compressed answer, and
 * `timeoutMs` bounds the whole exchange, body included.
 */
function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  const once = (target: URL, verb: string, payload: string | undefined, sent: Record<string, string>): Promise<Answer> =>
    new Promise<Answer>((resolve, reject) => {
      const https = target.protocol === 'https:';
      if (!https && target.protocol !== 'http:') return reject(new Error(`unsupported protocol "${target.protocol}"`));
      const outgoing: OutgoingHttpHeaders = { ...sent };
      if (payload !== undefined) outgoing['content-length'] = Buffer.byteLength(payload);
      const options = { method: verb, headers: outgoing, agent: https ? agents.https : agents.http };
      const req = (https ? httpsRequest : httpRequest)(target, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          try {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: decode(Buffer.concat(chunks), res.headers['content-encoding']),
            });
          } catch (err) {
            reject(err);
          }
        });
      });
      function fail(err: Error): void {
        clearTimeout(timer);
        reject(err);
      }
      const timer = setTimeout(
        () => {
          fail(new TimeoutError('timeout'));
          req.destroy();
        },
        Math.max(1, deadline - Date.now()),
      );
      req.on('error', fail);
      req.end(payload);
    });

  const follow = async (
    target: URL,
    verb: string,
    payload: string | undefined,
    sent: Record<string, string>,
    hops: number,
  ): Promise<Answer> => {
    const answer = await once(target, verb, payload, sent);
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.status) || !location || hops >= MAX_REDIRECTS) return answer;
    const next = new URL(location, target);
    // As fetch does: 303, and 301/302 after a POST, become a GET without a body.
    const get = answer.status === 303 || ((answer.status === 301 || answer.status === 302) && verb === 'POST');
    const nextHeaders = { ...sent };
    if (next.origin !== target.origin) delete nextHeaders.authorization;
    if (get) delete nextHeaders['content-type'];
    return follow(next, get ? 'GET' : verb, get ? undefined : payload, nextHeaders, hops + 1);
  };
  return follow(url, method, body, headers, 0);
}

/** The body as text; a server may compress even when asked not to. */
function decode(body: Buffer, encoding: string | undefined): string {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body).toString('utf8');
    case 'deflate':
      return inflateSync(body).toString('utf8');
    case 'br':
      return brotliDecompressSync(body).toString('utf8');
    default:
      return body.toString('utf8');
  }
}

/**
 * A small client for the Confluent Schema Registry REST API (also served by
 * Apicurio's ccompat API). Small on purpose: streamctl needs a handful of
 * calls, typed errors and timeouts, and must never echo credentials.
 */
export class RegistryClient {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly limit: Limiter;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  /** Schema texts by id: ids are global and a schema never changes under its id. */
  private readonly byId = new Map<number, Promise<string>>();
  /** The base URL without any credentials, for messages. */
  readonly displayUrl: string;

  constructor(options: RegistryClientOptions) {
    const split = splitCredentials(options.url);
    this.url = split.url;
    this.displayUrl = redactUrl(split.url);
    this.timeoutMs = options.timeoutMs ?? REGISTRY_TIMEOUT_MS;
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.limit = pLimit(concurrency);
    // Kept-alive sockets, as many as requests may be in flight; idle ones don't hold the process open.
    this.agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets: concurrency }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: concurrency }),
    };
    this.headers = {
      accept: 'application/vnd.schemaregistry.v1+json, application/json',
      'content-type': 'application/vnd.schemaregistry.v1+json',
      // Answers are small JSON documents: decompressing thousands of them costs more CPU than it saves.
      'accept-encoding': 'identity',
    };
    const auth = options.auth ?? split.auth;
    if (auth) this.headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  private call<T>(action: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: T | undefined }> {
    // The timeout starts when the request leaves, not while it waits for a slot.
    return this.limit(() => this.send<T>(action, method, path, body));
  }

  private async send<T>(action: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: T | undefined }> {
    let res: Answer;
    try {
      const url = new URL(`${this.url}${path}`);
      res = await exchange(url, method, this.headers, body === undefined ? undefined : JSON.stringify(body), this.timeoutMs, this.agents);
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs / 1000}s`
          : describeCause((err as { cause?: unknown }).cause ?? err);
      throw new RegistryError(
        `unable to ${action}: schema registry at ${this.displayUrl} unreachable (${reason})`,
        'unreachable',
        undefined,
        {
          hint: 'check the registry URL (local platform: `streamctl dev up`)',
          cause: err,
        },
      );
    }
    // Credentials first: a proxy's login page is HTML, but the fix is the password, not the URL.
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        `unable to ${action}: authentication failed for the schema registry at ${this.displayUrl} (HTTP ${res.status})`,
        'auth',
        res.status,
        { hint: 'check the registry username and password (registry.username and registry.password, or user:password@ in the URL)' },
      );
    }
    const text = res.text;
    let data: T | undefined;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text) as T;
      } catch {
        const what = describeBody(res.headers['content-type'] ?? '', text);
        throw new RegistryError(
          `unable to ${action}: the schema registry at ${this.displayUrl} answered ${what}, not JSON (HTTP ${res.status})`,
          'not-json',
          res.status,
          {
            hint:
              res.status >= 500
                ? 'the registry, or a proxy in front of it, is failing: try again, and check that the registry is up (local platform: `streamctl dev status`)'
                : 'check the registry URL: it should point at the Confluent-compatible API (Apicurio: …/apis/ccompat/v7), not a web page or a login proxy',
          },
        );
      }
    }
    if (res.status >= 500) {
      throw new RegistryError(
        `unable to ${action}: the schema registry at ${this.displayUrl} failed (HTTP ${res.status}: ${RegistryClient.errorMessage(data)})`,
        'server',
        res.status,
        { hint: 'try again; if it persists, check the registry (local platform: `streamctl dev logs registry`)' },
      );
    }
    return { status: res.status, data };
  }

  /** The registry's own words: Confluent's {error_code, message}, or a JAX-RS {title, detail}. */
  private static errorMessage(data: unknown): string {
    const d = (data ?? {}) as { message?: unknown; error_code?: unknown; detail?: unknown; title?: unknown };
    const message = [d.message, d.detail, d.title].find((m): m is string => typeof m === 'string' && m.trim() !== '');
    if (message) return typeof d.error_code === 'number' ? `${message} (error code ${d.error_code})` : message;
    return typeof d.error_code === 'number' ? `error code ${d.error_code}` : 'no details';
  }

  /** Registers (or finds) a schema under a subject; idempotent like Confluent's API. */
  async register(subject: string, schema: string): Promise<{ id: number }> {
    const action = `register a schema under subject ${subject}`;
    const r = await this.call<{ id: number; message?: string }>(action, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType: 'AVRO',
    });
    if (r.status === 200 && typeof r.data?.id === 'number') return { id: r.data.id };
    if (r.status === 409) {
      throw new StreamctlError(
        `unable to ${action}: incompatible with the registered versions (${RegistryClient.errorMessage(r.data)})`,
        1,
        {
          hint: `compare with \`streamctl schemas diff ${subject}\`, or evolve the schema compatibly`,
        },
      );
    }
    if (r.status === 422)
      throw new UsageError(`unable to ${action}: the registry rejected the schema (${RegistryClient.errorMessage(r.data)})`);
    throw this.unexpected(action, r);
  }

  /** The latest version of a subject, or undefined when the subject doesn't exist. */
  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    return this.fetchVersion(`read subject ${subject}`, subject, 'latest');
  }

  /** The schema with a given id (ids are global across subjects, so it is fetched once per client). */
  schemaById(id: number): Promise<string> {
    let p = this.byId.get(id);
    if (!p) {
      p = this.fetchById(id);
      this.byId.set(id, p);
      // A failure is not cached: the next caller asks again.
      p.catch(() => this.byId.delete(id));
    }
    return p;
  }

  private async fetchById(id: number): Promise<string> {
    const action = `fetch schema id ${id}`;
    const r = await this.call<{ schema: string }>(action, 'GET', `/schemas/ids/${id}`);
    if (r.status === 404) throw new UsageError(`unable to ${action}: the registry has no schema with that id`);
    if (r.status !== 200 || typeof r.data?.schema !== 'string') throw this.unexpected(action, r);
    return r.data.schema;
  }

  /** Every subject that has at least one version, sorted. */
  async listSubjects(): Promise<string[]> {
    const action = 'list subjects';
    const r = await this.call<string[]>(action, 'GET', '/subjects');
    if (r.status !== 200 || !Array.isArray(r.data)) throw this.unexpected(action, r);
    return [...r.data].sort();
  }

  /** The version numbers of a subject, oldest first, or undefined when the subject doesn't exist. */
  async versions(subject: string): Promise<number[] | undefined> {
    const action = `list the versions of subject ${subject}`;
    const r = await this.call<number[]>(action, 'GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !Array.isArray(r.data)) throw this.unexpected(action, r);
    return [...r.data].sort((a, b) => a - b);
  }

  /** One version of a subject (a number or "latest"), or undefined when the subject or version doesn't exist. */
  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    return this.fetchVersion(`read version ${version} of subject ${subject}`, subject, version);
  }

  private async fetchVersion(action: string, subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    const r = await this.call<RegisteredSchema>(action, 'GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || typeof r.data?.schema !== 'string' || typeof r.data.id !== 'number') throw this.unexpected(action, r);
    const found = r.data;
    // The same text as /schemas/ids/<id> answers: later calls for the id need no request.
    if (!this.byId.has(found.id)) this.byId.set(found.id, Promise.resolve(found.schema));
    return found;
  }

  /**
   * The version under which this exact schema is registered (the registry
   * compares canonical forms), or undefined when it is not, or the subject
   * doesn't exist.
   */
  async lookup(subject: string, schema: string): Promise<{ id: number; version: number } | undefined> {
    const action = `look up a schema under subject ${subject}`;
    const r = await this.call<RegisteredSchema>(action, 'POST', `/subjects/${encodeURIComponent(subject)}`, { schema, schemaType: 'AVRO' });
    if (r.status === 404) return undefined;
    if (r.status !== 200 || typeof r.data?.id !== 'number' || typeof r.data.version !== 'number') throw this.unexpected(action, r);
    return { id: r.data.id, version: r.data.version };
  }

  /**
   * The subject's own compatibility level, or undefined when it has none
   * (Confluent answers 404). Apicurio answers with the global level instead,
   * which is the level that applies anyway.
   */
  async getLevel(subject: string): Promise<CompatibilityLevel | undefined> {
    const action = `read the compatibility level of subject ${subject}`;
    const r = await this.call<{ compatibilityLevel?: string; compatibility?: string }>(
      action,
      'GET',
      `/config/${encodeURIComponent(subject)}`,
    );
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !r.data || typeof r.data !== 'object') throw this.unexpected(action, r);
    return this.level(action, r.data);
  }

  /** The registry's global compatibility level. */
  async getGlobalLevel(): Promise<CompatibilityLevel> {
    const action = 'read the global compatibility level';
    const r = await this.call<{ compatibilityLevel?: string; compatibility?: string }>(action, 'GET', '/config');
    if (r.status !== 200 || !r.data || typeof r.data !== 'object') throw this.unexpected(action, r);
    const level = this.level(action, r.data);
    // An unset global level means Confluent's default.
    return level ?? 'BACKWARD';
  }

  /** Sets a subject's compatibility level; works before the subject has versions. */
  async setLevel(subject: string, level: CompatibilityLevel): Promise<void> {
    const action = `set the compatibility level of subject ${subject} to ${level}`;
    const r = await this.call<unknown>(action, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    if (r.status === 422) throw new UsageError(`unable to ${action}: the registry refused it (${RegistryClient.errorMessage(r.data)})`);
    if (r.status !== 200) throw this.unexpected(action, r);
  }

  /** An answer the call doesn't expect: a status it has no meaning for, or JSON of another shape. */
  private unexpected(action: string, r: { status: number; data: unknown }): RegistryError {
    if (r.status >= 200 && r.status < 300) {
      return new RegistryError(
        `unable to ${action}: the schema registry at ${this.displayUrl} answered with JSON streamctl doesn't expect (HTTP ${r.status})`,
        'unexpected',
        r.status,
        { hint: 'check that the URL points at a Confluent-compatible schema registry API (Apicurio: …/apis/ccompat/v7)' },
      );
    }
    return new RegistryError(
      `unable to ${action}: the schema registry at ${this.displayUrl} answered HTTP ${r.status} (${RegistryClient.errorMessage(r.data)})`,
      'unexpected',
      r.status,
      r.status === 404
        ? { hint: 'check the registry URL: it should point at the Confluent-compatible API (Apicurio: …/apis/ccompat/v7)' }
        : {},
    );
  }

  private level(action: string, data: { compatibilityLevel?: string; compatibility?: string }): CompatibilityLevel | undefined {
    // GET answers with compatibilityLevel; some registries answer PUT-style.
    const raw = data.compatibilityLevel ?? data.compatibility;
    if (raw === undefined) return undefined;
    const level = typeof raw === 'string' ? COMPATIBILITY_LEVELS.find((l) => l === raw.toUpperCase()) : undefined;
    if (!level)
      throw new RegistryError(`unable to ${action}: the registry answered with an unknown level "${String(raw)}"`, 'unexpected', 200);
    return level;
  }
}

/**
 * The registry client for a resolved set of endpoints (every command builds it
 * here): basic auth and the timeout of the context apply.
 */
export function registryFromEndpoints(
  endpoints: { registry: { url: string; auth?: { username: string; password: string } }; timeoutMs?: number },
  options: Omit<RegistryClientOptions, 'url'> = {},
): RegistryClient {
  const url = endpoints.registry.url;
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`invalid schema registry URL "${redactUrl(url)}"`, {
      hint: 'set registry.url or STREAMCTL_REGISTRY_URL to e.g. http://localhost:8081',
    });
  }
  const auth = options.auth ?? endpoints.registry.auth;
  const timeoutMs = options.timeoutMs ?? endpoints.timeoutMs;
  return new RegistryClient({ ...options, url, ...(auth ? { auth } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}
