import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { RegistryClient, RegistryError, redactUrl, registryFromEndpoints } from '../../src/registry/client.js';
import { mapLimit, pLimit } from '../../src/schemas/limit.js';

/**
 * The registry client against a tiny HTTP server that answers what a test
 * tells it to: the faults a real registry (or a proxy in front of one) can
 * produce, and a counter of requests in flight.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
let server: Server;
let base: string;
let handler: Handler;
let requests: { method: string; url: string; authorization: string | undefined }[];

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
  res.end(JSON.stringify(body));
};
const html = (res: ServerResponse, status: number) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
};

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
  handler = (_req, res) => json(res, 200, { compatibilityLevel: 'BACKWARD' });
});

const failure = async (p: Promise<unknown>): Promise<RegistryError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return err as RegistryError;
  }
  throw new Error('expected a failure');
};

describe('RegistryClient faults', () => {
  it('says the registry answered HTML, not JSON, with the status (a proxy error page: 502, or 200)', async () => {
    const client = new RegistryClient({ url: base });
    handler = (_req, res) => html(res, 502);
    const bad = await failure(client.getGlobalLevel());
    expect(bad.message).toBe(
      `unable to read the global compatibility level: the schema registry at ${base} answered HTML, not JSON (HTTP 502)`,
    );
    expect(bad).toMatchObject({ reason: 'not-json', status: 502, exitCode: ExitCode.Usage });
    expect(bad.hint).toMatch(/failing/);

    handler = (_req, res) => html(res, 200);
    const ok = await failure(client.versions('a-value'));
    expect(ok.message).toBe(
      `unable to list the versions of subject a-value: the schema registry at ${base} answered HTML, not JSON (HTTP 200)`,
    );
    expect(ok.hint).toMatch(/check the registry URL/);

    // A 404 page that isn't JSON is a wrong URL, not a missing subject.
    handler = (_req, res) => html(res, 404);
    expect((await failure(client.version('a-value', 1))).reason).toBe('not-json');

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    };
    expect((await failure(client.listSubjects())).message).toContain('answered plain text, not JSON (HTTP 200)');
  });

  it("gives the registry's own message for a 5xx with a JSON body", async () => {
    handler = (_req, res) => json(res, 500, { error_code: 50001, message: 'Error in the backend data store' });
    const err = await failure(new RegistryClient({ url: base }).listSubjects());
    expect(err.message).toBe(
      `unable to list subjects: the schema registry at ${base} failed (HTTP 500: Error in the backend data store (error code 50001))`,
    );
    expect(err).toMatchObject({ reason: 'server', status: 500, exitCode: ExitCode.Usage });
  });

  it('reports refused credentials as an authentication failure and never echoes them', async () => {
    for (const status of [401, 403]) {
      handler = (_req, res) => json(res, status, { error_code: 40101, message: 'Unauthorized' });
      const client = new RegistryClient({ url: `http://alice:s3cr%40t@127.0.0.1:${new URL(base).port}/apis/ccompat/v7/` });
      expect(client.displayUrl).toBe(`${base}/apis/ccompat/v7`);
      const err = await failure(client.getGlobalLevel());
      expect(err.message).toBe(
        `unable to read the global compatibility level: authentication failed for the schema registry at ${base}/apis/ccompat/v7 (HTTP ${status})`,
      );
      expect(err).toMatchObject({ reason: 'auth', exitCode: ExitCode.Usage });
      expect(`${err.message} ${err.hint} ${err.stack}`).not.toMatch(/alice|s3cr/);
    }
    // The credentials went as basic auth, decoded, and the request line carries none.
    expect(requests.at(-1)).toEqual({
      method: 'GET',
      url: '/apis/ccompat/v7/config',
      authorization: `Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`,
    });
  });

  it('an HTML login page behind 401 is still an authentication failure', async () => {
    handler = (_req, res) => html(res, 401);
    expect((await failure(new RegistryClient({ url: base }).listSubjects())).reason).toBe('auth');
  });

  it('rejects JSON of an unexpected shape', async () => {
    handler = (_req, res) => json(res, 200, { hello: 'world' });
    const err = await failure(new RegistryClient({ url: base }).version('a-value', 1));
    expect(err.message).toBe(
      `unable to read version 1 of subject a-value: the schema registry at ${base} answered with JSON streamctl doesn't expect (HTTP 200)`,
    );
  });

  it('strips credentials from every URL it shows, the unreachable message included', async () => {
    const client = new RegistryClient({ url: 'http://bob:hunter2@127.0.0.1:1' });
    const err = await failure(client.listSubjects());
    expect(err.reason).toBe('unreachable');
    expect(err.message).toContain('schema registry at http://127.0.0.1:1 unreachable');
    let chain = '';
    for (let e: unknown = err; e instanceof Error; e = e.cause) chain += `${e.stack}\n`;
    expect(chain).not.toMatch(/bob|hunter2/);

    expect(redactUrl('http://u:p@host:8081/x/')).toBe('http://host:8081/x');
    expect(redactUrl('not a url://u:p@host')).toBe('not a url://host');
    expect(() => registryFromEndpoints({ registry: { url: 'http://u:pw@ bad host' } })).toThrow(ConfigError);
    try {
      registryFromEndpoints({ registry: { url: 'http://u:pw@ bad host' } });
    } catch (e) {
      expect((e as Error).message).toBe('invalid schema registry URL "http:// bad host"');
    }
  });
});

describe('RegistryClient bounds and caches', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let max = 0;
    handler = async (_req, res) => {
      max = Math.max(max, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      json(res, 200, [1]);
    };
    for (const concurrency of [1, 4]) {
      max = 0;
      const client = new RegistryClient({ url: base, concurrency });
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.versions(`s${i}`)));
      expect(max).toBe(concurrency);
    }
  });

  it('fetches a schema id once, and not at all after a version answered with it', async () => {
    handler = (req, res) =>
      req.url?.startsWith('/schemas/ids/')
        ? json(res, 200, { schema: '"string"' })
        : json(res, 200, { subject: 'a-value', version: 1, id: 7, schema: '"long"' });
    const client = new RegistryClient({ url: base });
    expect(await Promise.all([client.schemaById(3), client.schemaById(3)])).toEqual(['"string"', '"string"']);
    expect(await client.schemaById(3)).toBe('"string"');
    expect(requests.map((r) => r.url)).toEqual(['/schemas/ids/3']);
    await client.version('a-value', 1);
    expect(await client.schemaById(7)).toBe('"long"');
    expect(requests.map((r) => r.url)).toEqual(['/schemas/ids/3', '/subjects/a-value/versions/1']);
  });
});

describe('RegistryClient transport (node:http)', () => {
  it('follows redirects like fetch: to an HTML login page, and 307 keeps a POST and its body', async () => {
    handler = (req, res) => {
      if (req.url === '/config') {
        res.writeHead(302, { location: '/login' });
        res.end();
      } else if (req.url === '/login') {
        html(res, 200);
      } else if (req.url === '/subjects/a-value/versions' && req.method === 'POST') {
        res.writeHead(307, { location: '/v2/subjects/a-value/versions' });
        res.end();
      } else {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () =>
          json(res, 200, { id: (JSON.parse(body) as { schema: string }).schema === '"string"' && req.method === 'POST' ? 5 : -1 }),
        );
      }
    };
    const client = new RegistryClient({ url: base });
    expect((await failure(client.getGlobalLevel())).message).toContain('answered HTML, not JSON (HTTP 200)');
    expect(await client.register('a-value', '"string"')).toEqual({ id: 5 });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /config',
      'GET /login',
      'POST /subjects/a-value/versions',
      'POST /v2/subjects/a-value/versions',
    ]);
  });

  it('drops the credentials on a redirect to another origin', async () => {
    const other = createServer((req, res) => json(res, 200, { compatibilityLevel: req.headers.authorization ? 'FULL' : 'NONE' }));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const elsewhere = `http://localhost:${(other.address() as AddressInfo).port}/config`;
      handler = (_req, res) => {
        res.writeHead(302, { location: elsewhere });
        res.end();
      };
      const client = new RegistryClient({ url: base, auth: { username: 'u', password: 'p' } });
      expect(await client.getGlobalLevel()).toBe('NONE');
      expect(requests[0]!.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('asks for uncompressed answers, and still reads a gzipped one', async () => {
    let asked: string | undefined;
    handler = (req, res) => {
      asked = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(['b-value', 'a-value'])));
    };
    expect(await new RegistryClient({ url: base }).listSubjects()).toEqual(['a-value', 'b-value']);
    expect(asked).toBe('identity');
  });

  it('bounds the whole exchange, body included, by the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('["a-value"'); // …and never the rest
    };
    const started = Date.now();
    const err = await failure(new RegistryClient({ url: base, timeoutMs: 300 }).listSubjects());
    expect(err.message).toBe(`unable to list subjects: schema registry at ${base} unreachable (no answer within 0.3s)`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reuses connections', async () => {
    const sockets = new Set<unknown>();
    handler = (req, res) => {
      sockets.add(req.socket);
      json(res, 200, [1]);
    };
    const client = new RegistryClient({ url: base, concurrency: 2 });
    for (let i = 0; i < 10; i++) await client.versions('a-value');
    expect(sockets.size).toBe(1);
  });
});

describe('pLimit and mapLimit', () => {
  it('bounds, keeps order and stops starting new work after a failure', async () => {
    const limit = pLimit(2);
    let active = 0;
    let max = 0;
    const task = (v: number) =>
      limit(async () => {
        max = Math.max(max, ++active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return v;
      });
    expect(await Promise.all([1, 2, 3, 4, 5].map(task))).toEqual([1, 2, 3, 4, 5]);
    expect(max).toBe(2);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // A function that throws before returning a promise rejects too, and frees its slot.
    const throwsNow = (): Promise<never> => {
      throw new Error('sync');
    };
    await expect(limit(throwsNow)).rejects.toThrow('sync');
    expect(await limit(async () => 'still works')).toBe('still works');

    expect(await mapLimit([3, 1, 2], 2, async (v, i) => `${i}:${v}`)).toEqual(['0:3', '1:1', '2:2']);
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 1, async (v) => {
        started.push(v);
        if (v === 2) throw new Error('stop');
        return v;
      }),
    ).rejects.toThrow('stop');
    expect(started).toEqual([1, 2]);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
