import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ask, confirmOrRefuse } from '../../src/commands/confirm.js';
import { ConnectionError, UsageError } from '../../src/errors.js';
import { classifyKafkaFailure, kafkaFailure, patchKafkajsRequestQueue, type KafkaEndpoints } from '../../src/kafka/client.js';
import { parseConfigPairs, validateTopicName } from '../../src/kafka/topics-admin.js';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const sasl: KafkaEndpoints = {
  kafka: { brokers: ['k1:9093'], sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'Sup3r-s3cret' } },
  context: 'prod',
};
const tls: KafkaEndpoints = { kafka: { brokers: ['k1:9093'], ssl: true }, context: 'prod' };

/** kafkajs's SASL error, whose typings take no message. */
const SaslError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

/** kafkajs wraps what happened in retry errors; the classification digs it out. */
const wrapped = (e: Error) => {
  const outer = new kafkajs.KafkaJSNonRetriableError(e);
  return outer;
};

describe('classifyKafkaFailure', () => {
  it('wrong credentials: one line naming the user, never the password', () => {
    const err = wrapped(
      new SaslError(
        'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
      ),
    );
    const e = kafkaFailure('list topics', sasl, err);
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('authentication failed for user alice');
    expect(e.hint).toMatch(/context prod \(SCRAM-SHA-512 at k1:9093\)/);
    expect(`${e.message} ${e.hint}`).not.toContain('Sup3r-s3cret');
  });

  it('a mechanism the broker does not offer', () => {
    const c = classifyKafkaFailure(new SaslError('SASL SCRAM SHA512 mechanism is not supported by the server'), sasl);
    expect(c?.message).toMatch(/do not offer SASL mechanism SCRAM-SHA-512/);
  });

  it('SASL against a plaintext listener', () => {
    const err = new kafkajs.KafkaJSProtocolError({
      message: 'Request is not valid given the current SASL state',
      type: 'ILLEGAL_SASL_STATE',
      code: 34,
    } as never);
    expect(classifyKafkaFailure(err, sasl)).toMatchObject({
      kind: 'sasl-listener',
      message: 'the broker at k1:9093 does not take SASL on this listener',
    });
  });

  it.each([
    ['self-signed certificate in certificate chain', /not signed by a trusted CA/, /set kafka.tls.ca of context prod/],
    ['unable to verify the first certificate', /not signed by a trusted CA/, /kafka.tls.ca/],
    [
      "Hostname/IP does not match certificate's altnames: Host: k1. is not in the cert's altnames",
      /not valid for this host name/,
      /subject alternative names/,
    ],
    ['Client network socket disconnected before secure TLS connection was established', /did not answer with TLS/, /remove kafka.tls/],
  ])('TLS: %s', (text, message, hint) => {
    const err = wrapped(new kafkajs.KafkaJSConnectionError(`Connection error: ${text}`, { broker: 'k1:9093' } as never));
    const c = classifyKafkaFailure(err, tls);
    expect(c?.kind).toBe('tls');
    expect(c?.message).toMatch(/^TLS handshake with k1:9093 failed: /);
    expect(c?.message).toMatch(message);
    expect(c?.hint).toMatch(hint);
  });

  it('unreachable brokers', () => {
    const refused = new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', {
      broker: 'localhost:1',
    } as never);
    expect(
      kafkaFailure('list topics', { kafka: { brokers: ['localhost:1'] } }, new kafkajs.KafkaJSNonRetriableError(refused)).message,
    ).toBe('unable to list topics: connection refused by 127.0.0.1:1');
  });

  it('leaves streamctl errors alone and words anything else with the action', () => {
    const usage = new UsageError('topic "x" does not exist');
    expect(kafkaFailure('describe topic x', sasl, usage)).toBe(usage);
    expect(kafkaFailure('describe topic x', sasl, new Error('boom')).message).toBe('unable to describe topic x: boom');
  });
});

describe('confirmations', () => {
  const ttyIo = (answer: string | undefined) => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const io = { ...captureIo(), stdin };
    io.stderr = { write: io.stderr.write, isTTY: true };
    if (answer !== undefined) setTimeout(() => stdin.write(answer), 5);
    return io;
  };

  it('reads y or yes as yes, anything else as no', async () => {
    expect(await ask(ttyIo('y\n'), 'Delete?')).toBe(true);
    expect(await ask(ttyIo('YES\n'), 'Delete?')).toBe(true);
    expect(await ask(ttyIo('n\n'), 'Delete?')).toBe(false);
    expect(await ask(ttyIo('\n'), 'Delete?')).toBe(false);
  });

  it('asks on a terminal, refuses elsewhere unless --yes', async () => {
    await expect(confirmOrRefuse(ttyIo('y\n'), 'Delete?', { what: 'delete topic x' })).resolves.toBeUndefined();
    await expect(confirmOrRefuse(ttyIo('no\n'), 'Delete?', { what: 'delete topic x' })).rejects.toThrow('delete topic x: cancelled');
    await expect(confirmOrRefuse(captureIo(), 'Delete?', { what: 'delete topic x' })).rejects.toThrow(
      'refusing to delete topic x without confirmation: not a terminal',
    );
    await expect(confirmOrRefuse(captureIo(), 'Delete?', { what: 'x', yes: true })).resolves.toBeUndefined();
  });
});

