import avro from 'avsc';
import randexpModule from 'randexp';
import { faker as fakerEn } from '@faker-js/faker/locale/en';
import type { Faker, Randomizer } from '@faker-js/faker';
import { UsageError, describeCause } from '../errors.js';
import { JsonValueError, jsonToAvro } from './json-input.js';
import {
  DecimalType,
  LONG_MAX,
  MILLIS_PER_DAY,
  TemporalType,
  UuidType,
  avroLogicalTypes,
  bigintToTwosComplement,
  formatDecimal,
  parseDecimalText,
  parseSchemaText,
  safeIntToTwosComplement,
} from './logical-types.js';
import { createRng, hash32, hashString, randomSeed, type Rng } from './random.js';

/**
 * Schema-driven test data for `streamctl produce`: every value is valid for
 * its Avro type (logical types in the representation of logical-types.ts),
 * realistic where the field name says what it holds (emails, tickers, prices,
 * timestamps near the clock), coherent within an event (email from the name,
 * price from the ticker, amount = quantity × price, no symbol on a deposit),
 * and shaped by Confluent avro-random-generator `arg.properties`, so
 * kafka-connect-datagen schemas work unchanged.
 *
 * `arg.properties` honoured (on a type, or on a field for its type): options
 * (inline list; values in natural JSON), iteration {start, step, restart,
 * initial} (numbers, strings, booleans), range {min, max} (max exclusive;
 * ISO strings for date/timestamp types), length (n or {min, max}, max
 * exclusive; strings, bytes, arrays, maps), regex, prefix, suffix, keys
 * (maps), odds (booleans), position (unions, on the field), kind
 * (uuid | email | name). A field with arg.properties is taken as given: the
 * coherence rules never overwrite it.
 *
 * Reproducibility: all choices come from one generator seeded by `seed`, so
 * two generators with the same seed and the same clock readings produce the
 * same events byte for byte. Timestamps are drawn a little before `now()`,
 * which is read once per event: with the default clock they follow wall time
 * (what a streaming pipeline wants), and only fields derived from the clock
 * differ between runs. For byte-identical runs pass a deterministic `now`,
 * e.g. the scheduled send time of event i (start + i × 1000 / rate ms).
 */

/** Options of `createGenerator`. */
export interface GeneratorOptions {
  /** Seed of every random choice. Default: a random seed, readable afterwards as `DataGenerator.seed`. */
  seed?: number;
  /** Clock (epoch milliseconds) that timestamps are drawn near, read once per event. Default: `Date.now`. */
  now?: () => number;
}

export interface DataGenerator {
  /** The avsc Type the values are valid for (built with `avroLogicalTypes` when given schema JSON). */
  readonly type: avro.Type;
  /** The seed in use, to repeat a run. */
  readonly seed: number;
  /** The next event. */
  next(): unknown;
}

/**
 * `schema` is an avsc Type, a parsed schema, or schema JSON text. Prefer
 * the JSON: avsc drops attributes it does not know, so a Type has lost its
 * `arg.properties` (name-based data only), and a Type built without
 * `avroLogicalTypes` has lost its logical types too (plain Buffers and numbers).
 */
export function createGenerator(schema: unknown, options: GeneratorOptions = {}): DataGenerator {
  const seed = options.seed ?? randomSeed();
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new UsageError(`invalid seed ${String(seed)}: expected a number`);
  const now = options.now ?? Date.now;
  let type: avro.Type;
  let json: unknown;
  if (avro.Type.isType(schema)) {
    type = schema as avro.Type;
    json = type.schema({ exportAttrs: true });
  } else {
    try {
      json = typeof schema === 'string' ? parseSchemaText(schema) : schema;
      type = avro.Type.forSchema(json as avro.Schema, { logicalTypes: avroLogicalTypes });
    } catch (err) {
      throw new UsageError(`invalid Avro schema: ${describeCause(err)}`, { cause: err });
    }
  }
  const compiler = new Compiler(seed, json);
  const root = compiler.compile(type, json, { name: '', path: '' });
  const ctx: Ctx = { rng: compiler.rng, now: 0, active: new Map(), limited: 0 };
  return {
    type,
    seed,
    next() {
      ctx.now = now();
      ctx.limited = 0;
      ctx.active.clear();
      return root(ctx, {});
    },
  };
}

// randexp is CommonJS with `module.exports = RandExp`, but its types declare an
// ES default export; take whichever the loader hands over.
type RandExpClass = (typeof randexpModule)['default'];
const RandExp: RandExpClass = ((randexpModule as unknown as { default?: RandExpClass }).default ?? randexpModule) as RandExpClass;
type RandExp = InstanceType<RandExpClass>;

// --- compiled generators ---------------------------------------------------

interface Ctx {
  rng: Rng;
  /** The clock for the current event. */
  now: number;
  /** Records being generated, by name, with how deep each is nested in itself. */
  active: Map<string, number>;
  /** > 0 while a recursive record has reached its depth: unions pick null, arrays and maps stay empty. */
  limited: number;
}

/** What one entity (a record and the records nested directly in it) has decided, for coherence. */
interface Scope {
  userIndex?: number;
  device?: DeviceProfile;
}

type Gen = (ctx: Ctx, scope: Scope) => unknown;
type Obj = Record<string, unknown>;

interface Hint {
  /** The field (or map key, or singular of an array field) the value is for: what roles key on. */
  name: string;
  /** Where in the schema, for error messages. */
  path: string;
  /** arg.properties given on the field rather than on its type. */
  fieldArgs?: Obj;
}

/** A recursive record may nest in itself this deep before optional parts are left out. */
const MAX_SELF_NESTING = 3;
/** Past this, a record recursion has no way out (no nullable union, array or map on the cycle). */
const RUNAWAY_NESTING = 64;
/** The share of nulls in an optional (["null", X]) field. */
const NULL_ODDS = 0.1;
/** Distinct users behind user ids, emails and names: repeats make keyed aggregations meaningful. */
const USER_POOL = 1000;
/** Events are stamped up to this long before `now`, most of them within the last minute. */
const MAX_LAG_MS = 5 * 60_000;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

class Compiler {
  readonly rng: Rng;
  private readonly defs = new Map<string, Obj>();
  private readonly records = new Map<string, { gen?: Gen }>();
  private readonly randExps = new Map<string, RandExp>();
  private textBlock: string | undefined;
  private readonly pools: Pools;

  constructor(
    private readonly seed: number,
    json: unknown,
  ) {
    this.rng = createRng(seed);
    this.pools = new Pools(seed);
    collectDefs(json, '', this.defs);
  }

  compile(type: avro.Type, json: unknown, hint: Hint): Gen {
    let schemaJson = json;
    if (typeof schemaJson === 'string' && type.name !== undefined) schemaJson = this.defs.get(type.name) ?? schemaJson;
    const node = isObject(schemaJson) ? schemaJson : undefined;
    const own = node?.['arg.properties'];
    if (own !== undefined && !isObject(own)) throw argError(hint.path, 'arg.properties must be an object');
    const fieldArgs = hint.fieldArgs ? { ...hint.fieldArgs } : undefined;
    const args: Obj | undefined = (own as Obj | undefined) ?? fieldArgs;

    if (args && args.options !== undefined) return this.options(type, args.options, hint.path);
    if (args && args.iteration !== undefined) return this.iteration(type, args, hint.path);

    const t = type.typeName;
    switch (t) {
      case 'null':
        return () => null;
      case 'boolean':
        return this.boolean(args, hint);
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return this.number(type, node, args, hint);
      case 'string':
        return this.string(node, args, hint);
      case 'bytes':
        return this.bytes(type, node, args, hint);
      case 'fixed': {
        const size = (type as avro.types.FixedType).size;
        if (node?.logicalType === 'decimal') return this.number(type, node, args, hint);
        if (node?.logicalType === 'uuid' && size === 16) return (ctx) => Buffer.from(uuidV4(ctx.rng).replace(/-/g, ''), 'hex');
        return (ctx) => randomBytes(ctx.rng, size);
      }
      case 'enum': {
        const symbols = (type as avro.types.EnumType).symbols;
        // A platform enum follows the entity's device, so IOS comes with an iOS user agent.
        if (/(^|_)(platform|client_type|device_type|os_type|client)$/.test(norm(hint.name))) {
          const bySymbol = new Map(symbols.map((sym) => [sym.toLowerCase(), sym]));
          if (DEVICES.some((d) => bySymbol.has(d.platform))) {
            return (ctx, scope) => bySymbol.get(device(ctx, scope).platform) ?? ctx.rng.pick(symbols);
          }
        }
        return (ctx) => ctx.rng.pick(symbols);
      }
      case 'array':
        return this.array(type as avro.types.ArrayType, node, args, hint);
      case 'map':
        return this.map(type as avro.types.MapType, node, args, hint);
      case 'record':
      case 'error':
        return this.record(type as avro.types.RecordType, node, hint);
      case 'union:unwrapped':
      case 'union:wrapped':
        return this.union(type as avro.types.UnwrappedUnionType, schemaJson, hint, t === 'union:wrapped');
      default:
        if (t.startsWith('logical:')) return this.logical(type as avro.types.LogicalType, node, args, hint);
        throw new UsageError(`cannot generate values for Avro type ${t} at ${where(hint.path)}`);
    }
  }

