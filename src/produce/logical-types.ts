import avro from 'avsc';

/**
 * Avro logical types as streamctl represents them in JavaScript. avsc ignores
 * logical types unless it is given implementations, so every place that builds
 * an avsc Type (produce, consume, schema checks, the registry client's
 * `forSchemaOptions`) must pass `avroLogicalTypes`, or use `parseAvroSchema`,
 * to see the same values.
 *
 * Representations (what `toBuffer` accepts and `fromBuffer` returns):
 *
 * | logical type | underlying | JS value |
 * | --- | --- | --- |
 * | decimal | bytes, fixed | string, plain notation with exactly `scale` fractional digits: "123.4500", "-0.50", "42" (scale 0). Encoding accepts fewer fractional digits ("12.3") and rejects more, or more digits than `precision`: never rounds. |
 * | uuid | string, fixed(16) | string "0b7e5c9a-…", checked against the 8-4-4-4-12 hex form on encode |
 * | date | int | number: days since 1970-01-01 |
 * | time-millis | int | number: milliseconds after midnight, 0 ≤ t < 86 400 000 |
 * | time-micros | long | number: microseconds after midnight |
 * | timestamp-millis, local-timestamp-millis | long | number: milliseconds since the epoch |
 * | timestamp-micros, local-timestamp-micros | long | number: microseconds since the epoch (exact up to year 2255) |
 *
 * Temporal values stay numbers rather than Dates: that is lossless for micros,
 * matches Avro's JSON encoding and what Confluent's and kcat's tools print,
 * and leaves formatting to the printers.
 *
 * A logical type whose parameters are invalid (a decimal without precision, a
 * uuid on an int) falls back to its underlying type, as the Avro spec asks.
 */

type LogicalTypeCtor = new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType;
type SchemaObject = Record<string, unknown>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** The parsed form of a decimal string: value = unscaled × 10^-scale. */
export interface DecimalParts {
  unscaled: bigint;
  scale: number;
}

// Plain or exponent notation, as people and JSON.stringify write numbers.
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string exactly (no floating point). Returns undefined when
 * `text` is not a number.
 */
export function parseDecimalText(text: string): DecimalParts | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  let digits = int + frac;
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return { unscaled: sign === '-' ? -unscaled : unscaled, scale };
}

/** Why a value does not fit decimal(precision, scale), or undefined if it does. */
export function decimalFitError(parts: DecimalParts, precision: number, scale: number): string | undefined {
  let { unscaled } = parts;
  let from = parts.scale;
  // Trailing zeros past the scale carry no information, so "1.500" fits scale 2.
  while (from > scale && unscaled % 10n === 0n) {
    unscaled /= 10n;
    from--;
  }
  if (from > scale) return `at most ${scale} fractional digit${scale === 1 ? '' : 's'} (scale ${scale})`;
  const scaled = unscaled * 10n ** BigInt(scale - from);
  const digits = (scaled < 0n ? -scaled : scaled).toString().length;
  if (scaled !== 0n && digits > precision) {
    return `at most ${precision} digits in all (precision ${precision}, scale ${scale})`;
  }
  return undefined;
}

/** Rescales to exactly `scale` digits; callers check `decimalFitError` first. */
export function rescaleDecimal(parts: DecimalParts, scale: number): bigint {
  if (parts.scale <= scale) return parts.unscaled * 10n ** BigInt(scale - parts.scale);
  return parts.unscaled / 10n ** BigInt(parts.scale - scale);
}

/** "123.4500" for (1234500n, 4): the canonical JS form of a decimal value. */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

// 10^0 … 10^15: exact doubles, the range of the BigInt-free path below.
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const SAFE = 2 ** 53;

/**
 * The unscaled value of a plain decimal string at `scale` ("12.3" at scale 2 → 1230) as an
 * exact JS integer, without BigInt: encoding needs it for every decimal field of every event,
 * and the BigInt route cost more than generating the event. Undefined when the string is
 * anything else — an exponent, a "+", spaces, more fractional digits than the scale, or a
 * scaled value beyond 2^53 — so callers fall back to parseDecimalText, which also knows what
 * to say about misfits.
 */
export function plainDecimalUnscaled(text: string, scale: number): number | undefined {
  const length = text.length;
  let i = 0;
  let negative = false;
  if (length > 0 && text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let n = 0;
  let digits = 0;
  let frac = -1;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // Past this, n × 10 + 9 would no longer be exact.
      if (n > 9e14) return undefined;
      n = n * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) {
      frac = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0) return undefined;
  const shift = scale - (frac < 0 ? 0 : frac);
  if (shift < 0 || shift > 15) return undefined;
  const scaled = n * (POW10[shift] as number);
  if (scaled >= SAFE) return undefined;
  return negative && scaled !== 0 ? -scaled : scaled;
}

// 2^(8·L−1): the first value that needs more than L bytes, for L = 0 … 7.
const BYTE_LIMITS = Array.from({ length: 8 }, (_, l) => (l === 0 ? 0 : 2 ** (8 * l - 1)));

