import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type avro from 'avsc';
import { UsageError } from '../errors.js';
import {
  DecimalType,
  LONG_MAX,
  MILLIS_PER_DAY,
  TemporalType,
  UuidType,
  decimalFitError,
  formatDecimal,
  isUuid,
  parseDecimalText,
  rescaleDecimal,
} from './logical-types.js';

/**
 * Natural JSON → Avro values. People write `{"amount": 12.5, "symbol": null}`,
 * not Avro's JSON encoding with its union wrappers (`{"symbol": {"string":
 * "AAPL"}}`), so unions are resolved from the value itself and logical types
 * take the forms people use. The wrapped form is still accepted where the
 * natural reading fails.
 *
 * | Avro type | accepted JSON |
 * | --- | --- |
 * | int, long | integer numbers (long: exact JS range, ±2^53) |
 * | float, double | numbers, and "NaN", "Infinity", "-Infinity" |
 * | bytes, fixed | a string whose code points U+0000–U+00FF are the bytes (Avro's JSON convention, as avsc and kafka-avro-console-producer write them), or an array of byte values 0–255 |
 * | enum | a symbol |
 * | record | an object; missing fields take their default, or null when nullable; unknown fields are errors |
 * | union | the plain value of one branch, or `{"<branch name>": value}` |
 * | decimal | a number or a numeric string; never rounded: more fractional digits than the scale or more digits than the precision are errors |
 * | uuid | an 8-4-4-4-12 hex string |
 * | timestamp-*, local-timestamp-* | an ISO-8601 string ("2026-11-25T20:46:00.123Z"; no offset means UTC; local-* take none) or a number of epoch units |
 * | date | "2026-11-25" or days since 1970-01-01 |
 * | time-millis, time-micros | "20:46:00.123" or units after midnight |
 *
 * The result is in the representation of `logical-types.ts`: the Type must
 * come from `parseAvroSchema` (or be built with `avroLogicalTypes`).
 */

/** A JSON value that does not fit the schema; `path` names the field ("a.b[2]"), empty for the event itself. */
export class JsonValueError extends UsageError {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path ? `field "${path}": ${reason}` : reason);
    this.path = path;
    this.reason = reason;
  }
}

class Mismatch extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Converts one natural-JSON value to a valid Avro value for `type`; throws JsonValueError. */
export function jsonToAvro(type: avro.Type, value: unknown): unknown {
  try {
    return convert(type, value, '');
  } catch (err) {
    if (err instanceof Mismatch) throw new JsonValueError(err.path, err.reason);
    throw err;
  }
}

/** Parses one line of JSON Lines input; errors name the line and the field. */
export function parseJsonLine(type: avro.Type, line: string, lineNo: number): unknown {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new UsageError(`invalid event on line ${lineNo}: not valid JSON (${(err as Error).message})`, {
      hint: 'write one JSON object per line',
    });
  }
  try {
    return convert(type, json, '');
  } catch (err) {
    if (!(err instanceof Mismatch)) throw err;
    const where = err.path ? `, field "${err.path}"` : '';
    throw new UsageError(`invalid event on line ${lineNo}${where}: ${err.reason}`);
  }
}

/**
 * Reads JSON Lines (one event per line; blank lines skipped; CRLF and a
 * leading BOM tolerated) and yields Avro values. Stops at the first invalid
 * line with a UsageError naming it.
 */
export async function* readJsonLines(
  input: NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>,
  type: avro.Type,
): AsyncGenerator<unknown, void, undefined> {
  const stream = isNodeStream(input) ? input : Readable.from(input);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      yield parseJsonLine(type, line, lineNo);
    }
  } finally {
    lines.close();
  }
}

function isNodeStream(input: unknown): input is NodeJS.ReadableStream {
  return typeof (input as NodeJS.ReadableStream).pipe === 'function';
}

// ---------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? child(path, key) : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `string ${JSON.stringify(s)}`;
    }
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function fail(path: string, expected: string, value: unknown): never {
  throw new Mismatch(path, `expected ${expected}, got ${describe(value)}`);
}

