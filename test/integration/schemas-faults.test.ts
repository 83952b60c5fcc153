import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/platform.js';

/**
 * The real binary against a registry that misbehaves: a tiny HTTP server on
 * 127.0.0.1 that answers what each test tells it to (a proxy's HTML error
 * page, a 500, a 401). A fault injector, not a registry: everything a working
 * registry does is tested against the real one in schemas.test.ts.
 */

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let port: number;
let base: string;
let handler: Handler;
let seen: { method: string; url: string; authorization: string | undefined }[];
let dir: string;

const SUBJECT = 'faults-value';
const HTML =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n';
const html =
  (status: number): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(HTML);
  };
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  dir = mkdtempSync(join(tmpdir(), 'streamctl-it-faults-'));
  mkdirSync(join(dir, 'avro'));
  writeFileSync(join(dir, 'streamctl.yaml'), `schemas:\n  subjects:\n    ${SUBJECT}:\n      file: avro/payment.avsc\n`);
  writeFileSync(
    join(dir, 'avro', 'payment.avsc'),
    JSON.stringify({
      type: 'record',
      name: 'Payment',
      namespace: 'io.streamctl.it',
      doc: 'A payment.',
      fields: [{ name: 'id', type: 'string', doc: 'The id.' }],
    }),
  );
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
});

const run = (args: string[], url = base) => cli(args, { cwd: dir, env: { STREAMCTL_REGISTRY_URL: url }, timeoutMs: 30_000 });
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error:'));

describe('streamctl schemas against a misbehaving registry (real binary, fault-injecting server)', () => {
  it('exits 2 when a proxy answers an HTML error page (HTTP 502), naming the URL and the status', async () => {
    handler = html(502);
    const r = await run(['schemas', 'check']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: unable to check schemas against the registry: the schema registry at ${base} answered HTML, not JSON (HTTP 502)\n` +
        'hint: the registry, or a proxy in front of it, is failing: try again, and check that the registry is up (local platform: `streamctl dev status`)\n',
    );
  });

  it('exits 2 when the URL answers a web page with HTTP 200 (a wrong URL, a login page)', async () => {
    handler = html(200);
    for (const args of [
      ['schemas', 'list'],
      ['schemas', 'show', SUBJECT],
      ['schemas', 'register'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(new RegExp(`^error: unable to .*: the schema registry at ${base} answered HTML, not JSON \\(HTTP 200\\)$`)),
      ]);
      expect(r.stderr).toContain('hint: check the registry URL: it should point at the Confluent-compatible API');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 when HTML comes only for a subject, after the first call succeeded', async () => {
    handler = (req, res) => (req.url === '/config' ? json(res, 200, { compatibilityLevel: 'BACKWARD' }) : html(502)(req, res));
    const r = await run(['schemas', 'check']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error: unable to (list the versions|read the compatibility level) of subject ${SUBJECT}: the schema registry at ${base} answered HTML, not JSON \\(HTTP 502\\)$`,
        ),
      ),
    ]);
  });

  it("exits 2 with the registry's own message on a 5xx with a JSON body", async () => {
    handler = (req, res) =>
      req.url === '/config'
        ? json(res, 200, { compatibilityLevel: 'BACKWARD' })
        : json(res, 500, { error_code: 50001, message: 'Error in the backend data store' });
    const show = await run(['schemas', 'show', SUBJECT]);
    expect(show.code).toBe(2);
    expect(errorLines(show.stderr)).toEqual([
      `error: unable to read version latest of subject ${SUBJECT}: the schema registry at ${base} failed (HTTP 500: Error in the backend data store (error code 50001))`,
    ]);
    const check = await run(['schemas', 'check']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('failed (HTTP 500: Error in the backend data store (error code 50001))');
  });

  it('exits 2 on wrong credentials, sent as basic auth and never echoed, not even with --verbose', async () => {
    handler = (_req, res) => json(res, 401, { error_code: 40101, message: 'Unauthorized' });
    const url = `http://ci-bot:Sup3r%2FS3cret@127.0.0.1:${port}`;
    const verbs = [
      ['schemas', 'check'],
      ['schemas', 'register'],
      ['schemas', 'list'],
      ['schemas', 'show', SUBJECT],
      ['schemas', 'diff', SUBJECT],
    ];
    for (const args of verbs) {
      for (const verbose of [[], ['--verbose']]) {
        const r = await run([...verbose, ...args], url);
        expect(r.code, args.join(' ')).toBe(2);
        expect(errorLines(r.stderr)[0]).toMatch(
          new RegExp(`^error: unable to .*: authentication failed for the schema registry at ${base} \\(HTTP 401\\)$`),
        );
        expect(r.stderr).toContain('hint: check the registry username and password');
        expect(r.stdout + r.stderr).not.toMatch(/ci-bot|Sup3r|S3cret/);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(verbs.length * 2);
    for (const s of seen) expect(s.authorization).toBe(`Basic ${Buffer.from('ci-bot:Sup3r/S3cret').toString('base64')}`);
  });

  it('a 403 is an authentication failure too', async () => {
    handler = (_req, res) => json(res, 403, { error_code: 40301, message: 'User cannot access the resource.' });
    const r = await run(['schemas', 'list']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `error: unable to read the global compatibility level: authentication failed for the schema registry at ${base} (HTTP 403)`,
    ]);
  });

  it('exits 2 when the registry accepts the connection but never answers', async () => {
    handler = () => {
      // Never answers; the client's timeout ends the wait.
    };
    const r = await cli(['schemas', 'check'], {
      cwd: dir,
      env: { STREAMCTL_REGISTRY_URL: base, STREAMCTL_TIMEOUT: '1s' },
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)[0]).toMatch(
      new RegExp(
        `^error: unable to check schemas against the registry: schema registry at ${base} unreachable \\(no answer within \\d+s\\)$`,
      ),
    );
  }, 30_000);
});