  // --- arg.properties: options and iteration -------------------------------

  private options(type: avro.Type, options: unknown, path: string): Gen {
    if (!Array.isArray(options)) {
      throw argError(path, 'options must be a list of values (options from a file are not supported; list them inline)');
    }
    if (options.length === 0) throw argError(path, 'options must not be empty');
    const values = options.map((o, i) => {
      try {
        return jsonToAvro(type, o);
      } catch (err) {
        if (err instanceof JsonValueError)
          throw argError(path, `option ${i + 1} ${JSON.stringify(o)} does not fit the type: ${err.message}`);
        throw err;
      }
    });
    // Options repeat on purpose (weights by repetition); records and arrays
    // are cloned so that a consumer mutating one event does not change others.
    const mutable = typeof values[0] === 'object' && values[0] !== null;
    return mutable ? (ctx) => type.clone(ctx.rng.pick(values)) : (ctx) => ctx.rng.pick(values);
  }

  private iteration(type: avro.Type, args: Obj, path: string): Gen {
    const it = args.iteration;
    if (!isObject(it)) throw argError(path, 'iteration must be an object with a start');
    const base = baseKind(type);
    if (base === 'boolean') {
      if (typeof it.start !== 'boolean') throw argError(path, 'iteration start of a boolean must be true or false');
      let current = it.start;
      return () => {
        const v = current;
        current = !current;
        return v;
      };
    }
    const integral = base === 'int' || base === 'long' || base === 'string';
    const limits: Record<string, [number, number]> = {
      int: [INT_MIN, INT_MAX],
      string: [INT_MIN, INT_MAX],
      long: [-LONG_MAX, LONG_MAX],
      float: [-3.4028234663852886e38, 3.4028234663852886e38],
      double: [-Number.MAX_VALUE, Number.MAX_VALUE],
      decimal: [-Number.MAX_VALUE, Number.MAX_VALUE],
    };
    const bounds = limits[base];
    if (!bounds) throw argError(path, `iteration applies to numbers, strings and booleans, not ${type.typeName}`);
    const num = (key: string): number | undefined => {
      const v = it[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || (integral && !Number.isInteger(v))) {
        throw argError(path, `iteration ${key} must be ${integral ? 'an integer' : 'a number'}`);
      }
      return v;
    };
    const start = num('start');
    if (start === undefined) throw argError(path, 'iteration needs a start');
    let step = num('step');
    let restart = num('restart');
    if (step === 0) throw argError(path, 'iteration step must not be zero');
    if (restart === start) throw argError(path, 'iteration start and restart must differ');
    if (step === undefined) step = restart !== undefined && restart < start ? -1 : 1;
    if (restart === undefined) restart = step > 0 ? bounds[1] : bounds[0];
    if ((restart > start && step < 0) || (restart < start && step > 0)) {
      throw argError(path, 'iteration step must head from start towards restart');
    }
    const span = restart - start;
    const stepSize = step;
    let current = (num('initial') ?? start) - start;
    const sink = base === 'string' ? undefined : numberSink(type);
    const prefix = stringArg(args, 'prefix', path);
    const suffix = stringArg(args, 'suffix', path);
    // Wraps at restart back to start, as avro-random-generator does.
    const advance = integral
      ? () => Math.sign(stepSize) * (Math.abs(current + stepSize) % Math.abs(span))
      : () => (current + stepSize) % span;
    return () => {
      const v = start + current;
      current = advance();
      return sink ? sink.toValue(v) : `${prefix}${v}${suffix}`;
    };
  }

  // --- primitives ----------------------------------------------------------

  private boolean(args: Obj | undefined, hint: Hint): Gen {
    let odds = 0.5;
    if (args?.odds !== undefined) {
      if (typeof args.odds !== 'number' || args.odds < 0 || args.odds > 1) throw argError(hint.path, 'odds must be a number from 0 to 1');
      odds = args.odds;
    } else {
      const n = norm(hint.name);
      if (/(^|_)(active|enabled|verified|confirmed|success|succeeded|valid|consent|opt_in|subscribed|available|ok)$/.test(n)) odds = 0.85;
      else if (/(^|_)(deleted|fraud|fraudulent|flagged|bot|test|blocked|suspended|failed|error|anomaly|is_test)$/.test(n)) odds = 0.05;
    }
    return (ctx) => ctx.rng.next() < odds;
  }

  private number(type: avro.Type, node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    const sink = numberSink(type, node);
    if (args?.range !== undefined) return this.range(type, sink, args.range, hint.path);
    const logical = node?.logicalType;
    // A long or int the schema marks as time, without avsc knowing the logical type.
    if (typeof logical === 'string' && TIME_UNITS[logical]) return this.temporal(logical, hint);
    if (logical === 'uuid' && type.typeName === 'string') return (ctx) => uuidV4(ctx.rng);
    return this.numberRole(numberRole(hint.name, sink.kind), sink);
  }

  private range(type: avro.Type, sink: NumberSink, range: unknown, path: string): Gen {
    if (!isObject(range)) throw argError(path, 'range must be an object with min and/or max');
    const integral = sink.kind === 'int' || sink.kind === 'long' || sink.kind === 'temporal';
    const bound = (key: 'min' | 'max' | 'start' | 'end'): number | undefined => {
      const v = range[key];
      if (v === undefined) return undefined;
      if (typeof v === 'string' && type instanceof TemporalType) {
        try {
          return jsonToAvro(type, v) as number;
        } catch (err) {
          throw argError(path, `range ${key}: ${describeCause(err)}`);
        }
      }
      if (typeof v !== 'number' || (integral && !Number.isInteger(v)))
        throw argError(path, `range ${key} must be ${integral ? 'an integer' : 'a number'}`);
      return v;
    };
    const [lo, hi] = sink.limits;
    const min = bound('min') ?? bound('start') ?? lo;
    const max = bound('max') ?? bound('end') ?? hi;
    if (min >= max) throw argError(path, 'range min must be below max (max is exclusive)');
    if (min < lo || max > hi + (integral ? 1 : 0)) throw argError(path, `range does not fit ${type.typeName}`);
    return integral
      ? (ctx) => sink.toValue(min + Math.floor(ctx.rng.next() * (max - min)))
      : (ctx) => sink.toValue(min + ctx.rng.next() * (max - min));
  }

  private numberRole(role: NumberRole, sink: NumberSink): Gen {
    switch (role.kind) {
      case 'uniform': {
        // A narrow type (decimal(4,2)) gets the range it can hold, not a wall of clamped maxima.
        const max = Math.min(role.max, sink.limits[1]);
        const min = Math.min(role.min, max / 10);
        const { decimals } = role;
        return (ctx) => sink.toValue(round(min + ctx.rng.next() * (max - min), decimals));
      }
      case 'log': {
        const max = Math.min(role.max, sink.limits[1]);
        const min = Math.min(role.min, max / 10);
        const { decimals } = role;
        const lmin = Math.log(min);
        const lspan = Math.log(max) - lmin;
        return (ctx) => sink.toValue(round(Math.exp(lmin + ctx.rng.next() * lspan), decimals));
      }
      case 'int': {
        const max = Math.min(role.max, sink.limits[1]);
        const min = Math.min(role.min, max);
        return (ctx) => sink.toValue(ctx.rng.int(min, max));
      }
      case 'quantity':
        return (ctx) => sink.toValue(quantity(ctx.rng, sink.scale));
      case 'price':
        return (ctx) => sink.toValue(round(Math.exp(Math.log(5) + ctx.rng.next() * Math.log(100)), 2));
      case 'sequence': {
        let n = 0;
        return () => sink.toValue(++n);
      }
      case 'epoch': {
        const div = sink.kind === 'int' ? 1000 : 1;
        return (ctx) => sink.toValue(Math.floor(eventTime(ctx) / div));
      }
      case 'userIndex':
        return (ctx, scope) => sink.toValue(userIndex(ctx, scope));
      case 'accountIndex':
        return (ctx, scope) => sink.toValue(this.accountNumber(ctx, scope));
    }
  }

  private string(node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    const prefix = args ? stringArg(args, 'prefix', hint.path) : '';
    const suffix = args ? stringArg(args, 'suffix', hint.path) : '';
    const inner = this.stringBody(node, args, hint);
    return prefix || suffix ? (ctx, scope) => `${prefix}${inner(ctx, scope) as string}${suffix}` : inner;
  }

