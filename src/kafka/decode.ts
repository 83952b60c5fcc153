import type avro from 'avsc';
import { StreamctlError, describeCause } from '../errors.js';
import { parseAvroSchema } from '../produce/logical-types.js';

/**
 * Turns record keys and values into JSON for `streamctl consume`.
 *
 * Value formats:
 * - avro: the Confluent wire format (magic byte 0, 4-byte schema id, Avro
 *   binary), decoded with the writer's schema fetched from the registry by id
 *   (cached) and streamctl's logical types: decimals are strings, bytes are
 *   strings whose code points are the bytes (Avro's JSON convention, which
 *   `produce --input` reads back);
 * - json: UTF-8 JSON;
 * - raw: UTF-8 text, or base64 when the bytes are not text;
 * - auto: Avro when the magic byte is followed by an id the registry knows,
 *   else JSON when it parses, else text, else base64.
 *
 * Keys are Avro when they carry the wire format with a known id, else text,
 * else base64. A payload that fails to decode yields an error (and its bytes
 * as base64), never an exception; only an unreachable registry stops a run.
 */

export const VALUE_FORMATS = ['auto', 'avro', 'json', 'raw'] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

export interface Decoded {
  value: unknown;
  /** The registry id of the writer schema, for Avro. */
  schemaId?: number;
  /** "base64" when value is the bytes in base64 (they are not text). */
  encoding?: 'base64';
  /** Why the payload could not be decoded as asked; value is then its bytes in base64. */
  error?: string;
}

/** Where writer schemas come from: the registry client's schemaById. */
export interface SchemaLookup {
  schemaById(id: number): Promise<string>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8 without control characters (other than tab and newlines). */
export function asText(buf: Buffer): string | undefined {
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text) ? undefined : text;
}

/** Avro's decoded values as JSON: Buffers (bytes, fixed) become strings of code points 0–255. */
export function toJsonValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

/** A writer schema by id: its type, or why there is none. */
interface SchemaEntry {
  type?: avro.Type;
  problem?: string;
}

/** Decodes Confluent-wire Avro with schemas fetched once per id. */
export class AvroDecoder {
  private readonly entries = new Map<number, Promise<SchemaEntry>>();

  constructor(private readonly registry: SchemaLookup | undefined) {}

  /** Whether `buf` starts like the Confluent wire format. */
  static isWireFormat(buf: Buffer): boolean {
    return buf.length >= 5 && buf[0] === 0;
  }

  /**
   * The writer schema of an id, or why there is none (the registry doesn't
   * know the id, or it is not Avro). An unreachable registry throws: a run
   * can't go on without it.
   */
  schema(id: number): Promise<SchemaEntry> {
    let entry = this.entries.get(id);
    if (!entry) {
      const registry = this.registry;
      entry = registry
        ? registry.schemaById(id).then(
            (text) => {
              try {
                return { type: parseAvroSchema(text) };
              } catch (err) {
                return { problem: `schema id ${id} is not a usable Avro schema (${describeCause(err)})` };
              }
            },
            (err: unknown) => {
              // The client reports 404 (no such id) as a usage error: an unknown id, not a dead registry.
              if (err instanceof StreamctlError && /no schema with that id/.test(err.message)) {
                return { problem: `schema id ${id} is not in the registry` };
              }
              throw err;
            },
          )
        : Promise.resolve({ problem: `schema id ${id}: no registry to look it up` });
      this.entries.set(id, entry);
    }
    return entry;
  }

  async decode(buf: Buffer): Promise<Decoded> {
    if (!AvroDecoder.isWireFormat(buf)) {
      return failed(buf, 'not in the Confluent wire format (no magic byte 0 and schema id)');
    }
    const id = buf.readInt32BE(1);
    const entry = await this.schema(id);
    if (!entry.type) return failed(buf, entry.problem ?? `schema id ${id} is unknown`, id);
    return decodeWith(entry.type, buf, id);
  }
}

function decodeWith(type: avro.Type, buf: Buffer, id: number): Decoded {
  try {
    const value = type.fromBuffer(buf.subarray(5));
    return { value: toJsonValue(value), schemaId: id };
  } catch (err) {
    return failed(buf, `not valid Avro for schema id ${id}: ${describeCause(err)}`, id);
  }
}

function failed(buf: Buffer, error: string, schemaId?: number): Decoded {
  return { value: buf.toString('base64'), encoding: 'base64', error, ...(schemaId !== undefined ? { schemaId } : {}) };
}

function textOrBase64(buf: Buffer): Decoded {
  const text = asText(buf);
  return text !== undefined ? { value: text } : { value: buf.toString('base64'), encoding: 'base64' };
}

/** Decodes a record value as asked; null (a tombstone) stays null. */
export async function decodeValue(buf: Buffer | null, format: ValueFormat, avroDecoder: AvroDecoder): Promise<Decoded> {
  if (buf === null) return { value: null };
  switch (format) {
    case 'avro':
      return avroDecoder.decode(buf);
    case 'json': {
      const text = asText(buf) ?? (buf.length > 0 ? undefined : '');
      if (text === undefined) return failed(buf, 'not UTF-8 text, so not JSON');
      try {
        return { value: JSON.parse(text) };
      } catch (err) {
        return failed(buf, `not valid JSON: ${describeCause(err)}`);
      }
    }
    case 'raw':
      return textOrBase64(buf);
    case 'auto': {
      if (AvroDecoder.isWireFormat(buf)) {
        const id = buf.readInt32BE(1);
        const { type } = await avroDecoder.schema(id);
        if (type) return decodeWith(type, buf, id);
      }
      const text = asText(buf);
      if (text !== undefined && text.trim() !== '') {
        try {
          return { value: JSON.parse(text) };
        } catch {
          return { value: text };
        }
      }
      return textOrBase64(buf);
    }
  }
}

/** Keys: Avro when wire format with a known id, else text, else base64. */
export async function decodeKey(buf: Buffer | null, avroDecoder: AvroDecoder): Promise<Decoded> {
  if (buf === null) return { value: null };
  if (AvroDecoder.isWireFormat(buf)) {
    const id = buf.readInt32BE(1);
    const { type } = await avroDecoder.schema(id);
    if (type) {
      const d = decodeWith(type, buf, id);
      if (!d.error) return d;
    }
  }
  return textOrBase64(buf);
}
