/**
 * An Avro schema as Java's Schema.Parser sees it: named types resolved to one
 * shared node (so recursion and reuse are object identity, as in Java),
 * namespaces applied, references looked up the way Java does it. Lint and
 * compatibility both work on this model rather than on avsc's Type, whose
 * resolution rules are its own.
 *
 * Building fails only on what leaves the schema meaningless (unknown type
 * names, missing attributes). Things Java would also refuse but that have an
 * obvious reading — invalid or duplicate names, bad enum symbols, bad defaults —
 * are kept and left to lint, which explains them better.
 */

export const PRIMITIVE_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type PrimitiveName = (typeof PRIMITIVE_TYPES)[number];

export function isPrimitiveName(s: string): s is PrimitiveName {
  return (PRIMITIVE_TYPES as readonly string[]).includes(s);
}

interface NodeBase {
  /** JSON pointer of the schema that defines this node (for a reference: where it is defined). */
  readonly ptr: string;
  /** The `logicalType` attribute as written; Avro ignores unknown or misplaced ones. */
  readonly logicalType: unknown;
  /** The defining JSON object's attributes; empty for a bare type name. */
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface PrimitiveNode extends NodeBase {
  readonly type: PrimitiveName;
}

interface NamedBase extends NodeBase {
  /** The name without its namespace. */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly fullName: string;
  /** Full names: aliases without a dot take the type's namespace. */
  readonly aliases: readonly string[];
  readonly doc: string | undefined;
}

export interface RecordNode extends NamedBase {
  readonly type: 'record';
  readonly fields: readonly FieldNode[];
}

export interface EnumNode extends NamedBase {
  readonly type: 'enum';
  readonly symbols: readonly string[];
  /** The enum's own `default` symbol (Avro 1.9+), as written. */
  readonly default: unknown;
}

export interface FixedNode extends NamedBase {
  readonly type: 'fixed';
  readonly size: number;
}

export interface ArrayNode extends NodeBase {
  readonly type: 'array';
  readonly items: AvroNode;
}

export interface MapNode extends NodeBase {
  readonly type: 'map';
  readonly values: AvroNode;
}

export interface UnionNode extends NodeBase {
  readonly type: 'union';
  readonly branches: readonly AvroNode[];
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type AvroNode = PrimitiveNode | NamedNode | ArrayNode | MapNode | UnionNode;

export interface FieldNode {
  readonly name: string;
  /** Position in the record, as Java's Field.pos(). */
  readonly pos: number;
  /** As written: Java matches field aliases without namespaces. */
  readonly aliases: readonly string[];
  readonly type: AvroNode;
  /** True when the field has a `default` attribute, even `null`. */
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly doc: string | undefined;
  /** JSON pointer of the field object. */
  readonly ptr: string;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface SchemaModel {
  readonly root: AvroNode;
  /** First definition of each full name. */
  readonly named: ReadonlyMap<string, NamedNode>;
  /** Every named-type definition in document order, duplicates included. */
  readonly definitions: readonly NamedNode[];
}

/** A schema that can't be given a meaning; `ptr` is the JSON pointer of the offending value. */
export class SchemaModelError extends Error {
  constructor(
    message: string,
    readonly ptr: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isNamed(node: AvroNode): node is NamedNode {
  return node.type === 'record' || node.type === 'enum' || node.type === 'fixed';
}

/** Splits a possibly dotted name the way Java's Schema.Name does; "" is the null namespace. */
export function splitName(name: string, namespace: string | undefined): { name: string; namespace: string | undefined } {
  const dot = name.lastIndexOf('.');
  if (dot >= 0) return { name: name.slice(dot + 1), namespace: name.slice(0, dot) || undefined };
  return { name, namespace: namespace || undefined };
}

const fullNameOf = (name: string, namespace: string | undefined): string => (namespace ? `${namespace}.${name}` : name);

export function buildModel(json: unknown): SchemaModel {
  const named = new Map<string, NamedNode>();
  const definitions: NamedNode[] = [];
  let declared: Set<string> | undefined;

  const str = (o: Json, key: string, ptr: string, what: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new SchemaModelError(`${what} "${key}" must be a string`, `${ptr}/${key}`);
    return v;
  };
  const strings = (o: Json, key: string, ptr: string, what: string): string[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      throw new SchemaModelError(`${what} "${key}" must be an array of strings`, `${ptr}/${key}`);
    }
    return v as string[];
  };

  const resolve = (ref: string, ptr: string, ns: string | undefined): AvroNode => {
    if (isPrimitiveName(ref)) return { type: ref, ptr, logicalType: undefined, attrs: {} };
    // Java looks in the current namespace first, then in the null namespace.
    const found = named.get(ref.includes('.') ? ref : fullNameOf(ref, ns)) ?? named.get(ref);
    if (found) return found;
    throw new SchemaModelError(`unknown type "${ref}"`, ptr, unknownTypeHint(ref, ns));
  };

  const unknownTypeHint = (ref: string, ns: string | undefined): string => {
    declared ??= collectDeclaredNames(json);
    const full = ref.includes('.') ? ref : fullNameOf(ref, ns);
    if (declared.has(full) || declared.has(ref)) {
      return `"${ref}" is defined further down; Avro needs a named type defined before its first use, so move the definition up`;
    }
    const lower = ref.toLowerCase();
    const primitive = PRIMITIVE_TYPES.find((p) => p === lower);
    if (primitive) return `type names are case-sensitive: use "${primitive}"`;
    const candidates = [...PRIMITIVE_TYPES, 'record', 'enum', 'fixed', 'array', 'map', ...named.keys()];
    const close = candidates.find((c) => editDistance(c.toLowerCase(), lower) <= 2 || c.split('.').pop() === ref);
    if (close) return `did you mean "${close}"?`;
    const known = [...named.keys()];
    return known.length > 0
      ? `the named types defined so far are ${known.map((k) => `"${k}"`).join(', ')}`
      : 'use a primitive type or define a record, enum or fixed before referring to it by name';
  };

  const nameParts = (o: Json, ptr: string, ns: string | undefined, kind: string) => {
    if (o.name === undefined) throw new SchemaModelError(`${kind} has no "name"`, ptr, `every ${kind} needs a "name"`);
    const rawName = str(o, 'name', ptr, kind)!;
    const rawNs = str(o, 'namespace', ptr, kind);
    const split = splitName(rawName, rawNs ?? ns);
    const aliases = strings(o, 'aliases', ptr, kind).map((a) => (a.includes('.') ? a : fullNameOf(a, split.namespace)));
    return {
      name: split.name,
      namespace: split.namespace,
      fullName: fullNameOf(split.name, split.namespace),
      aliases,
      doc: typeof o.doc === 'string' ? o.doc : undefined,
    };
  };

  const register = (node: NamedNode): void => {
    definitions.push(node);
    if (!named.has(node.fullName)) named.set(node.fullName, node);
  };

  const build = (s: unknown, ptr: string, ns: string | undefined): AvroNode => {
    if (typeof s === 'string') return resolve(s, ptr, ns);
    if (Array.isArray(s)) return union(s, ptr, ns);
    if (s === null) throw new SchemaModelError("a type can't be null", ptr, 'the null type is written as the string "null"');
    if (!isObject(s)) {
      throw new SchemaModelError(
        `${JSON.stringify(s)} is not a type`,
        ptr,
        'a type is a type name, an object with "type", or a union array',
      );
    }
    const t = s.type;
    if (t === undefined) throw new SchemaModelError('missing "type"', ptr, 'add e.g. "type": "string" or "type": "record"');
    if (typeof t !== 'string') {
      throw new SchemaModelError(
        '"type" must be a type name here',
        `${ptr}/type`,
        'put the nested definition in a field\'s "type", or write it directly instead of wrapping it',
      );
    }
    const base = { ptr, logicalType: s.logicalType, attrs: s };
    if (isPrimitiveName(t)) return { ...base, type: t };
    switch (t) {
      case 'record':
      case 'error': {
        const names = nameParts(s, ptr, ns, 'record');
        if (!Array.isArray(s.fields)) {
          throw new SchemaModelError(`record "${names.fullName}" has no "fields" array`, s.fields === undefined ? ptr : `${ptr}/fields`);
        }
        const fields: FieldNode[] = [];
        const node: RecordNode = { ...base, ...names, type: 'record', fields };
        // Registered before its fields so that fields can refer to the record itself.
        register(node);
        s.fields.forEach((f: unknown, pos: number) => fields.push(field(f, `${ptr}/fields/${pos}`, pos, names)));
        return node;
      }
      case 'enum': {
        const names = nameParts(s, ptr, ns, 'enum');
        if (!Array.isArray(s.symbols) || s.symbols.some((x) => typeof x !== 'string')) {
          throw new SchemaModelError(
            `enum "${names.fullName}" needs a "symbols" array of strings`,
            s.symbols === undefined ? ptr : `${ptr}/symbols`,
          );
        }
        const node: EnumNode = { ...base, ...names, type: 'enum', symbols: s.symbols as string[], default: s.default };
        register(node);
        return node;
      }
      case 'fixed': {
        const names = nameParts(s, ptr, ns, 'fixed');
        if (typeof s.size !== 'number' || !Number.isInteger(s.size) || s.size < 0) {
          throw new SchemaModelError(
            `fixed "${names.fullName}" needs a "size" in bytes (a non-negative integer)`,
            s.size === undefined ? ptr : `${ptr}/size`,
          );
        }
        const node: FixedNode = { ...base, ...names, type: 'fixed', size: s.size };
        register(node);
        return node;
      }
      case 'array':
        if (s.items === undefined) throw new SchemaModelError('array has no "items"', ptr, 'add e.g. "items": "string"');
        return { ...base, type: 'array', items: build(s.items, `${ptr}/items`, ns) };
      case 'map':
        if (s.values === undefined) throw new SchemaModelError('map has no "values"', ptr, 'add e.g. "values": "string"');
        return { ...base, type: 'map', values: build(s.values, `${ptr}/values`, ns) };
      default:
        // Java also accepts {"type": "SomeNamedType"} as a reference.
        return resolve(t, `${ptr}/type`, ns);
    }
  };

  const union = (s: unknown[], ptr: string, ns: string | undefined): UnionNode => {
    if (s.length === 0) throw new SchemaModelError('a union needs at least one branch', ptr, 'e.g. ["null", "string"]');
    const seen = new Set<string>();
    const branches = s.map((b, i) => {
      if (Array.isArray(b)) {
        throw new SchemaModelError(
          "a union can't directly contain another union",
          `${ptr}/${i}`,
          "list the inner union's branches in the outer union",
        );
      }
      const node = build(b, `${ptr}/${i}`, ns);
      const key = isNamed(node) ? node.fullName : node.type;
      if (seen.has(key)) {
        throw new SchemaModelError(
          `the union has more than one "${key}" branch`,
          `${ptr}/${i}`,
          'Avro allows one branch per type (and per name for records, enums and fixed)',
        );
      }
      seen.add(key);
      return node;
    });
    return { ptr, logicalType: undefined, attrs: {}, type: 'union', branches };
  };

  const field = (f: unknown, ptr: string, pos: number, record: { fullName: string; namespace: string | undefined }): FieldNode => {
    if (!isObject(f)) throw new SchemaModelError(`field #${pos + 1} of record "${record.fullName}" is not an object`, ptr);
    if (typeof f.name !== 'string') {
      throw new SchemaModelError(
        `field #${pos + 1} of record "${record.fullName}" has ${f.name === undefined ? 'no "name"' : 'a "name" that is not a string'}`,
        f.name === undefined ? ptr : `${ptr}/name`,
      );
    }
    if (f.type === undefined) {
      throw new SchemaModelError(`field "${f.name}" of record "${record.fullName}" has no "type"`, ptr, 'add e.g. "type": "string"');
    }
    if (f.order !== undefined && f.order !== 'ascending' && f.order !== 'descending' && f.order !== 'ignore') {
      throw new SchemaModelError(`field "${f.name}": "order" must be "ascending", "descending" or "ignore"`, `${ptr}/order`);
    }
    const node: Mutable<FieldNode> = {
      name: f.name,
      pos,
      aliases: strings(f, 'aliases', ptr, `field "${f.name}":`),
      type: build(f.type, `${ptr}/type`, record.namespace),
      hasDefault: 'default' in f,
      default: f.default,
      doc: typeof f.doc === 'string' ? f.doc : undefined,
      ptr,
      attrs: f,
    };
    return node;
  };

  return { root: build(json, '', undefined), named, definitions };
}

/** Full and short names of every named type the document defines anywhere, for "defined further down" hints. */
function collectDeclaredNames(json: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (s: unknown, ns: string | undefined): void => {
    if (Array.isArray(s)) return s.forEach((b) => walk(b, ns));
    if (!isObject(s)) return;
    let inner = ns;
    if (typeof s.name === 'string' && (s.type === 'record' || s.type === 'error' || s.type === 'enum' || s.type === 'fixed')) {
      const split = splitName(s.name, typeof s.namespace === 'string' ? s.namespace : ns);
      out.add(fullNameOf(split.name, split.namespace));
      out.add(split.name);
      inner = split.namespace;
    }
    if (Array.isArray(s.fields)) for (const f of s.fields) if (isObject(f)) walk(f.type, inner);
    walk(s.items, inner);
    walk(s.values, inner);
  };
  walk(json, undefined);
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** A short, Avro-like label for messages: `"double"`, `"com.acme.Payment"`, `array<string>`, `["null","double"]`. */
export function typeLabel(node: AvroNode): string {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `"${node.fullName}"`;
    case 'array':
      return `array<${typeLabel(node.items).replace(/"/g, '')}>`;
    case 'map':
      return `map<${typeLabel(node.values).replace(/"/g, '')}>`;
    case 'union':
      return `[${node.branches.map(typeLabel).join(',')}]`;
    default:
      return typeof node.logicalType === 'string' ? `"${node.type}" (${node.logicalType})` : `"${node.type}"`;
  }
}

/** The node as it could be written in a schema, referring to named types by full name. */
export function typeJson(node: AvroNode): unknown {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return node.fullName;
    case 'array':
      return { type: 'array', items: typeJson(node.items) };
    case 'map':
      return { type: 'map', values: typeJson(node.values) };
    case 'union':
      return node.branches.map(typeJson);
    default:
      return typeof node.logicalType === 'string' ? { type: node.type, logicalType: node.logicalType } : node.type;
  }
}
