import { lineColumnAt, type JsonPositions } from './json-positions.js';
import {
  isNamed,
  isPrimitiveName,
  typeJson,
  typeLabel,
  type AvroNode,
  type EnumNode,
  type FieldNode,
  type NamedNode,
  type SchemaModel,
} from './model.js';

export type LintSeverity = 'error' | 'warning';

export type LintRule =
  | 'invalid-default'
  | 'union-default-not-first-branch'
  | 'enum-default-unknown'
  | 'enum-symbol-invalid'
  | 'enum-symbol-duplicate'
  | 'enum-no-symbols'
  | 'decimal-invalid'
  | 'logical-type-mismatch'
  | 'logical-type-unknown'
  | 'logical-type-on-field'
  | 'name-invalid'
  | 'name-duplicate'
  | 'namespace-missing'
  | 'doc-missing';

export interface LintFinding {
  severity: LintSeverity;
  rule: LintRule;
  /** Where in the schema, by names: `TransactionEvent.fee`, `TransactionEvent.legs[].amount`, `TransactionEvent.tags{}`. */
  path: string;
  message: string;
  /** What to change. */
  hint: string;
  /** 1-based, when the schema's text is known. */
  line?: number;
  column?: number;
}

/** What lint needs of a parsed schema (a ParsedSchema fits). */
export interface LintInput {
  model: SchemaModel;
  /** The schema's text and its positions, to give findings a line and column. Default: no positions. */
  text?: string;
  positions?: JsonPositions;
}

export interface LintOptions {
  /** Report missing docs on records and fields. Default: true. */
  requireDocs?: boolean;
  /** Report named top-level types without a namespace. Default: true. */
  requireNamespace?: boolean;
}

/** Avro's name rule: letters, digits and underscores, not starting with a digit. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The logical types of the Avro 1.12 spec and the types they annotate.
 * Avro ignores a logical type on any other type, so readers see the plain type.
 */
