import { UsageError } from '../errors.js';
import { lineColumnAt } from './json-positions.js';
import {
  isNamed,
  typeJson,
  typeLabel,
  type AvroNode,
  type EnumNode,
  type FieldNode,
  type NamedNode,
  type RecordNode,
  type UnionNode,
} from './model.js';
import { parseSchemaOrThrow, type ParsedSchema } from './parse.js';

/**
 * Schema compatibility as Confluent Schema Registry decides it. The registry's
 * AvroCompatibilityChecker asks Avro's Java SchemaCompatibility
 * .checkReaderWriterCompatibility(reader, writer) for each pair, so
 * checkReaderWriter below follows that class rule for rule, including its
 * quirks (it compares record names without namespaces, and treats a union
 * reader as compatible when any branch can read the writer).
 */

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Avro's SchemaIncompatibilityType. */
export type IncompatibilityKind =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

/**
 * Which way the data flows in the check that found a problem. `backward`: the
 * new schema reads records written with a previous one. `forward`: a previous
 * schema reads records written with the new one.
 */
export type Direction = 'backward' | 'forward';

export interface CompatibilityProblem {
  /** By names, from the reader's side: `TransactionEvent.fee`, `TransactionEvent.legs[].amount`. */
  path: string;
  kind: IncompatibilityKind;
  direction: Direction;
  /** The previous schema it was found against: its index in previousSchemas, or its label from `versions`. */
  against: number;
  /** What changed and who can't read what, in plain words. */
  message: string;
  /** What to change. */
  fix: string;
  /** Avro's JSON pointer into the reader schema (`/fields/3/type`), as Confluent reports it. */
  location: string;
  /** Avro's own message (`reader type: INT not compatible with writer type: STRING`). */
  avroMessage: string;
  /** Where in the new schema's text, when the problem has a spot there. 1-based. */
  line?: number;
  column?: number;
}

export interface CompatibilityResult {
  compatible: boolean;
  level: CompatibilityLevel;
  /** The previous schemas checked, newest first (the order Confluent checks them in); empty for NONE. */
  checkedAgainst: number[];
  problems: CompatibilityProblem[];
}

export interface CompatibilityOptions {
  /** Labels for previousSchemas, one each (e.g. registry versions), used in checkedAgainst and `against`. Default: their 0-based indexes. */
  versions?: readonly number[];
}

/** A parsed schema, or the text of one (as the registry or git returns it). */
export type SchemaSource = ParsedSchema | string;

export function parseCompatibilityLevel(value: string): CompatibilityLevel {
  const upper = value.trim().toUpperCase().replace(/-/g, '_');
  const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
  if (!level) throw new UsageError(`unknown compatibility level "${value}"`, { hint: `use one of ${COMPATIBILITY_LEVELS.join(', ')}` });
  return level;
}

/**
 * Checks `newSchema` against `previousSchemas` (oldest first) at `level`.
 * Transitive levels check every previous schema, the others only the latest.
 * Previous schemas given as text that fail to parse throw SchemaParseError.
 */
export function checkCompatibility(
  newSchema: SchemaSource,
  previousSchemas: readonly SchemaSource[],
  level: CompatibilityLevel,
  options: CompatibilityOptions = {},
): CompatibilityResult {
  const labels = options.versions ?? previousSchemas.map((_, i) => i);
  if (labels.length !== previousSchemas.length) {
    throw new UsageError(`got ${labels.length} versions for ${previousSchemas.length} previous schemas`);
  }
  if (level === 'NONE' || previousSchemas.length === 0) return { compatible: true, level, checkedAgainst: [], problems: [] };

  const current = toParsed(newSchema, 'new schema');
  const transitive = level.endsWith('_TRANSITIVE');
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const indexes = previousSchemas.map((_, i) => i).reverse();
  const checked = transitive ? indexes : indexes.slice(0, 1);

  const problems: CompatibilityProblem[] = [];
  for (const i of checked) {
    const previous = toParsed(previousSchemas[i]!, `previous schema ${labels[i]}`);
    const against = labels[i]!;
    if (backward) {
      for (const raw of checkReaderWriter(current.model.root, previous.model.root)) {
        problems.push(toProblem(raw, 'backward', against, current));
      }
    }
    if (forward) {
      for (const raw of checkReaderWriter(previous.model.root, current.model.root)) {
        problems.push(toProblem(raw, 'forward', against, current));
      }
    }
  }
  return { compatible: problems.length === 0, level, checkedAgainst: checked.map((i) => labels[i]!), problems };
}