  private stringBody(node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    if (args?.regex !== undefined) {
      if (typeof args.regex !== 'string') throw argError(hint.path, 'regex must be a string');
      // With a regex, a plain length is a minimum (as in avro-random-generator).
      const bounds: [number, number] | undefined =
        args.length === undefined
          ? undefined
          : typeof args.length === 'number'
            ? [lengthBounds(args.length, hint.path)[0], args.length + 17]
            : lengthBounds(args.length, hint.path);
      return this.regex(args.regex, bounds, hint.path);
    }
    if (args?.kind !== undefined) {
      const roles: Record<string, StringRole> = { uuid: 'uuid', email: 'email', name: 'fullName' };
      const role = roles[String(args.kind)];
      if (!role) throw argError(hint.path, `kind must be uuid, email or name, not ${JSON.stringify(args.kind)}`);
      return this.stringRole(role, hint.name);
    }
    if (args?.length !== undefined) {
      const [min, max] = lengthBounds(args.length, hint.path);
      return (ctx) => this.text(ctx.rng, ctx.rng.int(min, max - 1));
    }
    if (node?.logicalType === 'uuid') return (ctx) => uuidV4(ctx.rng);
    return this.stringRole(stringRole(hint.name), hint.name);
  }

  private regex(pattern: string, length: [number, number] | undefined, path: string): Gen {
    // avro-random-generator caps unbounded repeats; randexp's default (100) makes walls of text.
    const re = this.randExp(pattern, length ? Math.max(1, length[1] - 1) : 16, path);
    if (!length) return () => re.gen();
    const [min, max] = length;
    return () => {
      // Keep the regex's shape; try a few times for a length in bounds.
      let s = re.gen();
      for (let i = 0; i < 20 && (s.length < min || s.length >= max); i++) s = re.gen();
      return s;
    };
  }

  /**
   * Random letters and digits: a slice at a random place of one block of them, made once from
   * the seed. Drawing every character was a sixth of an event's cost, and filler text is most
   * of a typical event's bytes.
   */
  private text(rng: Rng, length: number): string {
    if (length > TEXT_BLOCK / 4) return randomText(rng, length);
    this.textBlock ??= randomText(createRng(hash32(this.seed, hashString('text'))), TEXT_BLOCK);
    const at = rng.int(0, TEXT_BLOCK - length);
    return this.textBlock.slice(at, at + length);
  }

  /** One RandExp per pattern and repeat cap (map values compile once per key), drawing from the seeded rng. */
  private randExp(pattern: string, maxRepeat: number, path: string): RandExp {
    const cacheKey = `${maxRepeat}:${pattern}`;
    const known = this.randExps.get(cacheKey);
    if (known) return known;
    let re: RandExp;
    try {
      re = new RandExp(pattern);
    } catch (err) {
      throw argError(path, `regex ${JSON.stringify(pattern)} is invalid: ${describeCause(err)}`);
    }
    const rng = this.rng;
    re.randInt = (a: number, b: number) => rng.int(a, b);
    re.max = maxRepeat;
    // randexp rebuilds a character class's range set on every use ([0-9] alone was a tenth of
    // produce's CPU); the classes of a pattern never change, so each is expanded once.
    const expandOnce = new Map<unknown, ReturnType<RandExp['_expand']>>();
    const expand = re._expand.bind(re);
    re._expand = (token) => {
      let set = expandOnce.get(token);
      if (set === undefined) {
        set = expand(token);
        expandOnce.set(token, set);
      }
      return set;
    };
    this.randExps.set(cacheKey, re);
    return re;
  }

  private stringRole(role: StringRole, name: string): Gen {
    const p = this.pools;
    switch (role) {
      case 'uuid':
        return (ctx) => uuidV4(ctx.rng);
      case 'email':
        return (ctx, scope) => this.person(ctx, scope).email;
      case 'firstName':
        return (ctx, scope) => this.person(ctx, scope).first;
      case 'lastName':
        return (ctx, scope) => this.person(ctx, scope).last;
      case 'fullName':
        return (ctx, scope) => {
          const person = this.person(ctx, scope);
          return `${person.first} ${person.last}`;
        };
      case 'username':
        return (ctx, scope) => this.person(ctx, scope).username;
      case 'userId':
        return (ctx, scope) => `user-${pad(userIndex(ctx, scope), 6)}`;
      case 'accountId':
        return (ctx, scope) => `acc-${this.accountNumber(ctx, scope)}`;
      case 'phone':
        return (ctx, scope) => this.person(ctx, scope).phone;
      case 'country':
        return (ctx, scope) => this.person(ctx, scope).country.code;
      case 'countryName':
        return (ctx, scope) => this.person(ctx, scope).country.name;
      case 'city':
        return (ctx, scope) => this.person(ctx, scope).city;
      case 'state':
        return (ctx) => ctx.rng.pick(p.get('state'));
      case 'zip':
        return (ctx) => pad(ctx.rng.int(1001, 99950), 5);
      case 'street':
        return (ctx, scope) => this.person(ctx, scope).street;
      case 'company':
        return (ctx) => ctx.rng.pick(p.get('company'));
      case 'jobTitle':
        return (ctx) => ctx.rng.pick(p.get('jobTitle'));
      case 'symbol':
        return (ctx) => ctx.rng.pick(TICKERS)[0];
      case 'currency':
        return (ctx) => ctx.rng.pick(CURRENCIES);
      case 'exchange':
        return (ctx) => ctx.rng.pick(EXCHANGES);
      case 'ip':
        return (ctx) =>
          `${ctx.rng.pick([24, 31, 52, 63, 77, 81, 92, 104, 151, 178, 185, 203])}.${ctx.rng.int(0, 255)}.${ctx.rng.int(0, 255)}.${ctx.rng.int(1, 254)}`;
      case 'userAgent':
        return (ctx, scope) => device(ctx, scope).userAgent;
      case 'url':
        return (ctx) => `https://${ctx.rng.pick(p.get('domain'))}/${ctx.rng.pick(p.get('word'))}/${ctx.rng.pick(p.get('word'))}`;
      case 'domain':
        return (ctx) => ctx.rng.pick(p.get('domain'));
      case 'status':
        return (ctx) => ctx.rng.pick(STATUSES);
      case 'sentence':
        return (ctx) => sentence(ctx.rng, p.get('word'));
      case 'os':
        return (ctx, scope) => device(ctx, scope).os;
      case 'version':
        return (ctx) => `${ctx.rng.int(1, 5)}.${ctx.rng.int(0, 24)}.${ctx.rng.int(0, 9)}`;
      case 'platform':
        return (ctx, scope) => device(ctx, scope).platform;
      case 'browser':
        return (ctx, scope) => device(ctx, scope).browser;
      case 'locale':
        return (ctx) => ctx.rng.pick(LOCALES);
      case 'timezone':
        return (ctx) => ctx.rng.pick(TIMEZONES);
      case 'iban':
        return (ctx) => `GB${pad(ctx.rng.int(10, 99), 2)}MONZ${pad(ctx.rng.int(0, 999999), 6)}${pad(ctx.rng.int(0, 99999999), 8)}`;
      case 'gender':
        return (ctx) => ctx.rng.pick(GENDERS);
      case 'sector':
        return (ctx) => ctx.rng.pick(SECTORS);
      case 'isoDate':
        return (ctx) => new Date(eventTime(ctx)).toISOString().slice(0, 10);
      case 'isoTimestamp':
        return (ctx) => new Date(eventTime(ctx)).toISOString();
      case 'entityId': {
        const tokens = norm(name)
          .split('_')
          .filter((t) => t && t !== 'id');
        const prefix = (tokens[tokens.length - 1] ?? 'id').slice(0, 4);
        return (ctx) => `${prefix}-${pad(ctx.rng.int(1, 10_000), 6)}`;
      }
      case 'word':
        return (ctx) => ctx.rng.pick(p.get('word'));
    }
  }

  private bytes(type: avro.Type, node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    if (node?.logicalType === 'decimal') return this.number(type, node, args, hint);
    if (args?.length !== undefined) {
      const [min, max] = lengthBounds(args.length, hint.path);
      return (ctx) => randomBytes(ctx.rng, ctx.rng.int(min, max - 1));
    }
    const n = norm(hint.name);
    const size = /sha256|sha_256|digest|hash|checksum/.test(n) ? 32 : /md5/.test(n) ? 16 : /signature/.test(n) ? 64 : undefined;
    if (size !== undefined) return (ctx) => randomBytes(ctx.rng, size);
    return (ctx) => randomBytes(ctx.rng, ctx.rng.int(8, 32));
  }

  // --- logical types ---------------------------------------------------------

  private logical(type: avro.types.LogicalType, node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    if (type instanceof DecimalType) {
      const sink = numberSink(type);
      if (args?.range !== undefined) return this.range(type, sink, args.range, hint.path);
      return this.numberRole(numberRole(hint.name, 'decimal'), sink);
    }
    if (type instanceof UuidType) return (ctx) => uuidV4(ctx.rng);
    if (type instanceof TemporalType) {
      if (args?.range !== undefined) return this.range(type, numberSink(type), args.range, hint.path);
      return this.temporal(type.typeName.slice('logical:'.length), hint);
    }
    // Someone else's logical type: generate its underlying value and let it convert.
    const inner = this.compile(type.underlyingType, node ? { ...node, logicalType: undefined } : node, hint);
    const fromValue = (type as unknown as { _fromValue(v: unknown): unknown })._fromValue.bind(type);
    return (ctx, scope) => fromValue(inner(ctx, scope));
  }