const LOGICAL_TYPES: Record<string, { types: readonly string[]; fixedSize?: number; describe: string }> = {
  decimal: { types: ['bytes', 'fixed'], describe: '"bytes" or a fixed' },
  'big-decimal': { types: ['bytes'], describe: '"bytes"' },
  uuid: { types: ['string', 'fixed'], fixedSize: 16, describe: '"string" (or a fixed of 16 bytes)' },
  date: { types: ['int'], describe: '"int"' },
  'time-millis': { types: ['int'], describe: '"int"' },
  'time-micros': { types: ['long'], describe: '"long"' },
  'timestamp-millis': { types: ['long'], describe: '"long"' },
  'timestamp-micros': { types: ['long'], describe: '"long"' },
  'timestamp-nanos': { types: ['long'], describe: '"long"' },
  'local-timestamp-millis': { types: ['long'], describe: '"long"' },
  'local-timestamp-micros': { types: ['long'], describe: '"long"' },
  'local-timestamp-nanos': { types: ['long'], describe: '"long"' },
  duration: { types: ['fixed'], fixedSize: 12, describe: 'a fixed of 12 bytes' },
};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Findings in document order; errors and warnings mixed. */
export function lintSchema(input: LintInput, options: LintOptions = {}): LintFinding[] {
  const requireDocs = options.requireDocs ?? true;
  const requireNamespace = options.requireNamespace ?? true;
  const findings: LintFinding[] = [];
  const visited = new Set<AvroNode>();

  const add = (finding: Omit<LintFinding, 'line' | 'column'>, ...pointers: string[]): void => {
    const out: LintFinding = { ...finding };
    const { text, positions } = input;
    if (text !== undefined && positions) {
      for (const p of pointers) {
        const span = positions.get(p);
        if (span) {
          Object.assign(out, lineColumnAt(text, span.key ?? span.value));
          break;
        }
      }
    }
    findings.push(out);
  };

  const join = (path: string, segment: string): string => (path === '' ? segment : `${path}.${segment}`);

  const checkName = (name: string, what: string, path: string, ptr: string): void => {
    if (!NAME.test(name)) {
      add(
        {
          severity: 'error',
          rule: 'name-invalid',
          path,
          message: `${what} "${name}" is not a valid Avro name`,
          hint: 'names use letters, digits and underscores and do not start with a digit',
        },
        ptr,
      );
    }
  };

  const checkNamed = (node: NamedNode, path: string): void => {
    const kind = node.type;
    checkName(node.name, `${kind} name`, path, `${node.ptr}/name`);
    if (isPrimitiveName(node.name)) {
      add(
        {
          severity: 'error',
          rule: 'name-invalid',
          path,
          message: `${kind} "${node.name}" is named after a primitive type`,
          hint: 'pick another name; Avro does not allow redefining primitive types',
        },
        `${node.ptr}/name`,
      );
    }
    if (node.namespace !== undefined) {
      for (const part of node.namespace.split('.')) {
        if (!NAME.test(part)) {
          add(
            {
              severity: 'error',
              rule: 'name-invalid',
              path,
              message: `namespace "${node.namespace}" of ${kind} "${node.name}" is not a valid Avro namespace`,
              hint: 'a namespace is dot-separated names of letters, digits and underscores, e.g. "com.acme.events"',
            },
            `${node.ptr}/namespace`,
            `${node.ptr}/name`,
          );
          break;
        }
      }
    }
    for (const alias of node.aliases) {
      if (!alias.split('.').every((p) => NAME.test(p))) {
        add(
          {
            severity: 'error',
            rule: 'name-invalid',
            path,
            message: `alias "${alias}" of ${kind} "${node.name}" is not a valid Avro name`,
            hint: 'aliases follow the same rules as names',
          },
          `${node.ptr}/aliases`,
        );
      }
    }
  };

  const checkLogical = (node: AvroNode, path: string): void => {
    const lt = node.logicalType;
    if (lt === undefined) return;
    if (typeof lt !== 'string') {
      add(
        {
          severity: 'warning',
          rule: 'logical-type-unknown',
          path,
          message: `"logicalType" must be a string, so Avro ignores it`,
          hint: 'write it as e.g. "logicalType": "timestamp-millis"',
        },
        `${node.ptr}/logicalType`,
      );
      return;
    }
    const spec = LOGICAL_TYPES[lt];
    if (!spec) {
      add(
        {
          severity: 'warning',
          rule: 'logical-type-unknown',
          path,
          message: `unknown logical type "${lt}"; Avro ignores it and readers see plain ${typeLabel({ ...node, logicalType: undefined })}`,
          hint: `use one of ${Object.keys(LOGICAL_TYPES)
            .map((k) => `"${k}"`)
            .join(', ')}, or drop it`,
        },
        `${node.ptr}/logicalType`,
      );
      return;
    }
    const sizeOk = node.type !== 'fixed' || spec.fixedSize === undefined || node.size === spec.fixedSize;
    if (!spec.types.includes(node.type) || !sizeOk) {
      const actual = node.type === 'fixed' ? `a fixed of ${node.size} bytes` : `"${node.type}"`;
      add(
        {
          severity: 'warning',
          rule: 'logical-type-mismatch',
          path,
          message: `logical type "${lt}" on ${actual} is ignored by Avro; it applies to ${spec.describe}`,
          hint: `change the type to ${spec.describe}, or drop "logicalType"`,
        },
        `${node.ptr}/logicalType`,
      );
      return;
    }
    if (lt === 'decimal') checkDecimal(node, path);
  };

  const checkDecimal = (node: AvroNode, path: string): void => {
    const { precision, scale } = node.attrs;
    const bad = (message: string, hint: string, ...pointers: string[]): void =>
      add({ severity: 'error', rule: 'decimal-invalid', path, message, hint }, ...pointers, node.ptr);
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      bad(
        precision === undefined
          ? 'decimal has no "precision"; Avro ignores the logical type and readers see plain bytes'
          : `decimal "precision" ${JSON.stringify(precision)} is invalid; it must be an integer of at least 1`,
        'set "precision" to the total number of digits, e.g. "precision": 18',
        `${node.ptr}/precision`,
      );
      return;
    }
    if (scale !== undefined && (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision)) {
      bad(
        `decimal "scale" ${JSON.stringify(scale)} is invalid; it must be an integer from 0 to the precision (${precision})`,
        'set "scale" to the digits after the decimal point, e.g. "scale": 2',
        `${node.ptr}/scale`,
      );
    }
    if (node.type === 'fixed') {
      const max = maxDecimalPrecision(node.size);
      if (precision > max) {
        bad(
          `decimal precision ${precision} doesn't fit in a fixed of ${node.size} bytes (at most ${max} digits)`,
          `make the fixed at least ${minFixedSize(precision)} bytes, or lower "precision" to ${max}`,
          `${node.ptr}/precision`,
        );
      }
    }
  };

  const checkEnum = (node: EnumNode, path: string): void => {
    if (node.symbols.length === 0) {
      add(
        {
          severity: 'error',
          rule: 'enum-no-symbols',
          path,
          message: `enum "${node.name}" has no symbols`,
          hint: 'list at least one symbol',
        },
        `${node.ptr}/symbols`,
      );
    }
    const seen = new Set<string>();
    node.symbols.forEach((symbol, i) => {
      if (!NAME.test(symbol)) {
        add(
          {
            severity: 'error',
            rule: 'enum-symbol-invalid',
            path,
            message: `enum "${node.name}" symbol "${symbol}" is not a valid Avro name`,
            hint: 'symbols use letters, digits and underscores and do not start with a digit, e.g. "CARD_PAYMENT"',
          },
          `${node.ptr}/symbols/${i}`,
        );
      }
      if (seen.has(symbol)) {
        add(
          {
            severity: 'error',
            rule: 'enum-symbol-duplicate',
            path,
            message: `enum "${node.name}" lists symbol "${symbol}" more than once`,
            hint: 'remove the repeated symbol',
          },
          `${node.ptr}/symbols/${i}`,
        );
      }
      seen.add(symbol);
    });
    if (node.default !== undefined && (typeof node.default !== 'string' || !node.symbols.includes(node.default))) {
      add(
        {
          severity: 'error',
          rule: 'enum-default-unknown',
          path,
          message: `enum "${node.name}" default ${JSON.stringify(node.default)} is not one of its symbols`,
          hint: `use one of ${[...new Set(node.symbols)].map((s) => `"${s}"`).join(', ')}; readers use it for symbols they don't know`,
        },
        `${node.ptr}/default`,
      );
    }
  };

  const checkDoc = (doc: string | undefined, what: string, path: string, ptr: string): void => {
    if (requireDocs && (doc === undefined || doc.trim() === '')) {
      add(
        {
          severity: 'warning',
          rule: 'doc-missing',
          path,
          message: `${what} has no doc`,
          hint: 'add "doc": "…" saying what it means; it is the schema\'s documentation for every consumer',
        },
        `${ptr}/name`,
        ptr,
      );
    }
  };

  const checkField = (field: FieldNode, path: string): void => {
    checkName(field.name, 'field name', path, `${field.ptr}/name`);
    for (const alias of field.aliases) checkName(alias, `alias of field "${field.name}"`, path, `${field.ptr}/aliases`);
    checkDoc(field.doc, `field "${field.name}"`, path, field.ptr);
    if (field.attrs.logicalType !== undefined && field.type.logicalType === undefined) {
      const lt = JSON.stringify(field.attrs.logicalType);
      add(
        {
          severity: 'warning',
          rule: 'logical-type-on-field',
          path,
          message: `"logicalType" is set on the field, where Avro ignores it`,
          hint: `move it into the type: "type": {"type": ${JSON.stringify(typeJson(field.type))}, "logicalType": ${lt}}`,
        },
        `${field.ptr}/logicalType`,
      );
    }
    if (field.hasDefault) checkFieldDefault(field, path);
  };

  const checkFieldDefault = (field: FieldNode, path: string): void => {
    const value = field.default;
    const shown = JSON.stringify(value);
    if (field.type.type === 'union') {
      const branches = field.type.branches;
      const first = branches[0]!;
      if (defaultMismatch(first, value) === undefined) return;
      const fitting = branches.find((b) => defaultMismatch(b, value) === undefined);
      if (fitting) {
        const reordered = [fitting, ...branches.filter((b) => b !== fitting)].map(typeJson);
        add(
          {
            severity: 'error',
            rule: 'union-default-not-first-branch',
            path,
            message: `default ${shown} matches the union branch ${typeLabel(fitting)}, but Avro requires a union's default to match its first branch (${typeLabel(first)})`,
            hint: `put ${typeLabel(fitting)} first: "type": ${JSON.stringify(reordered)}`,
          },
          `${field.ptr}/default`,
        );
      } else {
        add(
          {
            severity: 'error',
            rule: 'invalid-default',
            path,
            message: `default ${shown} doesn't match the field's type ${typeLabel(field.type)}`,
            hint: `a union's default must be a value of its first branch (${typeLabel(first)})`,
          },
          `${field.ptr}/default`,
        );
      }
      return;
    }
    const why = defaultMismatch(field.type, value);
    if (why !== undefined) {
      add(
        {
          severity: 'error',
          rule: 'invalid-default',
          path,
          message: `default ${shown} doesn't match the field's type ${typeLabel(field.type)}${why ? `: ${why}` : ''}`,
          hint: defaultHint(field.type),
        },
        `${field.ptr}/default`,
      );
    }
  };

  const walk = (node: AvroNode, path: string): void => {
    if (visited.has(node)) return;
    visited.add(node);
    checkLogical(node, path);
    switch (node.type) {
      case 'record': {
        checkNamed(node, path);
        checkDoc(node.doc, `record "${node.name}"`, path, node.ptr);
        const names = new Set<string>();
        for (const field of node.fields) {
          const fieldPath = join(path, field.name);
          if (names.has(field.name)) {
            add(
              {
                severity: 'error',
                rule: 'name-duplicate',
                path: fieldPath,
                message: `record "${node.name}" has more than one field named "${field.name}"`,
                hint: 'rename or remove one of them',
              },
              `${field.ptr}/name`,
            );
          }
          names.add(field.name);
          checkField(field, fieldPath);
          walk(field.type, fieldPath);
        }
        return;
      }
      case 'enum':
        checkNamed(node, path);
        checkEnum(node, path);
        return;
      case 'fixed':
        checkNamed(node, path);
        return;
      case 'array':
        walk(node.items, `${path}[]`);
        return;
      case 'map':
        walk(node.values, `${path}{}`);
        return;
      case 'union':
        for (const branch of node.branches) walk(branch, path);
        return;
    }
  };

  const root = input.model.root;
  const rootPath = isNamed(root) ? root.name : '';
  walk(root, rootPath);

  const defined = new Map<string, NamedNode>();
  for (const def of input.model.definitions) {
    const first = defined.get(def.fullName);
    if (first && first !== def) {
      add(
        {
          severity: 'error',
          rule: 'name-duplicate',
          path: def.fullName,
          message: `${def.type} "${def.fullName}" is defined more than once`,
          hint: 'define a named type once and refer to it by name afterwards, or give the second one another name',
        },
        `${def.ptr}/name`,
      );
    } else if (!first) defined.set(def.fullName, def);
  }

  if (requireNamespace) {
    const tops = root.type === 'union' ? root.branches : [root];
    for (const top of tops) {
      if (isNamed(top) && top.namespace === undefined) {
        add(
          {
            severity: 'warning',
            rule: 'namespace-missing',
            path: top.name,
            message: `${top.type} "${top.name}" has no namespace`,
            hint: 'add "namespace": "com.<company>.<domain>"; generated classes and registry subjects rely on full names',
          },
          `${top.ptr}/name`,
        );
      }
    }
  }

  return findings;
}

