import avro from 'avsc';
import { ExitCode, StreamctlError } from '../errors.js';
import { indexJson, JsonScanError, lineColumnAt, type JsonPositions } from './json-positions.js';
import { lintSchema } from './lint.js';
import { buildModel, isPrimitiveName, SchemaModelError, type SchemaModel } from './model.js';

/** A schema file that can't be read as an Avro schema, located in its text. */
export interface SchemaSourceError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** Plain words, without the location. */
  message: string;
  /** What to change, when there is something specific to say. */
  hint?: string;
}

export interface ParsedSchema {
  file: string;
  text: string;
  /** The schema as JSON.parse returned it. */
  json: unknown;
  /** Named types resolved the way Java's Schema.Parser resolves them; what lint and compatibility work on. */
  model: SchemaModel;
  /** Offsets of every JSON value, by JSON pointer. */
  positions: JsonPositions;
  /**
   * avsc's Type, for encoding and decoding. Undefined when avsc refuses the
   * schema for a reason lintSchema reports as an error (an invalid default,
   * name or enum symbol): such a schema can be checked but not used. Also
   * undefined when parsed with `{ types: false }`.
   */
  type: avro.Type | undefined;
  /** avsc's reason, when `type` is undefined. */
  typeError?: string;
}

export type ParseResult = { ok: true; schema: ParsedSchema } | { ok: false; error: SchemaSourceError };

/**
 * Thrown by parseSchemaOrThrow. A file that is not an Avro schema at all
 * (broken JSON, an unknown type) is bad input, like a bad flag: exit 2. An
 * incompatible or badly linted schema is a failed check instead (exit 1).
 */
export class SchemaParseError extends StreamctlError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The message without the location. */
  readonly detail: string;

  constructor(error: SchemaSourceError) {
    super(
      `${error.file}:${error.line}:${error.column}: ${error.message}`,
      ExitCode.Usage,
      error.hint === undefined ? {} : { hint: error.hint },
    );
    this.file = error.file;
    this.line = error.line;
    this.column = error.column;
    this.detail = error.message;
  }
}

export interface ParseOptions {
  /**
   * Build avsc's Type too. Default: true. A registered version that is only a
   * baseline for compatibility needs just the model, and the Type is most of
   * the cost of parsing (it matters when a check reads thousands of versions).
   */
  types?: boolean;
}

/** Reads the text of an .avsc file; `file` only names it in errors. */
export function parseSchema(text: string, file: string, options: ParseOptions = {}): ParseResult {
  // A byte-order mark becomes a space, which JSON allows, so offsets stay those of `text`.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const fail = (offset: number, message: string, hint?: string): ParseResult => ({
    ok: false,
    error: { file, ...lineColumnAt(text, offset), message, ...(hint === undefined ? {} : { hint }) },
  });

  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    const syntax = describeJsonError(body, (err as Error).message);
    return fail(syntax.offset, syntax.message, syntax.hint);
  }
  const positions = indexJson(body);

  let model: SchemaModel;
  try {
    model = buildModel(json);
  } catch (err) {
    if (!(err instanceof SchemaModelError)) throw err;
    return fail(positions.get(err.ptr)?.value ?? 0, err.message, err.hint);
  }

  const parsed: ParsedSchema = { file, text, json, model, positions, type: undefined };
  if (options.types === false) return { ok: true, schema: parsed };
  try {
    parsed.type = avscType(json);
    return { ok: true, schema: parsed };
  } catch (err) {
    const reason = (err as Error).message;
    // Lint says the same thing better, with a path and a location.
    if (lintSchema(parsed).some((f) => f.severity === 'error')) return { ok: true, schema: { ...parsed, typeError: reason } };
    return fail(guessOffset(body, reason), `avsc can't use this schema: ${reason}`);
  }
}

export function parseSchemaOrThrow(text: string, file: string): ParsedSchema {
  const result = parseSchema(text, file);
  if (!result.ok) throw new SchemaParseError(result.error);
  return result.schema;
}

const AVSC_TYPE_NAMES = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map', 'request']);

function avscType(json: unknown): avro.Type {
  return avro.Type.forSchema(structuredClone(json) as avro.Schema, {
    // Two references Java accepts and avsc does not: a name from the null
    // namespace used inside a namespace, and {"type": "SomeNamedType"}.
    typeHook: (schema, opts) => {
      if (typeof schema === 'string' && !isPrimitiveName(schema) && !schema.includes('.') && opts.namespace) {
        if (!opts.registry[`${opts.namespace}.${schema}`] && opts.registry[schema]) return opts.registry[schema];
      }
      if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) {
        const t = (schema as { type?: unknown }).type;
        if (typeof t === 'string' && !isPrimitiveName(t) && !AVSC_TYPE_NAMES.has(t)) return avro.Type.forSchema(t, opts);
      }
      return undefined;
    },
  });
}

interface JsonSyntax {
  offset: number;
  message: string;
  hint?: string;
}

/** Turns V8's JSON.parse message into a location and plain words. */
function describeJsonError(text: string, v8Message: string): JsonSyntax {
  if (text.trim() === '') return { offset: 0, message: 'the file is empty', hint: 'an .avsc file holds one JSON schema' };
  let offset: number | undefined;
  const at = /at position (\d+)/.exec(v8Message);
  if (at) offset = Number(at[1]);
  let scanMessage: string | undefined;
  try {
    indexJson(text);
  } catch (err) {
    if (err instanceof JsonScanError) {
      offset ??= err.offset;
      scanMessage = err.message;
    }
  }
  offset ??= text.length;
  let message = v8Message
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '');
  if (/^Unexpected end of JSON input/.test(message) || offset >= text.length) message = 'the JSON ends too early';
  if (!at && scanMessage && /is not valid JSON/.test(v8Message)) message = scanMessage;
  message = `invalid JSON: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;

  const here = text[offset];
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  let hint: string | undefined;
  if ((here === '}' || here === ']') && text[before] === ',') hint = 'JSON allows no comma after the last element';
  else if (here === '/') hint = 'JSON has no comments; put notes in "doc"';
  else if (here === "'") hint = 'JSON strings use double quotes';
  else if (offset >= text.length) hint = 'a closing } or ] or a quote is missing';
  else if (here === '"' && (text[before] === '"' || text[before] === '}' || text[before] === ']' || /[\w]/.test(text[before] ?? ''))) {
    hint = 'a comma is missing before this';
  }
  return { offset, message, ...(hint === undefined ? {} : { hint }) };
}

/** Best effort for the rare avsc refusal the model did not foresee: the first quoted name in its message. */
function guessOffset(text: string, reason: string): number {
  for (const m of reason.matchAll(/"([^"\\]+)"|: ([\w.]+)$/g)) {
    const token = m[1] ?? m[2];
    if (!token) continue;
    const at = text.indexOf(`"${token}"`);
    if (at >= 0) return at;
  }
  return 0;
}
