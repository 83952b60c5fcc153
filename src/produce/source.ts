import type avro from 'avsc';
import { StreamctlError, UsageError, describeCause } from '../errors.js';
import { createGenerator, type DataGenerator } from './datagen.js';
import { parseAvroSchema } from './logical-types.js';
import { createRng } from './random.js';

/**
 * Where the producer loop gets its events from: generated from the schemas or read from
 * --input, already encoded as Kafka keys and values, in a fixed order that a seed repeats.
 * The loop only asks for as many as the pacer releases.
 *
 * Two implementations: `InThreadSource` (here) generates and encodes on demand on the main
 * thread; `WorkerSource` (worker-source.ts) does it ahead of time on a worker thread, which
 * frees the main thread for kafkajs at high rates. Both run the same code on the same seed,
 * so they make the same bytes.
 */
export interface EventSource {
  /**
   * The next `n` events, in order. Fewer only when the source ends (`end` set): the input
   * ran out, or one of its lines was invalid (`end.error`, after the events before it).
   * Throws when an event can't be generated or encoded.
   */
  take(n: number): Promise<SourceBatch>;
  /** Stops generating; events not taken are dropped. */
  close(): Promise<void>;
}

export interface SourceBatch {
  events: ReadyEvent[];
  /** Value bytes of these events. */
  bytes: number;
  /** Set when the source has no more events after these. */
  end?: { error?: unknown };
}

/** One event as kafkajs takes it, with the index of its stream. */
export interface ReadyEvent {
  stream: number;
  key: Buffer | null;
  value: Buffer;
}

export type ValueFormat = 'avro' | 'json';

/** One stream as a source needs it: plain data, so that it can be posted to a worker. */
export interface StreamSpec {
  schemaText: string;
  /** Where the key is in an event (dotted path, split). Default: no key. */
  keyPath?: string[];
  /** Share of the events relative to the other streams. */
  weight: number;
  /** The Confluent wire-format header (magic byte and schema id); needed for avro. */
  header?: Uint8Array;
  /** For error messages. */
  topic: string;
}

export interface GenerationOptions {
  streams: StreamSpec[];
  seed: number;
  /**
   * Set in seeded runs: timestamps then come from a fixed clock that advances by one event
   * at this rate per second, so that the same seed gives the same bytes. Default: wall time.
   */
  seededRate?: number;
}

/** Base of event timestamps in seeded runs: a fixed instant, so that a seed repeats a run byte for byte. */
export const SEEDED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** The generated events of a run in order: which stream each belongs to, and its value. */
export interface EventSequence {
  next(): { stream: number; value: unknown };
}

export function generatedEvents(options: GenerationOptions): EventSequence {
  const { streams, seed, seededRate } = options;
  let eventNo = 0;
  const now = seededRate !== undefined ? () => SEEDED_EPOCH_MS + Math.floor((eventNo * 1000) / seededRate) : Date.now;
  const generators: DataGenerator[] = streams.map((s, i) => createGenerator(s.schemaText, { seed: (seed + i * 7919) >>> 0, now }));
  const choose = streamChooser(streams, seed);
  return {
    next() {
      const stream = choose();
      const value = (generators[stream] as DataGenerator).next();
      eventNo++;
      return { stream, value };
    },
  };
}

/** The seeded weighted choice of the stream of each event. */
export function streamChooser(streams: readonly { weight: number }[], seed: number): () => number {
  if (streams.length === 1) return () => 0;
  const pick = createRng((seed ^ 0x5bd1e995) >>> 0);
  const totalWeight = streams.reduce((n, s) => n + s.weight, 0);
  return () => {
    let r = pick.next() * totalWeight;
    for (let i = 0; i < streams.length; i++) {
      r -= (streams[i] as { weight: number }).weight;
      if (r < 0) return i;
    }
    return streams.length - 1;
  };
}

/** The record key of an event: the field at `path` as text, or null. */
export function keyOf(value: unknown, path: readonly string[] | undefined): string | null {
  if (!path) return null;
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[p];
  }
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Slabs events are encoded into; one per chunk on a worker, shared by many events here. */
export const SLAB_BYTES = 256 * 1024;

/**
 * Encodes events into a caller's buffer: the key's UTF-8 bytes, then the value (Confluent
 * wire format, or JSON). Writing many events into one slab and handing out views of it
 * saves the two allocations and copies per event of toBuffer + concat.
 */
export class EventEncoder {
  private readonly types: avro.Type[];
  /** Where the key of the last event written ends (its value starts there); -1 when it has none. */
  keyEnd = -1;

  constructor(
    private readonly streams: readonly StreamSpec[],
    private readonly format: ValueFormat,
  ) {
    this.types = streams.map((s) => parseAvroSchema(s.schemaText));
  }

