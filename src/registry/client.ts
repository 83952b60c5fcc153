import { ConnectionError, StreamctlError, UsageError, describeCause } from '../errors.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from '../schemas/compat.js';

/** Default timeout of every registry call; a registry that doesn't answer must not hang a command. */
export const REGISTRY_TIMEOUT_MS = 10_000;

export interface RegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. http://localhost:8081/apis/ccompat/v7. */
  url: string;
  /** Per-request timeout. Default: REGISTRY_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Basic auth, sent as a header and never printed. Default: none. */
  auth?: { username: string; password: string };
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
 * A small client for the Confluent Schema Registry REST API (also served by
 * Apicurio's ccompat API). Small on purpose: streamctl needs a handful of
 * calls, typed errors and timeouts, and must never echo credentials.
 */
export class RegistryClient {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: RegistryClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? REGISTRY_TIMEOUT_MS;
    this.headers = {
      accept: 'application/vnd.schemaregistry.v1+json, application/json',
      'content-type': 'application/vnd.schemaregistry.v1+json',
    };
    if (options.auth)
      this.headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }

  /** The base URL without any credentials, for messages. */
  get displayUrl(): string {
    const u = new URL(this.url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  }

  private async call<T>(action: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: T | undefined }> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: this.headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      let reason =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs / 1000}s`
          : describeCause((err as { cause?: unknown }).cause ?? err);
      // undici's word for the ports browsers block (1, 21, 25, 6000…), which fetch never connects to.
      if (reason === 'bad port') reason = `port ${new URL(this.url).port} is a port fetch refuses to connect to`;
      throw new ConnectionError(`unable to ${action}: schema registry at ${this.displayUrl} unreachable (${reason})`, {
        hint: 'check the registry URL (local platform: `streamctl dev up`)',
        cause: err,
      });
    }
    const text = await res.text();
    let data: T | undefined;
    try {
      data = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      data = undefined;
    }
    if (res.status === 401 || res.status === 403) {
      throw new ConnectionError(`unable to ${action}: the schema registry refused the credentials (HTTP ${res.status})`, {
        hint: 'check the registry username and password',
      });
    }
    return { status: res.status, data };
  }

  private static errorMessage(data: unknown): string {
    const d = data as { message?: string; error_code?: number } | undefined;
    return d?.message ?? 'no details';
  }

  /** Registers (or finds) a schema under a subject; idempotent like Confluent's API. */
  async register(subject: string, schema: string): Promise<{ id: number }> {
    const action = `register a schema under subject ${subject}`;
    const r = await this.call<{ id: number; message?: string }>(action, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType: 'AVRO',
    });
    if (r.status === 200 && r.data) return { id: r.data.id };
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
    throw new ConnectionError(`unable to ${action}: HTTP ${r.status} (${RegistryClient.errorMessage(r.data)})`);
  }

  /** The latest version of a subject, or undefined when the subject doesn't exist. */
  async latest(subject: string): Promise<RegisteredSchema | undefined> {
    const action = `read subject ${subject}`;
    const r = await this.call<{ subject: string; id: number; version: number; schema: string }>(
      action,
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/latest`,
    );
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !r.data)
      throw new ConnectionError(`unable to ${action}: HTTP ${r.status} (${RegistryClient.errorMessage(r.data)})`);
    return r.data;
  }

  /** The schema with a given id (ids are global across subjects). */
  async schemaById(id: number): Promise<string> {
    const action = `fetch schema id ${id}`;
    const r = await this.call<{ schema: string }>(action, 'GET', `/schemas/ids/${id}`);
    if (r.status === 404) throw new UsageError(`unable to ${action}: the registry has no schema with that id`);
    if (r.status !== 200 || !r.data)
      throw new ConnectionError(`unable to ${action}: HTTP ${r.status} (${RegistryClient.errorMessage(r.data)})`);
    return r.data.schema;
  }

  /** Every subject that has at least one version, sorted. */
  async listSubjects(): Promise<string[]> {
    const action = 'list subjects';
    const r = await this.call<string[]>(action, 'GET', '/subjects');
    if (r.status !== 200 || !Array.isArray(r.data)) throw RegistryClient.unexpected(action, r);
    return [...r.data].sort();
  }

  /** The version numbers of a subject, oldest first, or undefined when the subject doesn't exist. */
  async versions(subject: string): Promise<number[] | undefined> {
    const action = `list the versions of subject ${subject}`;
    const r = await this.call<number[]>(action, 'GET', `/subjects/${encodeURIComponent(subject)}/versions`);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !Array.isArray(r.data)) throw RegistryClient.unexpected(action, r);
    return [...r.data].sort((a, b) => a - b);
  }

  /** One version of a subject (a number or "latest"), or undefined when the subject or version doesn't exist. */
  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema | undefined> {
    const action = `read version ${version} of subject ${subject}`;
    const r = await this.call<RegisteredSchema>(action, 'GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200 || !r.data) throw RegistryClient.unexpected(action, r);
    return r.data;
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
    if (r.status !== 200 || !r.data) throw RegistryClient.unexpected(action, r);
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
    if (r.status !== 200 || !r.data) throw RegistryClient.unexpected(action, r);
    return RegistryClient.level(action, r.data);
  }

  /** The registry's global compatibility level. */
  async getGlobalLevel(): Promise<CompatibilityLevel> {
    const action = 'read the global compatibility level';
    const r = await this.call<{ compatibilityLevel?: string; compatibility?: string }>(action, 'GET', '/config');
    if (r.status !== 200 || !r.data) throw RegistryClient.unexpected(action, r);
    const level = RegistryClient.level(action, r.data);
    // An unset global level means Confluent's default.
    return level ?? 'BACKWARD';
  }

  /** Sets a subject's compatibility level; works before the subject has versions. */
  async setLevel(subject: string, level: CompatibilityLevel): Promise<void> {
    const action = `set the compatibility level of subject ${subject} to ${level}`;
    const r = await this.call<unknown>(action, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    if (r.status === 422) throw new UsageError(`unable to ${action}: the registry refused it (${RegistryClient.errorMessage(r.data)})`);
    if (r.status !== 200) throw RegistryClient.unexpected(action, r);
  }

  private static unexpected(action: string, r: { status: number; data: unknown }): ConnectionError {
    return new ConnectionError(`unable to ${action}: HTTP ${r.status} (${RegistryClient.errorMessage(r.data)})`);
  }

  private static level(action: string, data: { compatibilityLevel?: string; compatibility?: string }): CompatibilityLevel | undefined {
    // GET answers with compatibilityLevel; some registries answer PUT-style.
    const raw = data.compatibilityLevel ?? data.compatibility;
    if (raw === undefined) return undefined;
    const level = COMPATIBILITY_LEVELS.find((l) => l === raw.toUpperCase());
    if (!level) throw new ConnectionError(`unable to ${action}: the registry answered with an unknown level "${raw}"`);
    return level;
  }
}

/** The registry client for a resolved set of endpoints (every command builds it here). */
export function registryFromEndpoints(endpoints: { registry: { url: string } }, options: Omit<RegistryClientOptions, 'url'> = {}): RegistryClient {
  return new RegistryClient({ ...options, url: endpoints.registry.url });
}