/**
 * bigintToTwosComplement for a safe integer (|n| < 2^53, at most 7 bytes unless `size` asks
 * for more), on doubles: the bytes of |n| − 1 inverted for negatives, so no step leaves the
 * exact range.
 */
export function safeIntToTwosComplement(n: number, size?: number): Buffer | undefined {
  let length = twosComplementLength(n);
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  const buf = Buffer.allocUnsafe(length);
  writeTwosComplement(buf, 0, length, n);
  return buf;
}

function twosComplementLength(n: number): number {
  let length = 1;
  while (n < -(BYTE_LIMITS[length] as number) || n >= (BYTE_LIMITS[length] as number)) length++;
  return length;
}

function writeTwosComplement(buf: Buffer, pos: number, length: number, n: number): void {
  const flip = n < 0 ? 0xff : 0;
  let v = n < 0 ? -n - 1 : n;
  for (let i = pos + length - 1; i >= pos; i--) {
    buf[i] = (v % 256) ^ flip;
    v = Math.floor(v / 256);
  }
}

/** The part of avsc's Tap (not in its typings) that DecimalType writes to. */
interface Tap {
  buf: Buffer;
  pos: number;
  writeLong(n: number): void;
}

/** Big-endian two's complement, minimal length (what Avro decimal bytes hold). */
export function bigintToTwosComplement(n: bigint, size?: number): Buffer | undefined {
  let length = 1;
  while (n < -(1n << BigInt(8 * length - 1)) || n >= 1n << BigInt(8 * length - 1)) length++;
  if (size !== undefined) {
    if (length > size) return undefined;
    length = size;
  }
  let v = n < 0n ? (1n << BigInt(8 * length)) + n : n;
  const buf = Buffer.alloc(length);
  for (let i = length - 1; i >= 0; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return buf;
}

export function twosComplementToBigint(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  const v = BigInt(`0x${buf.toString('hex')}`);
  return (buf[0] as number) & 0x80 ? v - (1n << BigInt(8 * buf.length)) : v;
}

/** The largest precision a fixed of `size` bytes can hold: floor(log10(2^(8·size−1) − 1)). */
export function maxFixedPrecision(size: number): number {
  return ((1n << BigInt(8 * size - 1)) - 1n).toString().length - 1;
}

function underlyingName(type: avro.Type): string {
  return type.typeName;
}

export class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const s = schema as SchemaObject;
    const precision = s.precision;
    const scale = s.scale ?? 0;
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new Error(`decimal precision must be a positive integer, got ${JSON.stringify(precision)}`);
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`decimal scale must be an integer from 0 to the precision, got ${JSON.stringify(scale)}`);
    }
    const base = underlyingName(this.underlyingType);
    if (base === 'fixed') {
      const size = (this.underlyingType as avro.types.FixedType).size;
      if (precision > maxFixedPrecision(size)) throw new Error(`decimal precision ${precision} does not fit fixed(${size})`);
      this.fixedSize = size;
    } else if (base !== 'bytes') {
      throw new Error(`decimal must annotate bytes or fixed, not ${base}`);
    }
    this.precision = precision;
    this.scale = scale;
  }

  protected override _fromValue(buf: Buffer): string {
    return formatDecimal(twosComplementToBigint(buf), this.scale);
  }

  /** The unscaled value of a plain decimal string below 2^53; NaN when it has too many digits; undefined: ask BigInt. */
  private safeUnscaled(value: string): number | undefined {
    const unscaled = plainDecimalUnscaled(value, this.scale);
    // Below 2^53 there are at most 16 digits, so only a smaller precision can be exceeded.
    if (unscaled !== undefined && this.precision < 16 && Math.abs(unscaled) >= (POW10[this.precision] as number)) return NaN;
    return unscaled;
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined;
    const unscaled = this.safeUnscaled(value);
    if (unscaled !== undefined) return Number.isNaN(unscaled) ? undefined : safeIntToTwosComplement(unscaled, this.fixedSize);
    const parts = parseDecimalText(value);
    if (!parts || decimalFitError(parts, this.precision, this.scale)) return undefined;
    return bigintToTwosComplement(rescaleDecimal(parts, this.scale), this.fixedSize);
  }

  // avsc picks the branch of an optional decimal by converting the value (_check calls
  // _toValue), then converts it again to write it. These two overrides of avsc 5 internals
  // check without allocating and write straight into avsc's buffer.

  _check(value: unknown, _flags?: unknown, hook?: (value: unknown, type: avro.Type) => void): boolean {
    let ok = false;
    if (typeof value === 'string') {
      const unscaled = this.safeUnscaled(value);
      ok = unscaled === undefined ? this._toValue(value) !== undefined : !Number.isNaN(unscaled);
    }
    if (!ok) hook?.(value, this);
    return ok;
  }

  _write(tap: Tap, value: unknown): void {
    const unscaled = typeof value === 'string' ? this.safeUnscaled(value) : undefined;
    if (unscaled === undefined || Number.isNaN(unscaled)) {
      // The BigInt path, and avsc's error for a value that does not fit.
      (avro.types.LogicalType.prototype as unknown as { _write(tap: Tap, value: unknown): void })._write.call(this, tap, value);
      return;
    }
    const length = this.fixedSize ?? twosComplementLength(unscaled);
    if (this.fixedSize === undefined) tap.writeLong(length);
    const pos = tap.pos;
    tap.pos += length;
    // Past the end avsc writes nothing and reports the overflow from pos, as here.
    if (tap.pos <= tap.buf.length) writeTwosComplement(tap.buf, pos, length, unscaled);
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalType) {
      return type.scale === this.scale && type.precision <= this.precision ? (v) => v : undefined;
    }
    return undefined;
  }

  protected override _export(attrs: avro.Schema): void {
    (attrs as SchemaObject).precision = this.precision;
    (attrs as SchemaObject).scale = this.scale;
  }
}

