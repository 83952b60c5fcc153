import {
  isNamed,
  typeLabel,
  type AvroNode,
  type EnumNode,
  type FieldNode,
  type NamedNode,
  type RecordNode,
  type SchemaModel,
  type UnionNode,
} from './model.js';

/**
 * A structural diff of two Avro schemas, for people: what a reader of the
 * change would want to know (fields, types, defaults, symbols, docs), by
 * path, rather than a text diff that mixes formatting with meaning. Whether
 * a change is compatible is compat.ts's business, not this file's.
 */

export type ChangeKind =
  | 'field-added'
  | 'field-removed'
  | 'field-renamed'
  | 'type-changed'
  | 'default-added'
  | 'default-removed'
  | 'default-changed'
  | 'doc-changed'
  | 'symbol-added'
  | 'symbol-removed'
  | 'enum-default-changed'
  | 'name-changed'
  | 'aliases-changed'
  | 'size-changed'
  | 'branch-added'
  | 'branch-removed';

export interface SchemaChange {
  kind: ChangeKind;
  /** By names, as lint and compat write them: `TransactionEvent.fee`, `TransactionEvent.legs[].amount`. */
  path: string;
  /** The old value (a type label, a default, a doc, a symbol…); absent for additions. */
  before?: unknown;
  /** The new value; absent for removals. */
  after?: unknown;
  /** One line in plain words. */
  description: string;
}

/** How a change reads in a list: added (+), removed (-), changed (~). */
export function changeSign(kind: ChangeKind): '+' | '-' | '~' {
  if (kind === 'field-added' || kind === 'default-added' || kind === 'symbol-added' || kind === 'branch-added') return '+';
  if (kind === 'field-removed' || kind === 'default-removed' || kind === 'symbol-removed' || kind === 'branch-removed') return '-';
  return '~';
}

const json = (v: unknown): string => JSON.stringify(v);
const join = (path: string, segment: string): string => (path === '' ? segment : `${path}.${segment}`);
const quote = (s: string | undefined): string => (s === undefined ? '(none)' : json(s));

/** Attributes that change what a primitive or fixed means (a decimal's precision is part of its type). */
const TYPE_ATTRS = ['logicalType', 'precision', 'scale'] as const;

/** A label that also shows a decimal's precision and scale, which typeLabel leaves out. */
function label(node: AvroNode): string {
  const base = typeLabel(node);
  if (node.logicalType === 'decimal' && node.type !== 'union') {
    const { precision, scale } = node.attrs;
    return `${base.replace(/\)$/, '')}(${String(precision)}${scale === undefined ? '' : `,${String(scale)}`}))`;
  }
  return base;
}