/** Human name of a type for "expected …" messages. */
function label(type: avro.Type): string {
  const t = type.typeName;
  if (type instanceof DecimalType) return `decimal(${type.precision},${type.scale})`;
  if (t.startsWith('logical:')) return t.slice(8);
  if (t === 'record' || t === 'error') return `record ${shortName(type.name)}`;
  if (t === 'enum') return `enum ${shortName(type.name)}`;
  if (t === 'fixed') return `fixed ${shortName(type.name)}`;
  return t;
}

function shortName(name: string | undefined): string {
  return (name ?? '').split('.').pop() ?? '';
}

function convert(type: avro.Type, value: unknown, path: string): unknown {
  const t = type.typeName;
  switch (t) {
    case 'null':
      if (value !== null) fail(path, 'null', value);
      return null;
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
        fail(path, 'an integer from -2147483648 to 2147483647 (int)', value);
      }
      return value;
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > LONG_MAX) {
        fail(path, `an integer within ±${LONG_MAX} (long; larger values lose precision in JSON)`, value);
      }
      return value;
    case 'float':
    case 'double':
      return toFloat(value, path, t);
    case 'string':
      if (typeof value !== 'string') fail(path, 'a string', value);
      return value;
    case 'bytes':
      return toBytes(value, path, undefined);
    case 'fixed':
      return toBytes(value, path, (type as avro.types.FixedType).size);
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      if (typeof value !== 'string' || !symbols.includes(value)) fail(path, `one of ${listOf(symbols)}`, value);
      return value;
    }
    case 'array': {
      if (!Array.isArray(value)) fail(path, 'an array', value);
      const items = (type as avro.types.ArrayType).itemsType;
      return value.map((v, i) => convert(items, v, `${path}[${i}]`));
    }
    case 'map': {
      if (!isObject(value)) fail(path, 'an object (map)', value);
      const values = (type as avro.types.MapType).valuesType as avro.Type;
      const out: Obj = {};
      for (const [k, v] of Object.entries(value)) out[k] = convert(values, v, keyPath(path, k));
      return out;
    }
    case 'record':
    case 'error':
      return toRecord(type as avro.types.RecordType, value, path);
    case 'union:unwrapped':
    case 'union:wrapped':
      return toUnion(type as avro.types.UnwrappedUnionType, value, path, t === 'union:wrapped');
    default:
      if (t.startsWith('logical:')) return toLogical(type as avro.types.LogicalType, value, path);
      // Abstract long types and whatever else avsc grows: let avsc judge.
      if (!type.isValid(value)) fail(path, label(type), value);
      return value;
  }
}

function listOf(symbols: readonly string[]): string {
  return symbols.length > 12 ? `${symbols.slice(0, 12).join(', ')}, … (${symbols.length} symbols)` : symbols.join(', ');
}

function toFloat(value: unknown, path: string, t: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return fail(path, `a number (${t})`, value);
}

function toBytes(value: unknown, path: string, size: number | undefined): Buffer {
  const what = size === undefined ? 'bytes' : `exactly ${size} bytes (fixed)`;
  let buf: Buffer | undefined;
  if (typeof value === 'string') {
    // Avro's JSON encoding of bytes: each code point U+0000–U+00FF is one byte.
    if (![...value].some((ch) => (ch.codePointAt(0) as number) > 0xff)) buf = Buffer.from(value, 'latin1');
  } else if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    buf = Buffer.from(value as number[]);
  }
  if (!buf) fail(path, `${what} as a string of code points U+0000–U+00FF or an array of byte values`, value);
  if (size !== undefined && buf.length !== size) {
    throw new Mismatch(path, `expected ${what}, got ${buf.length}`);
  }
  return buf;
}