  /** Dates and times by what the field is: birth dates decades ago, expiries ahead, events just now. */
  private temporal(logical: string, hint: Hint): Gen {
    const unit = TIME_UNITS[logical] as TimeUnit;
    const n = norm(hint.name);
    const DAY = MILLIS_PER_DAY;
    let offset: (rng: Rng) => number;
    if (/(birth|dob|born)/.test(n)) offset = (rng) => -rng.int(18 * 365, 80 * 365) * DAY - rng.int(0, DAY - 1);
    else if (/(settle|settlement)/.test(n)) offset = (rng) => rng.int(1, 2) * DAY;
    else if (/(expir|expires|valid_until|due|maturity|renew)/.test(n)) offset = (rng) => rng.int(1, 365) * DAY + rng.int(0, DAY - 1);
    else if (/(created|registered|signup|sign_up|joined|opened|since|first_seen|onboarded)/.test(n))
      offset = (rng) => -rng.int(1, 3 * 365) * DAY - rng.int(0, DAY - 1);
    else offset = (rng) => -lag(rng);
    const micros = (rng: Rng) => rng.int(0, 999);
    let gen: Gen;
    switch (unit) {
      case 'day':
        gen = (ctx) => Math.floor((ctx.now + offset(ctx.rng)) / DAY);
        break;
      case 'time-millis':
        gen = (ctx) => mod(Math.floor(ctx.now + offset(ctx.rng)), DAY);
        break;
      case 'time-micros':
        gen = (ctx) => mod(Math.floor(ctx.now + offset(ctx.rng)), DAY) * 1000 + micros(ctx.rng);
        break;
      case 'millis':
        gen = (ctx) => Math.floor(ctx.now + offset(ctx.rng));
        break;
      case 'micros':
        gen = (ctx) => Math.floor(ctx.now + offset(ctx.rng)) * 1000 + micros(ctx.rng);
        break;
    }
    return gen;
  }

  // --- complex types -----------------------------------------------------------

  private array(type: avro.types.ArrayType, node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    const items = this.compile(type.itemsType, node?.items, { name: singular(hint.name), path: `${hint.path}[]` });
    const [min, max] = args?.length !== undefined ? lengthBounds(args.length, hint.path) : args ? [8, 16] : [0, 5];
    return (ctx) => {
      if (ctx.limited) return [];
      const n = ctx.rng.int(min, max - 1);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = items(ctx, {});
      return out;
    };
  }

  private map(type: avro.types.MapType, node: Obj | undefined, args: Obj | undefined, hint: Hint): Gen {
    const valuesType = type.valuesType as avro.Type;
    const [min, max] = args?.length !== undefined ? lengthBounds(args.length, hint.path) : args ? [8, 16] : [0, 4];
    let keys: Gen;
    const keyArgs = args?.keys;
    if (keyArgs !== undefined) {
      if (!isObject(keyArgs)) throw argError(hint.path, 'keys must be an object of arg.properties for the keys');
      keys = this.compile(
        avro.Type.forSchema('string'),
        { type: 'string', 'arg.properties': keyArgs },
        { name: 'key', path: `${hint.path}{}` },
      );
    } else {
      keys = (ctx) => ctx.rng.pick(MAP_KEYS);
    }
    // Values are generated for their key ("referrer" gets a URL), one compiled generator per key seen.
    const byKey = new Map<string, Gen>();
    const valueFor = (key: string): Gen => {
      let g = byKey.get(key);
      if (!g) {
        g = this.compile(valuesType, node?.values, { name: byKey.size < 256 ? key : singular(hint.name), path: `${hint.path}{}` });
        if (byKey.size < 256) byKey.set(key, g);
      }
      return g;
    };
    return (ctx) => {
      const out: Obj = {};
      if (ctx.limited) return out;
      const n = ctx.rng.int(min, max - 1);
      for (let i = 0; i < n; i++) {
        const key = String(keys(ctx, {}));
        out[key] = valueFor(key)(ctx, {});
      }
      return out;
    };
  }

  private union(type: avro.types.UnwrappedUnionType, json: unknown, hint: Hint, wrapped: boolean): Gen {
    const branches = type.types;
    const jsonBranches = Array.isArray(json) ? json : [];
    const gens = branches.map((b, i) =>
      this.compile(b, jsonBranches[i] ?? b.schema({ exportAttrs: true }), { name: hint.name, path: hint.path }),
    );
    const names = branches.map((b) => b.branchName as string);
    const nullIndex = branches.findIndex((b) => b.typeName === 'null');
    const others = branches.map((_, i) => i).filter((i) => i !== nullIndex);
    const position = hint.fieldArgs?.position;
    if (
      position !== undefined &&
      (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position >= branches.length)
    ) {
      throw argError(hint.path, `position must be a branch index from 0 to ${branches.length - 1}`);
    }
    // Where recursion must stop: null, else a branch that cannot nest further.
    const escape = nullIndex >= 0 ? nullIndex : branches.findIndex((b) => !/^(record|error|array|map|union)/.test(b.typeName));
    const emit = (i: number, ctx: Ctx, scope: Scope): unknown => {
      const v = (gens[i] as Gen)(ctx, scope);
      return wrapped && v !== null ? { [names[i] as string]: v } : v;
    };
    return (ctx, scope) => {
      let i: number;
      if (position !== undefined) i = position;
      else if (ctx.limited && escape >= 0) i = escape;
      else if (nullIndex >= 0 && others.length > 0)
        i = ctx.rng.next() < NULL_ODDS ? nullIndex : (others[Math.floor(ctx.rng.next() * others.length)] as number);
      else i = Math.floor(ctx.rng.next() * branches.length);
      return emit(i, ctx, scope);
    };
  }

  /** The non-null branches of a union, for coherence rules that need a value. */
  private nonNull(type: avro.Type, json: unknown, hint: Hint): Gen | undefined {
    if (!type.typeName.startsWith('union:')) return undefined;
    const u = type as avro.types.UnwrappedUnionType;
    const wrapped = type.typeName === 'union:wrapped';
    const jsonBranches = Array.isArray(json) ? json : [];
    const options = u.types
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => b.typeName !== 'null')
      .map(({ b, i }) => ({
        name: b.branchName as string,
        gen: this.compile(b, jsonBranches[i] ?? b.schema({ exportAttrs: true }), { name: hint.name, path: hint.path }),
      }));
    if (options.length === 0) return undefined;
    return (ctx, scope) => {
      const o = ctx.rng.pick(options);
      const v = o.gen(ctx, scope);
      return wrapped ? { [o.name]: v } : v;
    };
  }

  private record(type: avro.types.RecordType, node: Obj | undefined, hint: Hint): Gen {
    const name = type.name ?? `${hint.path}<record>`;
    const known = this.records.get(name);
    if (known) return (ctx, scope) => (known.gen as Gen)(ctx, scope);
    const entry: { gen?: Gen } = {};
    this.records.set(name, entry);
    const jsonFields = Array.isArray(node?.fields) ? (node.fields as unknown[]) : [];
    const fields: FieldPlan[] = type.fields.map((f, i) => {
      const fj = isObject(jsonFields[i]) ? (jsonFields[i] as Obj) : undefined;
      const fieldArgs = fj?.['arg.properties'];
      if (fieldArgs !== undefined && !isObject(fieldArgs)) throw argError(child(hint.path, f.name), 'arg.properties must be an object');
      const fjType = fj ? fj.type : f.type.schema({ exportAttrs: true });
      const fieldHint: Hint = { name: f.name, path: child(hint.path, f.name), ...(fieldArgs ? { fieldArgs: fieldArgs as Obj } : {}) };
      return {
        name: f.name,
        type: f.type,
        gen: this.compile(f.type, fjType, fieldHint),
        nonNull: this.nonNull(f.type, fjType, fieldHint),
        given: fieldArgs !== undefined || hasArgs(f.type, fjType, this.defs),
        role: fieldRole(f.name),
      };
    });
    const rules = coherenceRules(fields);
    const gen: Gen = (ctx, scope) => {
      const depth = (ctx.active.get(name) ?? 0) + 1;
      if (depth > RUNAWAY_NESTING) {
        throw new UsageError(
          `cannot generate ${shortName(name)}: it contains itself with no way out (no nullable union, array or map on the cycle)`,
        );
      }
      ctx.active.set(name, depth);
      const limiting = depth >= MAX_SELF_NESTING;
      if (limiting) ctx.limited++;
      const out: Obj = {};
      for (const f of fields) {
        const v = f.gen(ctx, scope);
        out[f.name] = v;
        // A user id from the schema's own arg.properties still anchors the user's name and email.
        if (f.role === 'userId' && f.given && scope.userIndex === undefined && v !== null) scope.userIndex = hashString(String(plain(v)));
      }
      if (rules) rules(out, ctx, scope);
      if (limiting) ctx.limited--;
      ctx.active.set(name, depth - 1);
      return out;
    };
    entry.gen = gen;
    return gen;
  }

  // --- people and accounts --------------------------------------------------------

  /** The person behind the current entity, derived from its user so events of one user agree. */
  private person(ctx: Ctx, scope: Scope): Person {
    return this.pools.person(userIndex(ctx, scope));
  }

  private accountNumber(ctx: Ctx, scope: Scope): number {
    // One or two accounts per user, stable across events.
    return 100_000 + (hash32(this.seed, userIndex(ctx, scope), ctx.rng.int(0, 1), 0xacc) % 900_000);
  }
}

