import { MultipleErrors, NetworkError, ProtocolError, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { describePlatformaticError } from '../../src/kafka/producer-platformatic.js';
import { chooseProducerClient, zlibHasZstd } from '../../src/kafka/producer.js';
import { RecordPartitioner, murmur2 } from '../../src/produce/partitioner.js';

describe('chooseProducerClient', () => {
  it('defaults to @platformatic/kafka and honours an explicit choice', () => {
    expect(chooseProducerClient(undefined, 'none')).toBe('platformatic');
    expect(chooseProducerClient(undefined, 'lz4')).toBe('platformatic');
    expect(chooseProducerClient('kafkajs', 'gzip')).toBe('kafkajs');
  });

  it('uses kafkajs for zstd where node:zlib has no zstd, and refuses an explicit platformatic there', () => {
    if (zlibHasZstd) {
      expect(chooseProducerClient(undefined, 'zstd')).toBe('platformatic');
    } else {
      expect(chooseProducerClient(undefined, 'zstd')).toBe('kafkajs');
      expect(() => chooseProducerClient('platformatic', 'zstd')).toThrow(UsageError);
    }
  });
});

describe('describePlatformaticError', () => {
  it('names a refused connection from inside the retry aggregate', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const network = new NetworkError('Connection to localhost:9 failed.', { cause: refused });
    const err = new MultipleErrors('produce failed 3 times.', [network, network, network]);
    expect(describePlatformaticError(err)).toBe('connection refused by localhost:9');
  });

  it("gives the broker's error of the latest attempt", () => {
    const tooLarge = new ProtocolError('MESSAGE_TOO_LARGE');
    const response = new ResponseError(0, 11, { '/responses/0/partition_responses/0': [10, null] }, {});
    const err = new MultipleErrors('Producing messages failed.', [response]);
    const text = describePlatformaticError(err);
    expect(text).toMatch(/larger than the max message size/);
    expect(text).toContain('MESSAGE_TOO_LARGE');
    expect(describePlatformaticError(new MultipleErrors('x', [tooLarge]))).toMatch(/MESSAGE_TOO_LARGE/);
  });

  it('falls back to the message of anything else', () => {
    expect(describePlatformaticError(new Error('boom'))).toBe('boom');
  });
});

describe('RecordPartitioner', () => {
  it('puts keyed records where the Java client does (murmur2, positive, modulo)', () => {
    const p = new RecordPartitioner();
    for (const key of ['acct-1', 'acct-2', 'ÄÖÜ', '']) {
      const bytes = Buffer.from(key);
      expect(p.partition('t', bytes, 12)).toBe((murmur2(bytes) & 0x7fffffff) % 12);
    }
  });

  it('spreads unkeyed records evenly, per topic, over the available partitions only', () => {
    const p = new RecordPartitioner();
    const picks = Array.from({ length: 300 }, () => p.partition('a', null, 3));
    expect([0, 1, 2].map((i) => picks.filter((x) => x === i).length)).toEqual([100, 100, 100]);
    const some = Array.from({ length: 200 }, () => p.partition('b', null, 4, [1, 3]));
    expect(new Set(some)).toEqual(new Set([1, 3]));
  });
});