export class UuidType extends avro.types.LogicalType {
  private readonly fixed: boolean;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const base = underlyingName(this.underlyingType);
    this.fixed = base === 'fixed';
    if (this.fixed ? (this.underlyingType as avro.types.FixedType).size !== 16 : base !== 'string') {
      throw new Error('uuid must annotate string or fixed(16)');
    }
  }

  protected override _fromValue(value: string | Buffer): string {
    if (typeof value === 'string') return value;
    const h = value.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  protected override _toValue(value: unknown): string | Buffer | undefined {
    if (typeof value !== 'string' || !UUID_RE.test(value)) return undefined;
    return this.fixed ? Buffer.from(value.replace(/-/g, ''), 'hex') : value;
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof UuidType) return (v) => v;
    if (!this.fixed && underlyingName(type) === 'string') return (v) => v;
    return undefined;
  }
}

/** avsc's long range: JS numbers one short of ±2^53, where rounding starts. */
export const LONG_MAX = 9007199254740990;

/** Temporal logical types keep their int/long number; the class only checks range. */
export abstract class TemporalType extends avro.types.LogicalType {
  abstract readonly unit: 'day' | 'millis' | 'micros';
  protected abstract readonly base: 'int' | 'long';
  protected readonly min: number = -LONG_MAX;
  protected readonly max: number = LONG_MAX;

  protected check(): void {
    const actual = underlyingName(this.underlyingType);
    if (actual !== this.base) throw new Error(`${this.typeName.slice(8)} must annotate ${this.base}, not ${actual}`);
  }

  protected override _fromValue(value: number): number {
    return value;
  }

  protected override _toValue(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isInteger(value) && value >= this.min && value <= this.max ? value : undefined;
  }

  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type.typeName === this.typeName) return (v) => v;
    const name = underlyingName(type);
    if (name === this.base || (name === 'int' && this.base === 'long')) return (v) => v;
    return undefined;
  }
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
export const MILLIS_PER_DAY = 86_400_000;

export class DateType extends TemporalType {
  readonly unit = 'day' as const;
  protected readonly base = 'int' as const;
  protected override readonly min = INT_MIN;
  protected override readonly max = INT_MAX;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.check();
  }
}

export class TimeMillisType extends TemporalType {
  readonly unit = 'millis' as const;
  protected readonly base = 'int' as const;
  protected override readonly min = 0;
  protected override readonly max = MILLIS_PER_DAY - 1;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.check();
  }
}

export class TimeMicrosType extends TemporalType {
  readonly unit = 'micros' as const;
  protected readonly base = 'long' as const;
  protected override readonly min = 0;
  protected override readonly max = MILLIS_PER_DAY * 1000 - 1;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.check();
  }
}

export class TimestampMillisType extends TemporalType {
  readonly unit = 'millis' as const;
  protected readonly base = 'long' as const;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.check();
  }
}

export class TimestampMicrosType extends TemporalType {
  readonly unit = 'micros' as const;
  protected readonly base = 'long' as const;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    this.check();
  }
}

/** The implementations to pass as `logicalTypes` to `avro.Type.forSchema`. */
export const avroLogicalTypes: Record<string, LogicalTypeCtor> = {
  decimal: DecimalType,
  uuid: UuidType,
  date: DateType,
  'time-millis': TimeMillisType,
  'time-micros': TimeMicrosType,
  'timestamp-millis': TimestampMillisType,
  'timestamp-micros': TimestampMicrosType,
  'local-timestamp-millis': TimestampMillisType,
  'local-timestamp-micros': TimestampMicrosType,
};

/**
 * Builds an avsc Type with streamctl's logical types. `schema` is a parsed
 * schema or its JSON text. Throws avsc's error for an invalid schema; callers
 * wrap it with what they were reading.
 */
export function parseAvroSchema(schema: unknown): avro.Type {
  if (avro.Type.isType(schema)) return schema as avro.Type;
  const parsed = typeof schema === 'string' ? parseSchemaText(schema) : schema;
  return avro.Type.forSchema(parsed as avro.Schema, { logicalTypes: avroLogicalTypes });
}

/** Schema JSON text → parsed JSON; a bare primitive name ("string") is a valid schema too. */
export function parseSchemaText(text: string): unknown {
  const t = text.trim();
  return t.startsWith('{') || t.startsWith('[') || t.startsWith('"') ? JSON.parse(t) : t;
}