/** One line: `TransactionEvent.fee: field added without a default — …; add "default": null …`. */
export function formatProblem(problem: CompatibilityProblem): string {
  return `${problem.path}: ${problem.message}; ${problem.fix}`;
}

function toParsed(source: SchemaSource, label: string): ParsedSchema {
  return typeof source === 'string' ? parseSchemaOrThrow(source, label) : source;
}

// ---------------------------------------------------------------------------
// Avro's reader/writer check.

/** One of Avro's Incompatibility records, plus what the explanations need. */
export interface Incompatibility {
  kind: IncompatibilityKind;
  location: string;
  avroMessage: string;
  reader: AvroNode;
  writer: AvroNode;
  path: string;
  /** The innermost fields being compared on each side, if any. */
  readerField?: FieldNode;
  writerField?: FieldNode;
  /** Set when `writer` is a branch of this writer union and the reader is not a union. */
  writerUnion?: UnionNode;
  /** READER_FIELD_MISSING_DEFAULT_VALUE: the reader's field that the writer lacks, and its record. */
  missingField?: FieldNode;
  readerRecord?: RecordNode;
  /** MISSING_UNION_BRANCH: the problems of the reader branch that came closest to reading the writer. */
  closest?: Incompatibility[];
}

interface Result {
  compatible: boolean;
  problems: Incompatibility[];
}

interface Context {
  path: string;
  readerField?: FieldNode;
  writerField?: FieldNode;
  writerUnion?: UnionNode;
}

const COMPATIBLE: Result = { compatible: true, problems: [] };
const IN_PROGRESS = Symbol('recursion in progress');

const merge = (a: Result, b: Result): Result =>
  b.problems.length === 0 && b.compatible ? a : { compatible: a.compatible && b.compatible, problems: [...a.problems, ...b.problems] };

const javaType = (node: AvroNode): string => node.type.toUpperCase();