function device(ctx: Ctx, scope: Scope): DeviceProfile {
  scope.device ??= ctx.rng.pick(DEVICES);
  return scope.device;
}

function userIndex(ctx: Ctx, scope: Scope): number {
  scope.userIndex ??= ctx.rng.int(1, USER_POOL);
  return scope.userIndex;
}

// --- coherence ---------------------------------------------------------------

interface FieldPlan {
  name: string;
  type: avro.Type;
  gen: Gen;
  /** Generates a non-null value, for optional fields a rule needs filled. */
  nonNull: Gen | undefined;
  /** The schema shapes this field with arg.properties: rules do not overwrite its value. */
  given: boolean;
  role: FieldRole | undefined;
}

type FieldRole = 'txType' | 'symbol' | 'quantity' | 'price' | 'amount' | 'fee' | 'userId';

function fieldRole(name: string): FieldRole | undefined {
  const n = norm(name);
  if (/^(type|transaction_type|txn_type|trade_type|side|action|kind|event_type)$/.test(n)) return 'txType';
  if (/^(symbol|ticker|instrument|stock_symbol)$/.test(n)) return 'symbol';
  if (/^(quantity|qty|shares|units)$/.test(n)) return 'quantity';
  if (/^(price|unit_price|share_price|px)$/.test(n)) return 'price';
  if (/^(amount|total|notional|gross_amount|value)$/.test(n)) return 'amount';
  if (/^(fee|fees|commission)$/.test(n)) return 'fee';
  if (/^(user_id|userid|customer_id|client_id)$/.test(n)) return 'userId';
  return undefined;
}

const CASH_MOVES = new Set(['DEPOSIT', 'WITHDRAWAL', 'WITHDRAW', 'TRANSFER', 'TRANSFER_IN', 'TRANSFER_OUT', 'INTEREST', 'FEE', 'CASH']);
const TRADES = new Set(['BUY', 'SELL', 'DIVIDEND', 'SHORT', 'COVER']);

/**
 * Per-record rules that make a trading event add up. Each applies only when
 * the fields it needs exist, and never overwrites a field shaped by the
 * schema's arg.properties (it may still pick null for an optional one).
 */
function coherenceRules(fields: FieldPlan[]): ((out: Obj, ctx: Ctx, scope: Scope) => void) | undefined {
  const by = (role: FieldRole) => fields.find((f) => f.role === role);
  const tx = by('txType');
  const symbol = by('symbol');
  const quantity = by('quantity');
  const price = by('price');
  const amount = by('amount');
  const fee = by('fee');
  const sinks = new Map<FieldPlan, NumberSink | undefined>();
  for (const f of [quantity, price, amount, fee]) if (f) sinks.set(f, numberSinkOf(f.type));
  const num = (f: FieldPlan | undefined): NumberSink | undefined => (f ? sinks.get(f) : undefined);
  const free = (f: FieldPlan | undefined): f is FieldPlan => f !== undefined && !f.given && num(f) !== undefined;
  const hasTrade = tx !== undefined && (symbol || quantity || price);
  const hasPrice = symbol !== undefined && free(price);
  const hasAmount = free(amount) && num(quantity) !== undefined && num(price) !== undefined;
  if (!hasTrade && !hasPrice && !hasAmount) return undefined;

  return (out, ctx, scope) => {
    const kind = tx ? String(plain(out[tx.name]) ?? '').toUpperCase() : '';
    const cash = CASH_MOVES.has(kind);
    const trade = TRADES.has(kind);
    if (cash) {
      for (const f of [symbol, quantity, price]) if (f && f.nonNull) out[f.name] = null;
    } else if (trade) {
      for (const f of [symbol, quantity, price]) if (f && f.nonNull && out[f.name] === null) out[f.name] = f.nonNull(ctx, scope);
    }
    const sym = symbol ? plain(out[symbol.name]) : undefined;
    const base = typeof sym === 'string' ? TICKER_PRICE.get(sym) : undefined;
    if (free(price) && base !== undefined && out[price.name] !== null) {
      const p = kind === 'DIVIDEND' ? round(base * ctx.rng.float(0.002, 0.01), 4) : round(base * (1 + ctx.rng.float(-0.03, 0.03)), 2);
      out[price.name] = (num(price) as NumberSink).toValue(p);
    }
    const q = quantity ? num(quantity)?.read(out[quantity.name]) : undefined;
    const p = price ? num(price)?.read(out[price.name]) : undefined;
    let gross: number | undefined;
    if (q !== undefined && p !== undefined) {
      gross = round(q * p, 2);
      if (free(amount)) out[amount.name] = (num(amount) as NumberSink).toValue(gross);
    } else if (amount) {
      gross = num(amount)?.read(out[amount.name]);
    }
    if (free(fee) && (cash || trade)) {
      const noFee = cash || kind === 'DIVIDEND';
      const sink = num(fee) as NumberSink;
      if (noFee) out[fee.name] = fee.nonNull ? null : sink.toValue(0);
      else if (gross !== undefined) out[fee.name] = sink.toValue(Math.max(0.99, round(gross * 0.0005, 2)));
    }
  };
}

/** Unwraps a wrapped-union value ({"string": "AAPL"} → "AAPL"). */
function plain(v: unknown): unknown {
  if (isObject(v) && !Buffer.isBuffer(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) return v[keys[0] as string];
  }
  return v;
}

// --- numbers -----------------------------------------------------------------

type NumberKind = 'int' | 'long' | 'float' | 'double' | 'decimal' | 'temporal';

interface NumberSink {
  kind: NumberKind;
  /** Decimal places the type keeps (decimal scale; floats: many; integers: 0). */
  scale: number;
  /** Inclusive bounds of the type. */
  limits: [number, number];
  /** A JS number → a valid value of the type (rounded, clamped, formatted). */
  toValue(x: number): unknown;
  /** A value of the type → a JS number, undefined for null. */
  read(v: unknown): number | undefined;
}

function numberSink(type: avro.Type, node?: Obj): NumberSink {
  if (type instanceof DecimalType) return decimalSink(type.precision, type.scale, (text) => text);
  if (type instanceof TemporalType) {
    const name = type.typeName.slice('logical:'.length);
    if (name === 'date') return integerSink('temporal', [INT_MIN, INT_MAX]);
    if (name.startsWith('time-')) return integerSink('temporal', [0, MILLIS_PER_DAY * (type.unit === 'micros' ? 1000 : 1) - 1]);
    return integerSink('temporal', [-LONG_MAX, LONG_MAX]);
  }
  const t = type.typeName;
  // A decimal on bytes or fixed that avsc was not told about: write the two's complement bytes.
  if ((t === 'bytes' || t === 'fixed') && node?.logicalType === 'decimal') {
    const precision = typeof node.precision === 'number' ? node.precision : 18;
    const scale = typeof node.scale === 'number' ? node.scale : 0;
    const size = t === 'fixed' ? (type as avro.types.FixedType).size : undefined;
    return decimalSink(precision, scale, (text, unscaled) => {
      if (unscaled !== undefined) return safeIntToTwosComplement(unscaled, size) ?? Buffer.alloc(size ?? 1);
      const parts = parseDecimalText(text);
      return bigintToTwosComplement(parts ? parts.unscaled : 0n, size) ?? Buffer.alloc(size ?? 1);
    });
  }
  switch (t) {
    case 'int':
      return integerSink('int', [INT_MIN, INT_MAX]);
    case 'long':
      return integerSink('long', [-LONG_MAX, LONG_MAX]);
    case 'float':
      return {
        kind: 'float',
        scale: 6,
        limits: [-3.4028234663852886e38, 3.4028234663852886e38],
        toValue: (x) => Math.fround(x),
        read: (v) => (typeof v === 'number' ? v : undefined),
      };
    default:
      return {
        kind: 'double',
        scale: 15,
        limits: [-Number.MAX_VALUE, Number.MAX_VALUE],
        toValue: (x) => x,
        read: (v) => (typeof v === 'number' ? v : undefined),
      };
  }
}

function integerSink(kind: NumberKind, limits: [number, number]): NumberSink {
  const [lo, hi] = limits;
  return {
    kind,
    scale: 0,
    limits,
    toValue: (x) => Math.min(hi, Math.max(lo, Math.round(x))),
    read: (v) => (typeof v === 'number' ? v : undefined),
  };
}

/**
 * `wrap` turns the canonical text into the value; `unscaled` is the same number as an integer,
 * given when it is below 2^53.
 */