describe('topic flags', () => {
  it('parses -c key=value', () => {
    expect(parseConfigPairs(['retention.ms=1000', 'cleanup.policy=compact,delete', 'a=b=c'])).toEqual({
      'retention.ms': '1000',
      'cleanup.policy': 'compact,delete',
      a: 'b=c',
    });
    expect(() => parseConfigPairs(['retention.ms'])).toThrow(/invalid config "retention.ms"/);
    expect(() => parseConfigPairs(['=1'])).toThrow(/invalid config "=1"/);
  });

  it('checks topic names', () => {
    expect(() => validateTopicName('orders.v1_x-y')).not.toThrow();
    for (const bad of ['', '.', '..', 'a b', 'a/b', 'x'.repeat(250)]) expect(() => validateTopicName(bad)).toThrow(/invalid topic name/);
  });
});

describe('read-only contexts', () => {
  it('refuse every destructive command before connecting, with exit 2', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const root = mkdtempSync(join(tmpdir(), 'streamctl-ro-'));
    mkdirSync(join(root, 'streamctl'));
    // Nothing listens on port 1: a command that got as far as connecting would fail differently.
    writeFileSync(
      join(root, 'streamctl', 'config.yaml'),
      'currentContext: prod\ncontexts:\n  prod:\n    kafka: { brokers: "127.0.0.1:1" }\n    readOnly: true\n',
    );
    const env = { XDG_CONFIG_HOME: root, STREAMCTL_DEV_HOME: join(root, 'dev') };
    for (const args of [
      ['topics', 'create', 'x'],
      ['topics', 'delete', 'x', '--yes'],
      ['topics', 'alter', 'x', '-p', '5'],
      ['groups', 'reset-offsets', 'g', '--topic', 'x', '--to-earliest', '--execute'],
      ['produce', '--events', '1', '--format', 'json', '--topic', 'x', '--schema', 'schemas/user_event.avsc'],
    ]) {
      const io = captureIo(env, process.cwd());
      expect(await main(['node', 'streamctl', ...args], io), args.join(' ')).toBe(2);
      expect(io.err()).toMatch(/^error: refusing to .*: context "prod" is read-only\nhint: /);
    }
  });
});

describe('help', () => {
  it('gives every new verb its own help with examples', async () => {
    for (const args of [
      ['context'],
      ['context', 'list'],
      ['context', 'use'],
      ['context', 'show'],
      ['context', 'add'],
      ['topics'],
      ['topics', 'list'],
      ['topics', 'describe'],
      ['topics', 'create'],
      ['topics', 'delete'],
      ['topics', 'alter'],
      ['consume'],
      ['groups'],
      ['groups', 'list'],
      ['groups', 'describe'],
      ['groups', 'reset-offsets'],
    ]) {
      const io = captureIo();
      expect(await main(['node', 'streamctl', ...args, '--help'], io), args.join(' ')).toBe(0);
      expect(io.out()).toContain(`streamctl ${args.join(' ')}`);
      expect(io.out()).toContain('Examples:');
    }
    const top = captureIo();
    await main(['node', 'streamctl', '--help'], top);
    expect(top.out()).toContain('--context <name>');
  });
});

describe("kafkajs's request queue idle loop (kafkajs#1704, #1751)", () => {
  it('is not re-armed with nothing pending; a pending request or a throttle still schedules a check', () => {
    patchKafkajsRequestQueue();
    const require = createRequire(import.meta.url);
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
      prototype: { scheduleCheckPendingRequests(this: unknown): void };
    };
    const queue = (pending: unknown[], throttledUntil: number) => ({
      pending,
      throttledUntil,
      throttleCheckTimeoutId: null as NodeJS.Timeout | null,
      checkPendingRequests: () => {},
    });
    const idle = queue([], -1);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(idle);
    expect(idle.throttleCheckTimeoutId).toBeNull();
    const waiting = queue([{}], -1);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(waiting.throttleCheckTimeoutId!);
    const throttled = queue([], Date.now() + 5_000);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId!);
  });
});