const pointer = (location: readonly string[]): string =>
  `/${location
    .slice(1)
    .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;

/** Can `reader` read every datum written with `writer`? Avro's incompatibilities, deduplicated, in the order Avro finds them. */
export function checkReaderWriter(reader: AvroNode, writer: AvroNode): Incompatibility[] {
  const memo = new Map<AvroNode, Map<AvroNode, Result | typeof IN_PROGRESS>>();
  const path = isNamed(reader) ? reader.name : '';

  const get = (token: string, r: AvroNode, w: AvroNode, location: string[], ctx: Context): Result => {
    location.push(token);
    let byWriter = memo.get(r);
    if (!byWriter) memo.set(r, (byWriter = new Map()));
    const known = byWriter.get(w);
    let result: Result;
    if (known === IN_PROGRESS) {
      // A recursive pair: compatible unless proven otherwise further up.
      result = COMPATIBLE;
    } else if (known) {
      result = known;
    } else {
      byWriter.set(w, IN_PROGRESS);
      result = calculate(r, w, location, ctx);
      byWriter.set(w, result);
    }
    location.pop();
    return result;
  };

  const incompatible = (
    kind: IncompatibilityKind,
    r: AvroNode,
    w: AvroNode,
    avroMessage: string,
    location: string[],
    ctx: Context,
    extra: Partial<Incompatibility> = {},
  ): Result => ({
    compatible: false,
    problems: [
      {
        kind,
        location: pointer(location),
        avroMessage,
        reader: r,
        writer: w,
        path: ctx.path,
        ...(ctx.readerField ? { readerField: ctx.readerField } : {}),
        ...(ctx.writerField ? { writerField: ctx.writerField } : {}),
        ...(ctx.writerUnion ? { writerUnion: ctx.writerUnion } : {}),
        ...extra,
      },
    ],
  });

  const typeMismatch = (r: AvroNode, w: AvroNode, location: string[], ctx: Context): Result =>
    incompatible('TYPE_MISMATCH', r, w, `reader type: ${javaType(r)} not compatible with writer type: ${javaType(w)}`, location, ctx);

  const checkNames = (r: NamedNode, w: NamedNode, location: string[], ctx: Context): Result => {
    // Java compares the names without namespaces; aliases must match the writer's full name.
    if (r.name === w.name || r.aliases.includes(w.fullName)) return COMPATIBLE;
    location.push('name');
    const result = incompatible('NAME_MISMATCH', r, w, `expected: ${w.fullName}`, location, ctx);
    location.pop();
    return result;
  };

  const calculate = (r: AvroNode, w: AvroNode, location: string[], ctx: Context): Result => {
    if (r.type === w.type) {
      switch (r.type) {
        case 'array':
          return get('items', r.items, (w as typeof r).items, location, { ...ctx, path: `${ctx.path}[]`, writerUnion: undefined });
        case 'map':
          return get('values', r.values, (w as typeof r).values, location, { ...ctx, path: `${ctx.path}{}`, writerUnion: undefined });
        case 'fixed': {
          const wf = w as typeof r;
          let result = checkNames(r, wf, location, ctx);
          if (r.size !== wf.size) {
            location.push('size');
            result = merge(result, incompatible('FIXED_SIZE_MISMATCH', r, w, `expected: ${wf.size}, found: ${r.size}`, location, ctx));
            location.pop();
          }
          return result;
        }
        case 'enum': {
          const we = w as typeof r;
          return merge(checkNames(r, we, location, ctx), checkEnumSymbols(r, we, location, ctx));
        }
        case 'record': {
          const wr = w as typeof r;
          let result = checkNames(r, wr, location, ctx);
          location.push('fields');
          for (const readerField of r.fields) {
            location.push(String(readerField.pos));
            const writerField = lookupWriterField(wr.fields, readerField);
            const fieldCtx: Context = { path: join(ctx.path, readerField.name), readerField };
            if (!writerField) {
              if (!readerField.hasDefault) {
                const extra = { missingField: readerField, readerRecord: r };
                if (readerField.type.type === 'enum' && readerField.type.default !== undefined) {
                  // Java compares the enum with the writer record here, and so always reports a type mismatch:
                  // an enum's own default does not stand in for a missing field's default.
                  const e = readerField.type;
                  location.push('type');
                  const avroMessage = `reader type: ${javaType(e)} not compatible with writer type: ${javaType(w)}`;
                  result = merge(result, incompatible('TYPE_MISMATCH', e, w, avroMessage, location, fieldCtx, extra));
                  location.pop();
                } else {
                  result = merge(
                    result,
                    incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', r, w, readerField.name, location, fieldCtx, extra),
                  );
                }
              }
            } else {
              result = merge(result, get('type', readerField.type, writerField.type, location, { ...fieldCtx, writerField }));
            }
            location.pop();
          }
          location.pop();
          return result;
        }
        case 'union': {
          const wu = w as typeof r;
          let result = COMPATIBLE;
          wu.branches.forEach((branch, i) => {
            location.push(String(i));
            // Java starts a fresh location for the branch; only the branch verdict is kept.
            const branchResult = get('', r, branch, [], ctx);
            if (!branchResult.compatible) {
              result = merge(
                result,
                incompatible('MISSING_UNION_BRANCH', r, wu, `reader union lacking writer type: ${javaType(branch)}`, location, ctx, {
                  writer: branch,
                  writerUnion: wu,
                  closest: closestBranchProblems(r, branch),
                }),
              );
            }
            location.pop();
          });
          return result;
        }
        default:
          return COMPATIBLE;
      }
    }

    if (w.type === 'union') {
      let result = COMPATIBLE;
      w.branches.forEach((branch, i) => {
        result = merge(result, get(String(i), r, branch, location, { ...ctx, writerUnion: w }));
      });
      return result;
    }

    switch (r.type) {
      case 'long':
        return w.type === 'int' ? COMPATIBLE : typeMismatch(r, w, location, ctx);
      case 'float':
        return w.type === 'int' || w.type === 'long' ? COMPATIBLE : typeMismatch(r, w, location, ctx);
      case 'double':
        return w.type === 'int' || w.type === 'long' || w.type === 'float' ? COMPATIBLE : typeMismatch(r, w, location, ctx);
      case 'bytes':
        return w.type === 'string' ? COMPATIBLE : typeMismatch(r, w, location, ctx);
      case 'string':
        return w.type === 'bytes' ? COMPATIBLE : typeMismatch(r, w, location, ctx);
      case 'union': {
        for (const branch of r.branches) {
          if (get('', branch, w, [], ctx).compatible) return COMPATIBLE;
        }
        return incompatible('MISSING_UNION_BRANCH', r, w, `reader union lacking writer type: ${javaType(w)}`, location, ctx, {
          closest: closestBranchProblems(r, w),
        });
      }
      default:
        return typeMismatch(r, w, location, ctx);
    }
  };

  const checkEnumSymbols = (r: EnumNode, w: EnumNode, location: string[], ctx: Context): Result => {
    const missing = [...new Set(w.symbols)].filter((s) => !r.symbols.includes(s)).sort();
    if (missing.length === 0) return COMPATIBLE;
    if (typeof r.default === 'string' && r.symbols.includes(r.default)) return COMPATIBLE;
    location.push('symbols');
    const result = incompatible('MISSING_ENUM_SYMBOLS', r, w, `[${missing.join(', ')}]`, location, ctx);
    location.pop();
    return result;
  };

  /** The memoized problems of the reader branch most like the writer (same name, else same type), for explanations. */
  const closestBranchProblems = (readerUnion: UnionNode, w: AvroNode): Incompatibility[] | undefined => {
    const branch =
      readerUnion.branches.find(
        (b) => isNamed(b) && isNamed(w) && b.type === w.type && (b.name === w.name || b.aliases.includes(w.fullName)),
      ) ?? readerUnion.branches.find((b) => b.type === w.type);
    const known = branch && memo.get(branch)?.get(w);
    return known && known !== IN_PROGRESS && known.problems.length > 0 ? known.problems : undefined;
  };

  const all = get('', reader, writer, [], { path }).problems;
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = `${p.kind} ${p.location} ${p.avroMessage} ${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Java's lookupWriterField: by the reader field's name, then its aliases. Java
 * throws when a name and an alias match two different writer fields; this
 * takes the field of the same name.
 */
function lookupWriterField(writerFields: readonly FieldNode[], readerField: FieldNode): FieldNode | undefined {
  return writerFields.find((f) => f.name === readerField.name) ?? writerFields.find((f) => readerField.aliases.includes(f.name));
}

const join = (path: string, segment: string): string => (path === '' ? segment : `${path}.${segment}`);

// ---------------------------------------------------------------------------
// Plain words.

/** Who can't read what, per direction. */
const CANNOT: Record<Direction, string> = {
  backward: "records written with the old schema can't be read",
  forward: "consumers still on the old schema can't read records written with the new schema",
};

const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

const promotes = (from: AvroNode, to: AvroNode): boolean => PROMOTIONS[from.type]?.includes(to.type) ?? false;

const json = (value: unknown): string => JSON.stringify(value);

function toProblem(raw: Incompatibility, direction: Direction, against: number, current: ParsedSchema): CompatibilityProblem {
  const { message, fix, path } = explain(raw, direction);
  const problem: CompatibilityProblem = {
    path,
    kind: raw.kind,
    direction,
    against,
    message,
    fix,
    location: raw.location,
    avroMessage: raw.avroMessage,
  };
  const spot = newSideSpot(raw, direction);
  const span = spot.map((p) => current.positions.get(p)).find((s) => s !== undefined);
  if (span) Object.assign(problem, lineColumnAt(current.text, span.key ?? span.value));
  return problem;
}

/** JSON pointers in the new schema where the problem shows, best first. */
function newSideSpot(raw: Incompatibility, direction: Direction): string[] {
  const node = direction === 'backward' ? raw.reader : raw.writer;
  const field = direction === 'backward' ? raw.readerField : raw.writerField;
  const out: string[] = [];
  if (raw.kind === 'NAME_MISMATCH') out.push(`${node.ptr}/name`);
  if (raw.kind === 'MISSING_ENUM_SYMBOLS') out.push(`${node.ptr}/symbols`);
  if (raw.kind === 'FIXED_SIZE_MISMATCH') out.push(`${node.ptr}/size`);
  if (field) out.push(`${field.ptr}/name`, field.ptr);
  out.push(isNamed(node) ? `${node.ptr}/name` : node.ptr);
  return out;
}

function explain(raw: Incompatibility, direction: Direction): { message: string; fix: string; path: string } {
  const backward = direction === 'backward';
  const cannot = CANNOT[direction];
  const r = raw.reader;
  const w = raw.writer;
  const path = raw.path;
  switch (raw.kind) {
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return { path, ...explainMissingDefault(raw, direction) };

    case 'TYPE_MISMATCH': {
      if (raw.missingField) return { path, ...explainMissingDefault(raw, direction) };
      const oldType = backward ? w : r;
      const newType = backward ? r : w;
      if (raw.writerUnion) {
        const union = raw.writerUnion;
        if (w.type === 'null') {
          return backward
            ? {
                path,
                message: `field made non-nullable — records written with the old schema may hold null, which ${typeLabel(r)} can't read`,
                fix: `keep "null" in the type: ${json(['null', typeJson(r)])}`,
              }
            : {
                path,
                message: `field made nullable — consumers still on the old schema read it as ${typeLabel(r)} and can't read null`,
                fix: 'keep the field non-nullable, or add a new nullable field ("default": null) instead',
              };
        }
        return backward
          ? {
              path,
              message: `the old type ${typeLabel(union)} allows ${typeLabel(w)}, which the new type ${typeLabel(r)} can't read — ${cannot}`,
              fix: `make the new type a union that still accepts ${typeLabel(w)}, or keep ${typeLabel(union)}`,
            }
          : {
              path,
              message: `the new type ${typeLabel(union)} allows ${typeLabel(w)}, which the old type ${typeLabel(r)} can't read — ${cannot}`,
              fix: `drop ${typeLabel(w)} from the union, or carry it in a new field`,
            };
      }
      // The reverse of a promotion: backward, the new reader is narrower; forward, the new writer is wider.
      if (promotes(r, w)) {
        return backward
          ? {
              path,
              message: `type narrowed from ${typeLabel(oldType)} to ${typeLabel(newType)} — ${cannot}, as their values may not fit`,
              fix: `keep ${typeLabel(oldType)}; Avro only widens (int → long → float → double, string ↔ bytes)`,
            }
          : {
              path,
              message: `type widened from ${typeLabel(oldType)} to ${typeLabel(newType)} — consumers still on the old schema read ${typeLabel(oldType)} and can't take ${typeLabel(newType)} values`,
              fix: `keep ${typeLabel(oldType)}, or add a new field of type ${typeLabel(newType)} with a default`,
            };
      }
      return {
        path,
        message: `type changed from ${typeLabel(oldType)} to ${typeLabel(newType)} — ${cannot}`,
        fix: `keep ${typeLabel(oldType)}${backward ? promotionNote(oldType) : ''}, or add a new field of type ${typeLabel(newType)} with a default`,
      };
    }

    case 'MISSING_UNION_BRANCH': {
      const inner = raw.closest?.[0];
      if (inner) {
        // The union has a branch of the same name or type that changed incompatibly: that change is the news.
        const detail = explain(inner, direction);
        return { path: detail.path, message: detail.message, fix: detail.fix };
      }
      if (raw.writerUnion && r.type === 'union') {
        return backward
          ? {
              path,
              message: `union lost the branch ${typeLabel(w)} — records written with the old schema may hold one, which the new union can't read`,
              fix: `keep ${typeLabel(w)} in the union`,
            }
          : {
              path,
              message: `union gained the branch ${typeLabel(w)} — consumers still on the old schema can't read it`,
              fix: `drop ${typeLabel(w)} from the union, or carry it in a new field; old readers only read the branches they know`,
            };
      }
      const union = r as UnionNode;
      return backward
        ? {
            path,
            message: `type changed from ${typeLabel(w)} to ${typeLabel(union)}, and no branch of the union reads ${typeLabel(w)} — ${cannot}`,
            fix: `add ${typeLabel(w)} to the union: ${json([...union.branches.map(typeJson), typeJson(w)])}`,
          }
        : {
            path,
            message: `type changed from ${typeLabel(union)} to ${typeLabel(w)}, which no branch of the old union reads — ${cannot}`,
            fix: `keep a type the old union reads: one of ${union.branches.map(typeLabel).join(', ')}`,
          };
    }

    case 'MISSING_ENUM_SYMBOLS': {
      const symbols = raw.avroMessage.replace(/^\[|\]$/g, '');
      const quoted = symbols
        .split(', ')
        .map((s) => `"${s}"`)
        .join(', ');
      const plural = symbols.includes(',') ? 'symbols' : 'symbol';
      return backward
        ? {
            path,
            message: `enum ${plural} ${quoted} removed — records written with the old schema may hold ${symbols.includes(',') ? 'them' : 'it'}, and the new enum has no "default" to fall back to`,
            fix: `keep ${quoted} in "symbols", or give the enum a "default" symbol (e.g. "default": "UNKNOWN")`,
          }
        : {
            path,
            message: `enum ${plural} ${quoted} added — consumers still on the old schema can't read ${symbols.includes(',') ? 'them' : 'it'}, because the old enum has no "default"`,
            fix: 'old readers accept new symbols only when their enum has a "default": register a version that adds one, let consumers upgrade, then add symbols',
          };
    }

    case 'NAME_MISMATCH': {
      const rn = r as NamedNode;
      const wn = w as NamedNode;
      return backward
        ? {
            path,
            message: `${rn.type} renamed from "${wn.fullName}" to "${rn.fullName}" — readers match ${rn.type}s by name, so records written with the old schema can't be read`,
            fix: `add "aliases": ["${wn.fullName}"] to ${rn.type} "${rn.name}"`,
          }
        : {
            path,
            message: `${rn.type} renamed from "${rn.fullName}" to "${wn.fullName}" — consumers still on the old schema look for "${rn.name}"`,
            fix: `keep the name "${rn.fullName}"; aliases in the new schema don't help old readers`,
          };
    }

    case 'FIXED_SIZE_MISMATCH': {
      const rs = (r as NamedNode & { size: number }).size;
      const ws = (w as NamedNode & { size: number }).size;
      const oldSize = backward ? ws : rs;
      const newSize = backward ? rs : ws;
      return {
        path,
        message: `fixed "${(r as NamedNode).name}" changed size from ${oldSize} to ${newSize} bytes — ${cannot}`,
        fix: `keep the size ${oldSize}, or add a new field with a new fixed type`,
      };
    }
  }
}

function explainMissingDefault(raw: Incompatibility, direction: Direction): { message: string; fix: string } {
  const field = raw.missingField!;
  const enumNote = raw.kind === 'TYPE_MISMATCH' ? ' (the enum\'s own "default" does not count for a missing field)' : '';
  const writerRecord = raw.writer.type === 'record' ? raw.writer : undefined;
  const readerRecord = raw.readerRecord;
  if (direction === 'backward') {
    const renamed = writerRecord?.fields.filter(
      (f) => !readerRecord?.fields.some((rf) => rf.name === f.name || rf.aliases.includes(f.name)),
    );
    const renameFix = renamed?.length === 1 ? `; or, if it renames "${renamed[0]!.name}", add "aliases": ["${renamed[0]!.name}"]` : '';
    return {
      message: `field added without a default${enumNote} — records written with the old schema can't be read`,
      fix: `${addDefaultFix(field.type)}${renameFix}`,
    };
  }
  const renamedTo = writerRecord?.fields.find((f) => f.aliases.includes(field.name));
  if (renamedTo) {
    return {
      message: `field renamed to "${renamedTo.name}" — consumers still on the old schema look for "${field.name}", and their schema has no default for it`,
      fix: `keep the name "${field.name}"; an alias only helps readers that have it`,
    };
  }
  return {
    message: `field removed, but the old schema has no default for it — consumers still on the old schema can't read records written with the new schema`,
    fix: 'keep the field; a field can only be removed once the schemas consumers read with give it a default',
  };
}

function addDefaultFix(type: AvroNode): string {
  if (type.type === 'union') {
    if (type.branches[0]?.type === 'null') return 'add "default": null';
    if (type.branches.some((b) => b.type === 'null')) {
      const reordered = [...type.branches].sort((a, b) => Number(b.type === 'null') - Number(a.type === 'null'));
      return `add "default": null and put "null" first: ${json(reordered.map(typeJson))}`;
    }
    return `add "default": null and make the type ${json(['null', ...type.branches.map(typeJson)])}`;
  }
  if (type.type === 'enum') return `add "default": "${typeof type.default === 'string' ? type.default : type.symbols[0]}"`;
  if (type.type === 'array') return 'add "default": []';
  if (type.type === 'map') return 'add "default": {}';
  if (type.type === 'null') return 'add "default": null';
  return `add "default": null and make the type ${json(['null', typeJson(type)])}`;
}

function promotionNote(type: AvroNode): string {
  const targets = PROMOTIONS[type.type];
  return targets ? ` (or widen it to ${targets.map((t) => `"${t}"`).join(' or ')})` : '';
}