  /**
   * Writes the event at `pos`. Returns where it ends, or, when `buf` has no room for it,
   * minus the bytes it needs, at least (whatever was written past `pos` is then garbage).
   * Throws UsageError for a value the schema can't encode.
   */
  write(buf: Buffer, pos: number, stream: number, value: unknown): number {
    const spec = this.streams[stream] as StreamSpec;
    const key = keyOf(value, spec.keyPath);
    let at = pos;
    if (key === null) {
      this.keyEnd = -1;
    } else {
      const size = writeText(buf, at, key);
      if (size < 0) return size;
      at += size;
      this.keyEnd = at;
    }
    try {
      if (this.format === 'json') {
        const size = writeText(buf, at, JSON.stringify(value));
        return size < 0 ? -(at - pos - size) : at + size;
      }
      const header = spec.header as Uint8Array;
      if (buf.length - at < header.length) return -(at - pos + header.length);
      buf.set(header, at);
      at += header.length;
      const end = (this.types[stream] as avro.Type).encode(value, buf, at);
      // avsc returns minus the bytes missing past the end of the buffer.
      return end >= 0 ? end : -(buf.length - end - pos);
    } catch (err) {
      throw new UsageError(`unable to encode an event for ${spec.topic}: ${describeCause(err)}`, { cause: err });
    }
  }
}

/** Writes `text` as UTF-8 at `pos`: its length, or minus its length when it does not fit (nothing written). */
function writeText(buf: Buffer, pos: number, text: string): number {
  const room = buf.length - pos;
  // A UTF-16 unit is at most 3 UTF-8 bytes: only near the end is the exact length needed first.
  if (text.length * 3 <= room) return buf.write(text, pos);
  const size = Buffer.byteLength(text);
  return size > room ? -size : buf.write(text, pos);
}

export interface InThreadSourceOptions extends GenerationOptions {
  format: ValueFormat;
  /** Events to send instead of generated ones (natural JSON, already converted). Default: generate. */
  input?: AsyncIterable<unknown>;
}

/** Generates (or reads) and encodes each event when it is taken, on the calling thread. */
export class InThreadSource implements EventSource {
  private readonly encoder: EventEncoder;
  private readonly generated: EventSequence | undefined;
  private readonly input: AsyncIterator<unknown> | undefined;
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private pos = 0;
  private ended = false;

  constructor(options: InThreadSourceOptions) {
    this.encoder = new EventEncoder(options.streams, options.format);
    if (options.input) this.input = options.input[Symbol.asyncIterator]();
    else this.generated = generatedEvents(options);
  }

  async take(n: number): Promise<SourceBatch> {
    const events: ReadyEvent[] = [];
    let bytes = 0;
    for (let i = 0; i < n && !this.ended; i++) {
      let stream = 0;
      let value: unknown;
      if (this.input) {
        let r: IteratorResult<unknown>;
        try {
          r = await this.input.next();
        } catch (err) {
          // A bad line ends the run; the events before it (these included) still go out.
          this.ended = true;
          return { events, bytes, end: { error: err } };
        }
        if (r.done) {
          this.ended = true;
          return { events, bytes, end: {} };
        }
        value = r.value;
      } else {
        ({ stream, value } = (this.generated as EventSequence).next());
      }
      const event = this.encode(stream, value);
      bytes += event.value.length;
      events.push(event);
    }
    return this.ended ? { events, bytes, end: {} } : { events, bytes };
  }

  private encode(stream: number, value: unknown): ReadyEvent {
    let start = this.pos;
    let end = this.encoder.write(this.slab, start, stream, value);
    while (end < 0) {
      // Full: the rest of this slab stays with the events already handed out.
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, -end));
      start = 0;
      end = this.encoder.write(this.slab, start, stream, value);
    }
    this.pos = end;
    const keyEnd = this.encoder.keyEnd;
    return {
      stream,
      key: keyEnd < 0 ? null : this.slab.subarray(start, keyEnd),
      value: this.slab.subarray(keyEnd < 0 ? start : keyEnd, end),
    };
  }

  close(): Promise<void> {
    this.ended = true;
    return Promise.resolve();
  }
}

/** An error from generation or encoding as plain data, to cross a thread boundary. */
export interface SerializedError {
  message: string;
  hint?: string;
  usage: boolean;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof StreamctlError) return { message: err.message, ...(err.hint ? { hint: err.hint } : {}), usage: err.exitCode === 2 };
  return { message: describeCause(err), usage: false };
}

export function deserializeError(e: SerializedError): Error {
  return e.usage ? new UsageError(e.message, e.hint ? { hint: e.hint } : {}) : new Error(e.message);
}