function toRecord(type: avro.types.RecordType, value: unknown, path: string): Obj {
  if (!isObject(value)) fail(path, `an object (${label(type)})`, value);
  const fields = type.fields;
  for (const key of Object.keys(value)) {
    if (!fields.some((f) => f.name === key)) {
      const names = fields.map((f) => f.name);
      const near = closest(key, names);
      const hint = near ? `did you mean "${near}"?` : `${label(type)} has ${listOf(names)}`;
      throw new Mismatch(child(path, key), `unknown field (${hint})`);
    }
  }
  const out: Obj = {};
  for (const field of fields) {
    const v = value[field.name];
    const fieldPath = child(path, field.name);
    if (v !== undefined) {
      out[field.name] = convert(field.type, v, fieldPath);
      continue;
    }
    const dflt: unknown = field.defaultValue();
    if (dflt !== undefined) out[field.name] = dflt;
    else if (isNullable(field.type)) out[field.name] = null;
    else throw new Mismatch(fieldPath, `missing required field (${label(field.type)})`);
  }
  return out;
}

function isNullable(type: avro.Type): boolean {
  return type.typeName.startsWith('union:') && (type as avro.types.UnwrappedUnionType).types.some((b) => b.typeName === 'null');
}

/** Edit distance ≤ 2 suggestion, for typos in field names. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

type JsonKind = 'boolean' | 'number' | 'string' | 'object' | 'array';

function jsonKind(value: unknown): JsonKind | undefined {
  if (Array.isArray(value)) return 'array';
  const k = typeof value;
  return k === 'boolean' || k === 'number' || k === 'string' || k === 'object' ? k : undefined;
}

/**
 * How well a branch suits a JSON kind: lower is tried first, undefined never.
 * Specific readings of a string (enum symbol, uuid, timestamp, decimal) come
 * before a plain string so that a value lands where its shape says it belongs.
 */
function branchRank(type: avro.Type, kind: JsonKind): number | undefined {
  const t = type.typeName;
  const logical = t.startsWith('logical:');
  const base = logical ? (type as avro.types.LogicalType).underlyingType.typeName : t;
  switch (kind) {
    case 'boolean':
      return t === 'boolean' ? 0 : undefined;
    case 'number':
      if (logical) return type instanceof DecimalType ? 6 : type instanceof TemporalType ? 1 : undefined;
      return { int: 0, long: 2, float: 3, double: 4 }[t];
    case 'string':
      if (type instanceof DecimalType) return 4;
      if (logical) return type instanceof UuidType ? 2 : type instanceof TemporalType ? 3 : undefined;
      return { enum: 1, string: 5, float: 6, double: 6, fixed: 7, bytes: 8 }[base];
    case 'object':
      return t === 'record' || t === 'error' ? 0 : t === 'map' ? 1 : undefined;
    case 'array':
      return t === 'array' ? 0 : t === 'fixed' || t === 'bytes' ? 1 : undefined;
  }
}

function toUnion(type: avro.types.UnwrappedUnionType, value: unknown, path: string, wrapped: boolean): unknown {
  const branches = type.types;
  const wrap = (branch: avro.Type, v: unknown): unknown => (wrapped && v !== null ? { [branch.branchName as string]: v } : v);
  const expected = (): string => branches.map(label).join(' or ');
  if (value === null) {
    if (branches.some((b) => b.typeName === 'null')) return null;
    fail(path, expected(), value);
  }
  const kind = jsonKind(value);
  const candidates = kind
    ? branches
        .map((b, i) => ({ b, i, rank: branchRank(b, kind) }))
        .filter((c): c is { b: avro.Type; i: number; rank: number } => c.rank !== undefined)
        .sort((x, y) => x.rank - y.rank || x.i - y.i)
    : [];
  let firstError: Mismatch | undefined;
  for (const { b } of candidates) {
    try {
      return wrap(b, convert(b, value, path));
    } catch (err) {
      if (!(err instanceof Mismatch)) throw err;
      firstError ??= err;
    }
  }
  // Avro's JSON encoding: {"string": "x"}, {"io.acme.Device": {...}}.
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0] as string;
      const branch = branches.find((b) => b.branchName === key || (b.name !== undefined && shortName(b.name) === key));
      if (branch) return wrap(branch, convert(branch, value[key], path));
    }
  }
  // With one plausible branch its own error says more than a list of branches.
  if (candidates.length === 1 && firstError) throw firstError;
  return fail(path, expected(), value);
}