function decimalSink(precision: number, scale: number, wrap: (text: string, unscaled?: number) => unknown): NumberSink {
  const intDigits = precision - scale;
  // The largest value the type holds, as a JS number (approximate above 2^53, which only clamps).
  const max = Number(`${'9'.repeat(Math.max(intDigits, 0)) || '0'}.${'9'.repeat(scale)}`);
  const maxText = formatDecimal(10n ** BigInt(precision) - 1n, scale);
  const unit = 10 ** scale;
  // Unscaled values below this fit the precision; past 15 digits every safe integer does.
  const unscaledLimit = precision < 16 ? 10 ** precision : Infinity;
  const clamp = (x: number) => wrap(x < 0 ? `-${maxText}` : maxText);
  return {
    kind: 'decimal',
    scale,
    limits: [-max, max],
    toValue: (x) => {
      if (!(Math.abs(x) < max)) return clamp(x);
      const scaled = x * unit;
      if (Math.abs(scaled) < 2 ** 53 && scale <= 15) {
        // Integer formatting instead of toFixed, which was the dearest step of a generated event
        // (four decimals each): values here are already rounded to at most `scale` places.
        const unscaled = Math.round(scaled);
        if (Math.abs(unscaled) >= unscaledLimit) return clamp(x);
        return wrap(formatUnscaled(unscaled, scale), unscaled === 0 ? 0 : unscaled);
      }
      const text = x.toFixed(Math.min(scale, 100));
      // toFixed rounds half away from zero; re-check digits in case it rounded up past the precision.
      return wrap(text.replace('-', '').replace('.', '').replace(/^0+/, '').length > precision ? (x < 0 ? `-${maxText}` : maxText) : text);
    },
    read: (v) => {
      if (typeof v === 'string') return Number(v);
      return undefined;
    },
  };
}

