import { describe, expect, it } from 'vitest';
import { collectNames, selectionOf } from '../../src/commands/selection.js';
import { topCommand } from '../../src/commands/top/index.js';
import { UsageError } from '../../src/errors.js';
import { main } from '../../src/main.js';
import { captureIo } from '../helpers/io.js';

const argv = (...args: string[]) => ['node', 'streamctl', ...args];

/** The flags `top` hands to its action, parsed by commander exactly as on the command line. */
async function topFlags(...args: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const cmd = topCommand(captureIo()).action((flags: Record<string, unknown>) => {
    seen = flags;
  });
  await cmd.parseAsync(args, { from: 'user' });
  return seen;
}

describe('--group and --topic (shared by top and lag)', () => {
  it('take exact names, repeated or comma-separated, in order and without duplicates', () => {
    const group = collectNames('--group');
    expect(group('a', undefined)).toEqual(['a']);
    expect(group(' b , c', ['a'])).toEqual(['a', 'b', 'c']);
    expect(group('a,d', ['a', 'b'])).toEqual(['a', 'b', 'd']);
    // Not patterns: `*` is a legal character of a group id.
    expect(group('etl-*', undefined)).toEqual(['etl-*']);
  });

  it('refuse an empty name as a usage error (exit 2)', () => {
    expect(() => collectNames('--topic')('a,,b', undefined)).toThrow(UsageError);
    expect(() => collectNames('--topic')('', undefined)).toThrow('invalid --topic "": a name is empty');
  });

  it('select everything of a kind that is not named', () => {
    expect(selectionOf({})).toEqual({});
    expect(selectionOf({ group: ['a'] })).toEqual({ groups: ['a'] });
    expect(selectionOf({ group: ['a'], topic: ['t', 'u'] })).toEqual({ groups: ['a'], topics: ['t', 'u'] });
  });
});

describe('streamctl top --group / --topic', () => {
  it('parses repeated and comma-separated names into the collector selection', async () => {
    const flags = await topFlags('--group', 'billing,fraud', '-g', 'audit', '--topic', 'orders', '-t', 'payments,orders');
    expect(flags).toMatchObject({ interval: '1s', group: ['billing', 'fraud', 'audit'], topic: ['orders', 'payments'] });
    expect(selectionOf(flags)).toEqual({ groups: ['billing', 'fraud', 'audit'], topics: ['orders', 'payments'] });
    expect(selectionOf(await topFlags())).toEqual({});
  });

  it('rejects an empty name before anything else, with exit 2', async () => {
    const io = captureIo({ STREAMCTL_BROKERS: '127.0.0.1:1' });
    expect(await main(argv('top', '--group', 'a,'), io)).toBe(2);
    expect(io.err()).toContain('error: invalid --group "a,": a name is empty');
  });

  it('documents the selection in its help', async () => {
    const io = captureIo();
    expect(await main(argv('top', '--help'), io)).toBe(0);
    expect(io.out()).toMatch(/-g, --group <groups>\s+only these consumer groups/);
    expect(io.out()).toMatch(/-t, --topic <topics>\s+only these topics, and the groups that read them/);
    expect(io.out()).toContain('streamctl top --topic transactions');
  });
});