/** The key two union branches match on: the name for named types, else the type. */
const branchKey = (node: AvroNode): string => (isNamed(node) ? node.fullName : node.type);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Changes from `before` to `after`, in the order of the new schema (removals where the old field was). */
export function diffSchemas(before: SchemaModel, after: SchemaModel): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const seen = new Map<AvroNode, Set<AvroNode>>();
  const add = (c: SchemaChange): void => void changes.push(c);

  const compare = (a: AvroNode, b: AvroNode, path: string): void => {
    // Recursive types meet themselves again; each pair is compared once.
    let bs = seen.get(a);
    if (!bs) seen.set(a, (bs = new Set()));
    if (bs.has(b)) return;
    bs.add(b);

    if (a.type !== b.type) {
      if (a.type === 'union' || b.type === 'union') return compareUnionShape(a, b, path);
      add({ kind: 'type-changed', path, before: label(a), after: label(b), description: `type changed from ${label(a)} to ${label(b)}` });
      return;
    }
    if (isNamed(a) && isNamed(b)) compareNamed(a, b, path);
    switch (a.type) {
      case 'record':
        return compareRecords(a, b as RecordNode, path);
      case 'enum':
        return compareEnums(a, b as EnumNode, path);
      case 'fixed': {
        const bf = b as typeof a;
        if (a.size !== bf.size)
          add({
            kind: 'size-changed',
            path,
            before: a.size,
            after: bf.size,
            description: `fixed "${bf.name}" size changed from ${a.size} to ${bf.size} bytes`,
          });
        return compareTypeAttrs(a, b, path);
      }
      case 'array':
        return compare(a.items, (b as typeof a).items, `${path}[]`);
      case 'map':
        return compare(a.values, (b as typeof a).values, `${path}{}`);
      case 'union':
        return compareUnions(a, b as UnionNode, path);
      default:
        return compareTypeAttrs(a, b, path);
    }
  };

  const compareTypeAttrs = (a: AvroNode, b: AvroNode, path: string): void => {
    if (TYPE_ATTRS.some((k) => !deepEqual(a.attrs[k], b.attrs[k]))) {
      add({ kind: 'type-changed', path, before: label(a), after: label(b), description: `type changed from ${label(a)} to ${label(b)}` });
    }
  };

  const compareNamed = (a: NamedNode, b: NamedNode, path: string): void => {
    if (a.fullName !== b.fullName) {
      add({
        kind: 'name-changed',
        path,
        before: a.fullName,
        after: b.fullName,
        description: `${b.type} renamed from "${a.fullName}" to "${b.fullName}"`,
      });
    }
    if (!deepEqual([...a.aliases].sort(), [...b.aliases].sort())) {
      add({
        kind: 'aliases-changed',
        path,
        before: a.aliases,
        after: b.aliases,
        description: `${b.type} aliases changed from ${json(a.aliases)} to ${json(b.aliases)}`,
      });
    }
    if (a.doc !== b.doc) {
      add({
        kind: 'doc-changed',
        path,
        before: a.doc,
        after: b.doc,
        description: `${b.type} doc changed from ${quote(a.doc)} to ${quote(b.doc)}`,
      });
    }
  };

  const compareRecords = (a: RecordNode, b: RecordNode, path: string): void => {
    const matched = new Set<FieldNode>();
    const oldFor = (f: FieldNode): FieldNode | undefined =>
      a.fields.find((o) => o.name === f.name) ??
      a.fields.find((o) => !b.fields.some((n) => n.name === o.name) && f.aliases.includes(o.name));
    const pending: { at: number; change: () => void }[] = [];

    for (const nf of b.fields) {
      const of = oldFor(nf);
      const fieldPath = join(path, nf.name);
      if (!of) {
        pending.push({
          at: nf.pos,
          change: () =>
            add({
              kind: 'field-added',
              path: fieldPath,
              after: label(nf.type),
              description: `field added: ${label(nf.type)}${nf.hasDefault ? ` with default ${json(nf.default)}` : ', no default'}`,
            }),
        });
        continue;
      }
      matched.add(of);
      pending.push({ at: nf.pos, change: () => compareFields(of, nf, fieldPath) });
    }
    for (const of of a.fields) {
      if (matched.has(of)) continue;
      // Shown where the old field stood, so a removal reads next to its neighbours.
      pending.push({
        at: of.pos - 0.5,
        change: () =>
          add({
            kind: 'field-removed',
            path: join(path, of.name),
            before: label(of.type),
            description: `field removed (was ${label(of.type)}${of.hasDefault ? ` with default ${json(of.default)}` : ''})`,
          }),
      });
    }
    pending.sort((x, y) => x.at - y.at).forEach((p) => p.change());
  };

  const compareFields = (of: FieldNode, nf: FieldNode, path: string): void => {
    if (of.name !== nf.name) {
      add({
        kind: 'field-renamed',
        path,
        before: of.name,
        after: nf.name,
        description: `field renamed from "${of.name}" to "${nf.name}" (alias "${of.name}")`,
      });
    } else if (!deepEqual([...of.aliases].sort(), [...nf.aliases].sort())) {
      add({
        kind: 'aliases-changed',
        path,
        before: of.aliases,
        after: nf.aliases,
        description: `field aliases changed from ${json(of.aliases)} to ${json(nf.aliases)}`,
      });
    }
    if (of.hasDefault && !nf.hasDefault) {
      add({ kind: 'default-removed', path, before: of.default, description: `default removed (was ${json(of.default)})` });
    } else if (!of.hasDefault && nf.hasDefault) {
      add({ kind: 'default-added', path, after: nf.default, description: `default added: ${json(nf.default)}` });
    } else if (of.hasDefault && !deepEqual(of.default, nf.default)) {
      add({
        kind: 'default-changed',
        path,
        before: of.default,
        after: nf.default,
        description: `default changed from ${json(of.default)} to ${json(nf.default)}`,
      });
    }
    if (of.doc !== nf.doc) {
      add({
        kind: 'doc-changed',
        path,
        before: of.doc,
        after: nf.doc,
        description: `doc changed from ${quote(of.doc)} to ${quote(nf.doc)}`,
      });
    }
    compare(of.type, nf.type, path);
  };

  const compareEnums = (a: EnumNode, b: EnumNode, path: string): void => {
    for (const s of b.symbols) {
      if (!a.symbols.includes(s)) add({ kind: 'symbol-added', path, after: s, description: `enum symbol added: "${s}"` });
    }
    for (const s of a.symbols) {
      if (!b.symbols.includes(s)) add({ kind: 'symbol-removed', path, before: s, description: `enum symbol removed: "${s}"` });
    }
    if (!deepEqual(a.default, b.default)) {
      add({
        kind: 'enum-default-changed',
        path,
        ...(a.default === undefined ? {} : { before: a.default }),
        ...(b.default === undefined ? {} : { after: b.default }),
        description:
          a.default === undefined
            ? `enum default added: ${json(b.default)}`
            : b.default === undefined
              ? `enum default removed (was ${json(a.default)})`
              : `enum default changed from ${json(a.default)} to ${json(b.default)}`,
      });
    }
  };

  const compareUnions = (a: UnionNode, b: UnionNode, path: string): void => {
    for (const nb of b.branches) {
      const ob = a.branches.find((x) => branchKey(x) === branchKey(nb));
      if (ob) compare(ob, nb, path);
      else add({ kind: 'branch-added', path, after: label(nb), description: `union branch added: ${label(nb)} (now ${label(b)})` });
    }
    for (const ob of a.branches) {
      if (!b.branches.some((x) => branchKey(x) === branchKey(ob))) {
        add({ kind: 'branch-removed', path, before: label(ob), description: `union branch removed: ${label(ob)} (now ${label(b)})` });
      }
    }
  };

  // A type that became (or stopped being) a union is a type change; the branch
  // it shares with the other side is still compared, so changes inside show too.
  const compareUnionShape = (a: AvroNode, b: AvroNode, path: string): void => {
    const desc =
      b.type === 'union' && b.branches.some((x) => x.type === 'null') && a.type !== 'null'
        ? `made nullable: ${label(a)} → ${label(b)}`
        : a.type === 'union' && a.branches.some((x) => x.type === 'null') && b.type !== 'null' && b.type !== 'union'
          ? `made non-nullable: ${label(a)} → ${label(b)}`
          : `type changed from ${label(a)} to ${label(b)}`;
    add({ kind: 'type-changed', path, before: label(a), after: label(b), description: desc });
    if (b.type === 'union') {
      const same = b.branches.find((x) => branchKey(x) === branchKey(a));
      if (same) compare(a, same, path);
    } else if (a.type === 'union') {
      const same = a.branches.find((x) => branchKey(x) === branchKey(b));
      if (same) compare(same, b, path);
    }
  };

  const rootPath = isNamed(after.root) ? after.root.name : isNamed(before.root) ? before.root.name : '';
  compare(before.root, after.root, rootPath);
  return changes;
}