/**
 * Why `value` is not a valid default for `node` (Avro's JSON encoding of
 * defaults), or undefined when it is. An empty string means "no detail".
 * A union's default must match its first branch, everywhere.
 */
export function defaultMismatch(node: AvroNode, value: unknown): string | undefined {
  switch (node.type) {
    case 'null':
      return value === null ? undefined : '';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : '';
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return '';
      return value >= INT_MIN && value <= INT_MAX ? undefined : 'outside the 32-bit int range';
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : '';
    case 'float':
    case 'double':
      return typeof value === 'number' ? undefined : '';
    case 'string':
      return typeof value === 'string' ? undefined : '';
    case 'bytes':
      if (typeof value !== 'string') return 'bytes defaults are strings of \\u0000-\\u00ff characters';
      return isByteString(value) ? undefined : 'bytes defaults may only contain \\u0000-\\u00ff characters';
    case 'fixed':
      if (typeof value !== 'string' || !isByteString(value)) return `fixed defaults are strings of ${node.size} \\u0000-\\u00ff characters`;
      return value.length === node.size ? undefined : `it has ${value.length} bytes, the fixed has ${node.size}`;
    case 'enum':
      if (typeof value !== 'string') return '';
      return node.symbols.includes(value) ? undefined : `"${value}" is not one of its symbols`;
    case 'array': {
      if (!Array.isArray(value)) return '';
      for (const [i, item] of value.entries()) {
        const why = defaultMismatch(node.items, item);
        if (why !== undefined) return `item ${i}${why ? `: ${why}` : ` is not a ${typeLabel(node.items)}`}`;
      }
      return undefined;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
      for (const [k, v] of Object.entries(value)) {
        const why = defaultMismatch(node.values, v);
        if (why !== undefined) return `value of "${k}"${why ? `: ${why}` : ` is not a ${typeLabel(node.values)}`}`;
      }
      return undefined;
    }
    case 'record': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
      const obj = value as Record<string, unknown>;
      for (const f of node.fields) {
        if (!(f.name in obj)) {
          if (f.hasDefault) continue;
          return `field "${f.name}" is missing and has no default`;
        }
        const why = defaultMismatch(f.type, obj[f.name]);
        if (why !== undefined) return `field "${f.name}"${why ? `: ${why}` : ` is not a ${typeLabel(f.type)}`}`;
      }
      return undefined;
    }
    case 'union': {
      const why = defaultMismatch(node.branches[0]!, value);
      return why === undefined ? undefined : `a union's default must match its first branch, ${typeLabel(node.branches[0]!)}`;
    }
  }
}

