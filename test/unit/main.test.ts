import { describe, expect, it } from 'vitest';
import { main, reportError } from '../../src/main.js';
import { CheckFailedError, ConfigError, ConnectionError, UsageError } from '../../src/errors.js';
import { captureIo } from '../helpers/io.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];

describe('main', () => {
  it('prints help with examples and exits 0', async () => {
    const io = captureIo();
    expect(await main(argv('--help'), io)).toBe(0);
    expect(io.out()).toContain('Usage: streamctl');
    expect(io.out()).toContain('Examples:');
  });

  it('prints the version from package.json', async () => {
    const io = captureIo();
    expect(await main(argv('--version'), io)).toBe(0);
    expect(io.out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('gives every dev verb its own help with examples', async () => {
    for (const verb of ['up', 'down', 'status', 'logs']) {
      const io = captureIo();
      expect(await main(argv('dev', verb, '--help'), io)).toBe(0);
      expect(io.out()).toContain(`streamctl dev ${verb}`);
      expect(io.out()).toContain('Examples:');
    }
  });

  it('exits 2 on an unknown command or option', async () => {
    const io = captureIo();
    expect(await main(argv('nope'), io)).toBe(2);
    expect(io.err()).toContain("unknown command 'nope'");
    const io2 = captureIo();
    expect(await main(argv('dev', 'up', '--bogus'), io2)).toBe(2);
  });

  it('exits 2 on a bad output format', async () => {
    const io = captureIo();
    expect(await main(argv('-o', 'xml', 'dev', 'status'), io)).toBe(2);
    expect(io.err()).toMatch(/xml/);
  });
});

describe('reportError', () => {
  it('maps the error family to exit codes', () => {
    expect(reportError(new UsageError('x'), captureIo(), false)).toBe(2);
    expect(reportError(new ConfigError('x'), captureIo(), false)).toBe(2);
    expect(reportError(new ConnectionError('x'), captureIo(), false)).toBe(2);
    expect(reportError(new CheckFailedError('x'), captureIo(), false)).toBe(1);
  });

  it('prints one line and the hint, and no stack unless verbose', () => {
    const io = captureIo();
    const err = new ConnectionError('unable to start kafka-1: port 9092 is already in use', {
      hint: 'stop it',
      cause: new Error('EADDRINUSE'),
    });
    reportError(err, io, false);
    expect(io.err()).toBe('error: unable to start kafka-1: port 9092 is already in use\nhint: stop it\n');
    const verbose = captureIo();
    reportError(err, verbose, true);
    expect(verbose.err()).toContain('caused by: Error: EADDRINUSE');
    expect(verbose.err()).toMatch(/at .*\(/);
  });

  it('keeps unexpected errors to one line with a hint', () => {
    const io = captureIo();
    expect(reportError(new TypeError('boom\nsecond line'), io, false)).toBe(1);
    expect(io.err().split('\n')[0]).toBe('error: unexpected failure: boom');
    expect(io.err()).not.toMatch(/at .*\(/);
  });
});