/** formatDecimal for a safe integer: (1234500, 4) → "123.4500". */
function formatUnscaled(unscaled: number, scale: number): string {
  const negative = unscaled < 0;
  let digits = String(negative ? -unscaled : unscaled);
  if (scale > 0) {
    if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** The numeric sink of a field: its type, or the numeric branch of an optional union. */
function numberSinkOf(type: avro.Type): NumberSink | undefined {
  const numeric = (t: avro.Type) => /^(int|long|float|double|logical:decimal)$/.test(t.typeName);
  if (numeric(type)) return numberSink(type);
  if (!type.typeName.startsWith('union:')) return undefined;
  const u = type as avro.types.UnwrappedUnionType;
  const branch = u.types.find(numeric);
  if (!branch) return undefined;
  const inner = numberSink(branch);
  if (type.typeName === 'union:unwrapped') return { ...inner, read: (v) => (v === null ? undefined : inner.read(v)) };
  const name = branch.branchName as string;
  return { ...inner, toValue: (x) => ({ [name]: inner.toValue(x) }), read: (v) => (v === null ? undefined : inner.read(plain(v))) };
}

type NumberRole =
  | { kind: 'uniform'; min: number; max: number; decimals: number }
  | { kind: 'log'; min: number; max: number; decimals: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'quantity' }
  | { kind: 'price' }
  | { kind: 'sequence' }
  | { kind: 'epoch' }
  | { kind: 'userIndex' }
  | { kind: 'accountIndex' };

/** What a number field holds, by its name. */
function numberRole(name: string, kind: NumberKind): NumberRole {
  const n = norm(name);
  const integral = kind === 'int' || kind === 'long';
  const money = (min: number, max: number): NumberRole => ({ kind: 'log', min, max, decimals: integral ? 0 : 2 });
  if ((kind === 'long' || kind === 'int') && /(^|_)(ts|timestamp|epoch)$|(time|_at|_ts|_on|_seen)$/.test(n)) return { kind: 'epoch' };
  if (/^(user_id|userid|customer_id|client_id)$/.test(n) && integral) return { kind: 'userIndex' };
  if (/^(account_id|accountid|account_number|acct_id)$/.test(n) && integral) return { kind: 'accountIndex' };
  if (/(^|_)(seq|sequence|seq_no|sequence_number|offset)$/.test(n) && integral) return { kind: 'sequence' };
  if (/(^|_)(price|px|unit_price|share_price|strike|nav|cost_basis|avg_price|average_price|open|close|high|low|bid|ask)$/.test(n))
    return { kind: 'price' };
  if (/(^|_)(quantity|qty|shares|units|lots?)$/.test(n)) return { kind: 'quantity' };
  if (/(fee|fees|commission|tax)$/.test(n)) return { kind: 'uniform', min: integral ? 0 : 0.5, max: 9.99, decimals: integral ? 0 : 2 };
  if (/(balance|equity|net_worth|aum|portfolio_value|buying_power|cash)$/.test(n)) return money(100, 250_000);
  if (/(amount|amt|total|notional|value|proceeds|cost|subtotal|revenue|spend|payment|sum)$/.test(n)) return money(10, 10_000);
  if (/(^|_)age$/.test(n)) return { kind: 'int', min: 18, max: 85 };
  if (/(^|_)(lat|latitude)$/.test(n)) return { kind: 'uniform', min: -60, max: 70, decimals: 6 };
  if (/(^|_)(lon|lng|longitude)$/.test(n)) return { kind: 'uniform', min: -180, max: 180, decimals: 6 };
  if (/(percent|pct|percentage)$/.test(n)) return { kind: 'uniform', min: 0, max: 100, decimals: integral ? 0 : 2 };
  if (/(ratio|rate|probability|weight|share)$/.test(n))
    return integral ? { kind: 'int', min: 0, max: 100 } : { kind: 'uniform', min: 0, max: 1, decimals: 4 };
  if (/(score|rating|stars)$/.test(n)) return integral ? { kind: 'int', min: 1, max: 5 } : { kind: 'uniform', min: 0, max: 5, decimals: 1 };
  if (/(duration|latency|elapsed|took|_ms|millis)$/.test(n)) return { kind: 'log', min: 1, max: 5000, decimals: 0 };
  if (/(count|clicks|views|visits|items|attempts|retries|errors)$|^(num|n)_/.test(n)) return { kind: 'int', min: 0, max: 50 };
  if (/(^|_)port$/.test(n)) return { kind: 'int', min: 1024, max: 65535 };
  if (/(^|_)year$/.test(n)) return { kind: 'int', min: 1970, max: 2030 };
  if (/(^|_)month$/.test(n)) return { kind: 'int', min: 1, max: 12 };
  if (/(^|_)(day|day_of_month)$/.test(n)) return { kind: 'int', min: 1, max: 28 };
  if (/(^|_)hour$/.test(n)) return { kind: 'int', min: 0, max: 23 };
  if (/(^|_)(minute|second)$/.test(n)) return { kind: 'int', min: 0, max: 59 };
  if (/(zip|zipcode|postal_code)$/.test(n)) return { kind: 'int', min: 10_000, max: 99_999 };
  if (/(^|_)(version|revision|level|priority|tier)$/.test(n)) return { kind: 'int', min: 1, max: 5 };
  if (/(_id|^id)$/.test(n) && integral) return { kind: 'int', min: 1, max: 100_000 };
  if (kind === 'int') return { kind: 'int', min: 0, max: 1000 };
  if (kind === 'long') return { kind: 'int', min: 0, max: 1_000_000 };
  return { kind: 'uniform', min: 0, max: 1000, decimals: kind === 'decimal' ? 2 : 2 };
}

/** Share counts: mostly whole, sometimes fractional where the type keeps decimals. */
function quantity(rng: Rng, scale: number): number {
  const whole = Math.ceil(Math.exp(rng.next() * Math.log(200)));
  if (scale === 0 || rng.next() < 0.75) return whole;
  return round(rng.float(0.01, 50), Math.min(scale, 4));
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

// --- strings -----------------------------------------------------------------

type StringRole =
  | 'uuid'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'fullName'
  | 'username'
  | 'userId'
  | 'accountId'
  | 'phone'
  | 'country'
  | 'countryName'
  | 'city'
  | 'state'
  | 'zip'
  | 'street'
  | 'company'
  | 'jobTitle'
  | 'symbol'
  | 'currency'
  | 'exchange'
  | 'ip'
  | 'userAgent'
  | 'url'
  | 'domain'
  | 'status'
  | 'sentence'
  | 'os'
  | 'version'
  | 'platform'
  | 'browser'
  | 'locale'
  | 'timezone'
  | 'iban'
  | 'gender'
  | 'sector'
  | 'isoDate'
  | 'isoTimestamp'
  | 'entityId'
  | 'word';

const STRING_ROLES: [RegExp, StringRole][] = [
  [
    /^(uuid|guid|id)$|(^|_)(event|transaction|txn|message|msg|request|correlation|trace|span|session|device|idempotency|payment|trade|order|execution|dedup|batch|run)_?(id|uuid)$/,
    'uuid',
  ],
  [/(^|_)e?mail(_address)?$/, 'email'],
  [/^(first_?name|given_name|forename)$/, 'firstName'],
  [/^(last_?name|surname|family_name)$/, 'lastName'],
  [/^(full_?name|name|display_name|customer_name|holder_name|account_holder|owner|owner_name|contact_name)$/, 'fullName'],
  [/^(user_?name|login|handle|nickname|screen_name)$/, 'username'],
  [/^(user_id|userid|customer_id|client_id|member_id)$/, 'userId'],
  [/^(account_id|accountid|account_number|account_no|acct_id|portfolio_id|wallet_id)$/, 'accountId'],
  [/(^|_)(phone|mobile|msisdn|telephone)(_number)?$/, 'phone'],
  [/(^|_)country_name$/, 'countryName'],
  [/(^|_)country(_code|_iso)?$|^(nationality|residence)$/, 'country'],
  [/(^|_)city$/, 'city'],
  [/(^|_)(state|province|region)(_code)?$/, 'state'],
  [/(^|_)(zip|zipcode|zip_code|postal_code|postcode)$/, 'zip'],
  [/(^|_)(ip|ip_address|ip_addr|client_ip|remote_addr|source_ip|ipv4)$/, 'ip'],
  [/(^|_)(street|address|address_line_?\d?|street_address)$/, 'street'],
  [/(^|_)(company|employer|organization|organisation|merchant|brand)(_name)?$/, 'company'],
  [/(^|_)(job_title|occupation|job|title)$/, 'jobTitle'],
  [/(^|_)(symbol|ticker|instrument|stock)(_symbol|_code)?$/, 'symbol'],
  [/(^|_)(currency|ccy|currency_code)$/, 'currency'],
  [/(^|_)(exchange|exchange_code|mic|venue)$/, 'exchange'],
  [/user_?agent$|^ua$/, 'userAgent'],
  [/(url|uri|link|href|referr?er|website|homepage)$/, 'url'],
  [/(^|_)(domain|host|hostname)$/, 'domain'],
  [/(^|_)(status|state_name)$/, 'status'],
  [/(description|comment|comments|note|notes|message|reason|memo|text|body|summary|details)$/, 'sentence'],
  [/(^|_)(os|os_name|os_version|operating_system)$/, 'os'],
  [/(^|_)((os|app|sdk|client)_)?version$/, 'version'],
  [/(^|_)(platform|channel|source)$/, 'platform'],
  [/(^|_)browser$/, 'browser'],
  [/(^|_)(locale|language|lang)$/, 'locale'],
  [/(^|_)(timezone|time_zone|tz)$/, 'timezone'],
  [/(^|_)iban$/, 'iban'],
  [/(^|_)(gender|sex)$/, 'gender'],
  [/(^|_)(category|department|segment|sector|industry)$/, 'sector'],
  [/(^|_)(date|day)$|_date$|^dob$|birthday$/, 'isoDate'],
  [/(^|_)(ts|timestamp)$|(time|_at|_on|_seen)$/, 'isoTimestamp'],
  [/_id$|_key$|_ref$|_code$/, 'entityId'],
];

function stringRole(name: string): StringRole {
  const n = norm(name);
  for (const [re, role] of STRING_ROLES) if (re.test(n)) return role;
  return 'word';
}

const TEXT_BLOCK = 1 << 16;
const TEXT_CODES = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'latin1');
const textScratch = Buffer.allocUnsafe(4096);

function randomText(rng: Rng, length: number): string {
  const buf = length <= textScratch.length ? textScratch : Buffer.allocUnsafe(length);
  // Four characters from each 32-bit draw: 62^4 × 290 < 2^32, so each is uniform to within 0.4 %.
  let i = 0;
  while (i < length) {
    let u = rng.uint32();
    for (let k = 0; k < 4 && i < length; k++) {
      buf[i++] = TEXT_CODES[u % 62] as number;
      u = Math.floor(u / 62);
    }
  }
  return buf.toString('latin1', 0, length);
}

function sentence(rng: Rng, words: readonly string[]): string {
  const n = rng.int(4, 12);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(rng.pick(words));
  const s = parts.join(' ');
  return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}.`;
}

const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
// The dashes stay where they are; the hex digits are overwritten for each uuid.
const uuidScratch = Buffer.alloc(36, '-');

function uuidV4(rng: Rng): string {
  const words = [rng.uint32(), (rng.uint32() & 0xffff0fff) | 0x00004000, (rng.uint32() & 0x3fffffff) | 0x80000000, rng.uint32()];
  let p = 0;
  for (const w of words) {
    for (let shift = 28; shift >= 0; shift -= 4) {
      if (p === 8 || p === 13 || p === 18 || p === 23) p++;
      uuidScratch[p++] = HEX_CODES[(w >>> shift) & 15] as number;
    }
  }
  // Digit by digit into one flat string: number-to-hex conversions, or a string built from
  // pieces (which the encoder's uuid check then flattens), cost more than the rest of an event.
  return uuidScratch.toString('latin1', 0, 36);
}

function randomBytes(rng: Rng, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) buf[i] = rng.uint32() & 0xff;
  return buf;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

function lag(rng: Rng): number {
  const r = rng.next();
  return Math.floor(r * r * MAX_LAG_MS);
}

/** An event time a little before the clock. */
function eventTime(ctx: Ctx): number {
  return Math.floor(ctx.now - lag(ctx.rng));
}

type TimeUnit = 'day' | 'time-millis' | 'time-micros' | 'millis' | 'micros';
const TIME_UNITS: Record<string, TimeUnit> = {
  date: 'day',
  'time-millis': 'time-millis',
  'time-micros': 'time-micros',
  'timestamp-millis': 'millis',
  'timestamp-micros': 'micros',
  'local-timestamp-millis': 'millis',
  'local-timestamp-micros': 'micros',
};

// --- schema helpers ------------------------------------------------------------

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Named types by full name, so references ("Device") find their arg.properties. */
function collectDefs(json: unknown, namespace: string, defs: Map<string, Obj>): void {
  if (Array.isArray(json)) {
    for (const j of json) collectDefs(j, namespace, defs);
    return;
  }
  if (!isObject(json)) return;
  let ns = namespace;
  const t = json.type;
  if ((t === 'record' || t === 'error' || t === 'enum' || t === 'fixed') && typeof json.name === 'string') {
    const explicit = typeof json.namespace === 'string' ? json.namespace : namespace;
    const full = json.name.includes('.') ? json.name : explicit ? `${explicit}.${json.name}` : json.name;
    if (!defs.has(full)) defs.set(full, json);
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  }
  if (Array.isArray(json.fields)) for (const f of json.fields) if (isObject(f)) collectDefs(f.type, ns, defs);
  if (json.items !== undefined) collectDefs(json.items, ns, defs);
  if (json.values !== undefined) collectDefs(json.values, ns, defs);
  if (isObject(t) || Array.isArray(t)) collectDefs(t, ns, defs);
}

/** Whether a field's type carries arg.properties (directly, or in a referenced named type). */
function hasArgs(type: avro.Type, json: unknown, defs: Map<string, Obj>): boolean {
  const of = (t: avro.Type, j: unknown): boolean => {
    const node = typeof j === 'string' && t.name !== undefined ? defs.get(t.name) : j;
    return isObject(node) && node['arg.properties'] !== undefined;
  };
  if (type.typeName.startsWith('union:')) {
    const branches = (type as avro.types.UnwrappedUnionType).types;
    const jsonBranches = Array.isArray(json) ? json : [];
    return branches.some((b, i) => of(b, jsonBranches[i]));
  }
  return of(type, json);
}

function baseKind(type: avro.Type): string {
  if (type instanceof DecimalType) return 'decimal';
  if (type instanceof TemporalType) return 'long';
  const t = type.typeName;
  if (t.startsWith('logical:')) return baseKind((type as avro.types.LogicalType).underlyingType);
  return t;
}

function lengthBounds(length: unknown, path: string): [number, number] {
  if (typeof length === 'number') {
    if (!Number.isInteger(length) || length < 0) throw argError(path, 'length must be a non-negative integer');
    return [length, length + 1];
  }
  if (isObject(length)) {
    const { min = 0, max } = length;
    if (typeof min !== 'number' || !Number.isInteger(min) || min < 0) throw argError(path, 'length min must be a non-negative integer');
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max <= min)) {
      throw argError(path, 'length max must be an integer above min (max is exclusive)');
    }
    if (length.min === undefined && max === undefined) throw argError(path, 'length needs min and/or max');
    return [min, (max as number | undefined) ?? min + 16];
  }
  throw argError(path, 'length must be a number or {min, max}');
}

function stringArg(args: Obj, key: string, path: string): string {
  const v = args[key];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw argError(path, `${key} must be a string`);
  return v;
}

function argError(path: string, message: string): UsageError {
  return new UsageError(`invalid arg.properties at ${where(path)}: ${message}`, {
    hint: 'see the avro-random-generator annotations: options, iteration, range, length, regex, keys, odds, position',
  });
}

function where(path: string): string {
  return path ? `"${path}"` : 'the schema root';
}

function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function shortName(name: string): string {
  return name.split('.').pop() ?? name;
}

/** camelCase and kebab-case → snake_case, lower case: "firstName" → "first_name". */
function norm(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

function singular(name: string): string {
  if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(ses|xes)$/.test(name)) return name.slice(0, -2);
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return name;
}

// --- pools of realistic values ------------------------------------------------------

interface Person {
  first: string;
  last: string;
  email: string;
  username: string;
  phone: string;
  country: Country;
  city: string;
  street: string;
}

type PoolName = 'firstName' | 'lastName' | 'city' | 'street' | 'state' | 'company' | 'jobTitle' | 'word' | 'domain';

/**
 * Faker-made pools, filled once per generator and only when a field needs
 * them: drawing from a pool per event is far cheaper than calling faker, and
 * filling each pool from its own seed keeps it the same whatever else the
 * schema asks for.
 */
class Pools {
  private readonly filled = new Map<PoolName, readonly string[]>();
  private faker: Faker | undefined;
  private reseed: ((seed: number) => void) | undefined;
  private readonly people = new Map<number, Person>();

  constructor(private readonly seed: number) {}

  get(name: PoolName): readonly string[] {
    let pool = this.filled.get(name);
    if (!pool) {
      pool = this.fill(name);
      this.filled.set(name, pool);
    }
    return pool;
  }

  private fill(name: PoolName): readonly string[] {
    const f = this.fakerFor(hash32(this.seed, hashString(name)));
    const make: Record<PoolName, [number, () => string]> = {
      firstName: [400, () => f.person.firstName()],
      lastName: [400, () => f.person.lastName()],
      city: [200, () => f.location.city()],
      street: [300, () => f.location.streetAddress()],
      state: [50, () => f.location.state({ abbreviated: true })],
      company: [150, () => f.company.name()],
      jobTitle: [150, () => f.person.jobTitle()],
      word: [500, () => f.word.sample()],
      domain: [80, () => f.internet.domainName()],
    };
    const [size, one] = make[name];
    return Array.from({ length: size }, one);
  }

  private fakerFor(seed: number): Faker {
    if (!this.faker) {
      let rng = createRng(seed);
      const randomizer: Randomizer = {
        next: () => rng.next(),
        seed: (s) => {
          rng = createRng(Array.isArray(s) ? hash32(...s) : s);
        },
      };
      // A private instance: seeding the shared `faker` would change it for everyone else.
      const FakerClass = fakerEn.constructor as new (options: { locale: unknown; randomizer: Randomizer }) => Faker;
      this.faker = new FakerClass({ locale: fakerEn.rawDefinitions, randomizer });
      this.reseed = (s) => randomizer.seed(s);
    }
    this.reseed?.(seed);
    return this.faker;
  }

  /** The same user index always gives the same person (within a seed). */
  person(index: number): Person {
    let p = this.people.get(index);
    if (p) return p;
    const h = (k: number) => hash32(this.seed, index, k);
    const pickH = <T>(items: readonly T[], k: number): T => items[h(k) % items.length] as T;
    const first = pickH(this.get('firstName'), 1);
    const last = pickH(this.get('lastName'), 2);
    const country = pickH(COUNTRIES, 3);
    const digits = h(4) % 3 === 0 ? String(h(5) % 100) : '';
    const local = `${ascii(first)}.${ascii(last)}${digits}`;
    const tail = String(h(7) % 1_000_000_000).padStart(9, '0');
    p = {
      first,
      last,
      email: `${local}@${pickH(EMAIL_DOMAINS, 6)}`,
      username: `${ascii(first)}${ascii(last).slice(0, 1)}${h(8) % 1000}`,
      phone: `+${country.dial} ${2 + (h(9) % 8)}${tail.slice(0, 2)} ${tail.slice(2, 5)} ${tail.slice(5)}`,
      country,
      city: pickH(this.get('city'), 10),
      street: pickH(this.get('street'), 11),
    };
    if (this.people.size < 10_000) this.people.set(index, p);
    return p;
  }
}

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

interface Country {
  code: string;
  name: string;
  dial: string;
}

const COUNTRY_WEIGHTS: [string, string, string, number][] = [
  ['US', 'United States', '1', 30],
  ['GB', 'United Kingdom', '44', 10],
  ['DE', 'Germany', '49', 9],
  ['FR', 'France', '33', 6],
  ['CA', 'Canada', '1', 6],
  ['NL', 'Netherlands', '31', 5],
  ['AU', 'Australia', '61', 5],
  ['ES', 'Spain', '34', 4],
  ['IT', 'Italy', '39', 4],
  ['CH', 'Switzerland', '41', 4],
  ['SG', 'Singapore', '65', 4],
  ['IE', 'Ireland', '353', 3],
  ['SE', 'Sweden', '46', 3],
  ['JP', 'Japan', '81', 3],
  ['IN', 'India', '91', 4],
];
const COUNTRIES: readonly Country[] = COUNTRY_WEIGHTS.flatMap(([code, name, dial, w]) =>
  Array.from({ length: w }, () => ({ code, name, dial })),
);

/** US-listed tickers with a typical share price in USD, so prices look like the real thing. */
const TICKERS: readonly [string, number][] = [
  ['AAPL', 190],
  ['MSFT', 420],
  ['NVDA', 130],
  ['AMZN', 185],
  ['GOOGL', 170],
  ['META', 520],
  ['TSLA', 240],
  ['BRK.B', 430],
  ['JPM', 210],
  ['V', 280],
  ['MA', 470],
  ['JNJ', 155],
  ['WMT', 80],
  ['XOM', 115],
  ['UNH', 520],
  ['PG', 165],
  ['HD', 380],
  ['KO', 63],
  ['PEP', 165],
  ['COST', 880],
  ['NFLX', 680],
  ['AMD', 150],
  ['INTC', 30],
  ['DIS', 100],
  ['BAC', 40],
  ['CSCO', 52],
  ['ORCL', 150],
  ['CRM', 280],
  ['ADBE', 500],
  ['PYPL', 70],
  ['UBER', 72],
  ['SHOP', 85],
  ['SPY', 560],
  ['QQQ', 480],
  ['VTI', 275],
  ['VOO', 515],
];
const TICKER_PRICE = new Map<string, number>(TICKERS);

const CURRENCIES: readonly string[] = [
  ...Array<string>(10).fill('USD'),
  ...Array<string>(4).fill('EUR'),
  ...Array<string>(2).fill('GBP'),
  'CHF',
  'JPY',
  'CAD',
  'AUD',
  'SGD',
  'SEK',
];
const EXCHANGES = ['XNAS', 'XNYS', 'ARCX', 'BATS', 'IEXG'];
const STATUSES = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'PENDING', 'FAILED', 'CANCELLED'];
const LOCALES = ['en-US', 'en-US', 'en-GB', 'de-DE', 'fr-FR', 'nl-NL', 'es-ES', 'it-IT', 'ja-JP'];
const TIMEZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
];
const EMAIL_DOMAINS = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'icloud.com',
  'proton.me',
  'hotmail.com',
  'gmx.de',
  'fastmail.com',
];
const GENDERS = ['female', 'male', 'female', 'male', 'non-binary'];
const SECTORS = ['Technology', 'Financials', 'Healthcare', 'Energy', 'Consumer Discretionary', 'Industrials', 'Utilities', 'Materials'];
const MAP_KEYS = [
  'source',
  'campaign',
  'channel',
  'referrer',
  'experiment',
  'variant',
  'region',
  'plan',
  'segment',
  'locale',
  'app_version',
  'tier',
];
interface DeviceProfile {
  platform: 'ios' | 'android' | 'web';
  os: string;
  browser: string;
  userAgent: string;
}

const CHROME_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Whole clients, so an event's platform, OS, browser and user agent agree. */
const DEVICES: readonly DeviceProfile[] = [
  { platform: 'ios', os: 'iOS 18.1', browser: 'Safari', userAgent: 'PortfolioApp/4.12.1 (iPhone; iOS 18.1; Scale/3.00)' },
  { platform: 'ios', os: 'iOS 17.6', browser: 'Safari', userAgent: 'PortfolioApp/4.11.3 (iPhone; iOS 17.6; Scale/3.00)' },
  { platform: 'android', os: 'Android 15', browser: 'Chrome', userAgent: 'PortfolioApp/4.12.0 (Android 15; Pixel 9)' },
  { platform: 'android', os: 'Android 14', browser: 'Chrome', userAgent: 'PortfolioApp/4.12.0 (Android 14; SM-S918B)' },
  { platform: 'web', os: 'Windows 11', browser: 'Chrome', userAgent: CHROME_WIN },
  { platform: 'web', os: 'Windows 11', browser: 'Edge', userAgent: `${CHROME_WIN} Edg/131.0.0.0` },
  {
    platform: 'web',
    os: 'macOS 15.1',
    browser: 'Safari',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  },
  {
    platform: 'web',
    os: 'Ubuntu 24.04',
    browser: 'Firefox',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  },
  {
    platform: 'web',
    os: 'iOS 18.1',
    browser: 'Safari',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  },
  {
    platform: 'web',
    os: 'Android 14',
    browser: 'Chrome',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  },
];
