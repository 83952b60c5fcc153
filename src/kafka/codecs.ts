import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { UsageError } from '../errors.js';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

const require = createRequire(import.meta.url);
let registered = false;

/**
 * kafkajs ships only gzip; the other codecs Kafka speaks are plugged in here,
 * once, lazily (zstd's wasm only loads when used). Each is a pure-JS, wasm or
 * npm-prebuilt package, so installs need no compiler or binary downloads.
 */
export async function registerCodecs(): Promise<void> {
  if (registered) return;
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');
  const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer; decompressFrameSync(b: Buffer): Buffer };
  // Kafka's LZ4 is the LZ4 frame format.
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => lz4.compressFrameSync(encoder.buffer),
    decompress: async (buffer: Buffer) => lz4.decompressFrameSync(buffer),
  });
  const zstd = (await import('@bokuweb/zstd-wasm')) as {
    init(): Promise<void>;
    compress(b: Uint8Array, level?: number): Uint8Array;
    decompress(b: Uint8Array): Uint8Array;
  };
  await zstd.init();
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(zstd.compress(encoder.buffer, 3)),
    decompress: async (buffer: Buffer) => Buffer.from(zstd.decompress(buffer)),
  });
  registered = true;
}

export function compressionType(c: Compression): number {
  const t = kafkajs.CompressionTypes;
  switch (c) {
    case 'none':
      return t.None;
    case 'gzip':
      return t.GZIP;
    case 'snappy':
      return t.Snappy;
    case 'lz4':
      return t.LZ4;
    case 'zstd':
      return t.ZSTD;
  }
}

export function parseCompression(s: string): Compression {
  if ((COMPRESSIONS as readonly string[]).includes(s)) return s as Compression;
  throw new UsageError(`unknown compression "${s}"`, { hint: `use one of: ${COMPRESSIONS.join(', ')}` });
}