function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

function defaultHint(node: AvroNode): string {
  switch (node.type) {
    case 'null':
      return 'the only default of "null" is null';
    case 'boolean':
      return 'use true or false';
    case 'int':
    case 'long':
      return 'use a whole number, e.g. 0';
    case 'float':
    case 'double':
      return 'use a number, e.g. 0.0';
    case 'string':
      return 'use a JSON string, e.g. ""';
    case 'bytes':
      return 'use a string whose characters are the bytes, e.g. "" or "\\u00ff"';
    case 'fixed':
      return `use a string of exactly ${node.size} \\u0000-\\u00ff characters`;
    case 'enum':
      return `use one of ${node.symbols.map((s) => `"${s}"`).join(', ')}`;
    case 'array':
      return 'use a JSON array, e.g. []';
    case 'map':
      return 'use a JSON object, e.g. {}';
    case 'record':
      return 'use a JSON object with a value for each field that has no default';
    case 'union':
      return "use a value of the union's first branch";
  }
}

/** Digits a two's-complement fixed of `size` bytes can hold: floor(log10(2^(8·size−1) − 1)), as Java computes it. */
export function maxDecimalPrecision(size: number): number {
  if (size < 1) return 0;
  const max = 2n ** BigInt(8 * size - 1) - 1n;
  return max.toString().length - 1;
}

function minFixedSize(precision: number): number {
  let size = 1;
  while (maxDecimalPrecision(size) < precision) size++;
  return size;
}