// --- logical types ---------------------------------------------------------

function toLogical(type: avro.types.LogicalType, value: unknown, path: string): unknown {
  if (type instanceof DecimalType) return toDecimal(type, value, path);
  if (type instanceof UuidType) {
    if (typeof value !== 'string' || !isUuid(value)) fail(path, 'a UUID like "123e4567-e89b-12d3-a456-426614174000"', value);
    return value;
  }
  if (type instanceof TemporalType) return toTemporal(type, value, path);
  // Someone else's logical type: read the underlying value and let it convert.
  const raw = convert(type.underlyingType, value, path);
  return (type as unknown as { _fromValue(v: unknown): unknown })._fromValue(raw);
}

function toDecimal(type: DecimalType, value: unknown, path: string): string {
  const what = `a decimal(${type.precision},${type.scale}) as a number or numeric string`;
  let text: string | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'string') text = value;
  const parts = text === undefined ? undefined : parseDecimalText(text);
  if (!parts) return fail(path, what, value);
  const misfit = decimalFitError(parts, type.precision, type.scale);
  if (misfit) return fail(path, `a decimal with ${misfit}`, value);
  return formatDecimal(rescaleDecimal(parts, type.scale), type.scale);
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?$/;

function toTemporal(type: TemporalType, value: unknown, path: string): number {
  const name = type.typeName.slice('logical:'.length);
  const perMs = type.unit === 'micros' ? 1000 : 1;
  const examples: Record<string, string> = {
    date: 'an ISO date like "2026-11-25" or days since 1970-01-01',
    'time-millis': 'a time of day like "20:46:00.123" or milliseconds after midnight',
    'time-micros': 'a time of day like "20:46:00.123456" or microseconds after midnight',
  };
  const local = name.startsWith('local-');
  const expected =
    examples[name] ??
    `an ISO-8601 timestamp like "2026-11-25T20:46:00.123${local ? '' : 'Z'}" or ${type.unit === 'micros' ? 'micro' : 'milli'}seconds since the epoch`;
  let out: number | undefined;
  if (typeof value === 'number') {
    out = value;
  } else if (typeof value === 'string') {
    if (name === 'date') {
      const m = ISO_RE.exec(value);
      if (m && m[4] === undefined && m[8] === undefined) {
        const ms = utcMillis(m);
        if (ms !== undefined) out = ms / MILLIS_PER_DAY;
      }
    } else if (name.startsWith('time-')) {
      const m = TIME_RE.exec(value);
      if (m) {
        const [, hh, mm, ss = '0', frac = ''] = m;
        const sub = fraction(frac, perMs);
        if (Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60 && sub !== undefined) {
          out = ((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 * perMs + sub;
        }
      }
    } else {
      const m = ISO_RE.exec(value);
      if (m && (!local || m[8] === undefined)) {
        const ms = utcMillis(m);
        const sub = fraction(m[7] ?? '', perMs);
        const offset = offsetMinutes(m[8]);
        if (ms !== undefined && sub !== undefined && offset !== undefined) out = (ms - offset * 60_000) * perMs + sub;
      } else if (m && local) {
        return fail(path, `${expected} without a time zone (local-timestamp)`, value);
      }
    }
  }
  if (out === undefined || !type.isValid(out)) return fail(path, expected, value);
  return out;
}

/** Epoch millis of an ISO match's date and whole seconds; undefined for impossible dates (Feb 30). */
function utcMillis(m: RegExpExecArray): number | undefined {
  const [y, mo, d, hh = 0, mi = 0, ss = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x)));
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  const ms = Date.UTC(y, mo - 1, d, hh, mi, ss);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || hh > 23 || mi > 59 || ss > 59) return undefined;
  return ms;
}

/** Fractional seconds in units of 1/(1000·perMs) s; undefined if finer than that and not zero. */
function fraction(digits: string, perMs: number): number | undefined {
  const keep = perMs === 1000 ? 6 : 3;
  if (/[1-9]/.test(digits.slice(keep))) return undefined;
  return Number(digits.slice(0, keep).padEnd(keep, '0'));
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}
