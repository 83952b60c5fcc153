/**
 * Splits a Flink SQL file into statements and plans how to run it through the
 * SQL Gateway, which takes one statement per call. Pure: no I/O.
 *
 * What a file may hold: `SET 'key' = 'value';` and `RESET` (session options,
 * in order), DDL and other statements (CREATE TABLE/VIEW/FUNCTION, USE, …,
 * run in order), and INSERT statements — loose, in `EXECUTE STATEMENT SET
 * BEGIN … END;`, or between the SQL client's `BEGIN STATEMENT SET;` and
 * `END;`. All INSERTs become one statement set, so a file is one job.
 */

/** A problem in the file itself, at a 1-based line and column. */
export class SqlSplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SqlSplitError';
  }
}

export interface SqlStatement {
  /** As written, from its first token to its last: no terminating semicolon, no trailing comment. */
  text: string;
  /** Where its first token is: 1-based line and column, and 0-based offset, in the source. */
  line: number;
  column: number;
  offset: number;
  /** The statements inside `EXECUTE STATEMENT SET BEGIN … END`; absent for any other statement. */
  body?: SqlStatement[];
}

interface Token {
  kind: 'word' | 'string' | 'quoted' | 'symbol';
  /** Upper-cased for words, raw otherwise. */
  value: string;
  start: number;
  end: number;
}

class Positions {
  private readonly lineStarts: number[] = [0];
  constructor(source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}

const WORD_CHAR = /[A-Za-z0-9_$]/;

/** Tokens outside comments; strings and quoted identifiers are single tokens, so their `;` and `--` are inert. */
function* tokenize(source: string, positions: Positions, from = 0, to = source.length): Generator<Token> {
  let i = from;
  const fail = (what: string, at: number): never => {
    const p = positions.at(at);
    throw new SqlSplitError(what, p.line, p.column);
  };
  while (i < to) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '-' && source[i + 1] === '-') {
      const nl = source.indexOf('\n', i);
      i = nl === -1 || nl > to ? to : nl + 1;
    } else if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close === -1 || close + 2 > to) fail('unterminated comment (/* without */)', i);
      i = close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      // SQL escapes a quote by doubling it; a backslash is an ordinary character.
      let j = i + 1;
      for (;;) {
        if (j >= to) fail(c === "'" ? 'unterminated string literal' : `unterminated quoted identifier (${c})`, i);
        if (source[j] === c) {
          if (source[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      yield { kind: c === "'" ? 'string' : 'quoted', value: source.slice(i, j + 1), start: i, end: j + 1 };
      i = j + 1;
    } else if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < to && WORD_CHAR.test(source[j]!)) j++;
      yield { kind: 'word', value: source.slice(i, j).toUpperCase(), start: i, end: j };
      i = j;
    } else {
      yield { kind: 'symbol', value: c, start: i, end: i + 1 };
      i++;
    }
  }
}

const isWord = (t: Token | undefined, ...values: string[]): boolean => t?.kind === 'word' && values.includes(t.value);

function opensStatementSet(tokens: Token[]): boolean {
  return isWord(tokens[0], 'EXECUTE') && isWord(tokens[1], 'STATEMENT') && isWord(tokens[2], 'SET') && isWord(tokens[3], 'BEGIN');
}

/**
 * Tracks whether an `EXECUTE STATEMENT SET BEGIN` block is still open: its
 * own END closes it, but CASE … END inside an INSERT does not.
 */
class BlockTracker {
  private caseDepth = 0;
  private endedAt = -1;
  constructor(private readonly tokens: Token[]) {}
  push(t: Token): void {
    this.tokens.push(t);
    if (t.kind !== 'word') {
      if (this.endedAt >= 0 && t.value !== ';') this.endedAt = -1;
      return;
    }
    if (t.value === 'CASE') this.caseDepth++;
    else if (t.value === 'END' && this.caseDepth > 0) this.caseDepth--;
    else if (t.value === 'END') {
      this.endedAt = this.tokens.length - 1;
      return;
    }
    this.endedAt = -1;
  }
  get open(): boolean {
    return opensStatementSet(this.tokens) && this.endedAt < 0;
  }
  /** Index of the END token that closed the block. */
  get endIndex(): number {
    return this.endedAt;
  }
}

function statementOf(source: string, positions: Positions, tokens: Token[]): SqlStatement {
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  return { text: source.slice(first.start, last.end), ...positions.at(first.start), offset: first.start };
}

function split(source: string, positions: Positions, from: number, to: number, nested: boolean): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let tokens: Token[] = [];
  let block = new BlockTracker(tokens);
  const flush = (): void => {
    if (tokens.length === 0) return;
    const statement = statementOf(source, positions, tokens);
    if (!nested && opensStatementSet(tokens)) {
      if (block.open) throw new SqlSplitError('EXECUTE STATEMENT SET BEGIN without its END', statement.line, statement.column);
      statement.body = split(source, positions, tokens[3]!.end, tokens[block.endIndex]!.start, true);
      if (block.endIndex !== tokens.length - 1) {
        const extra = positions.at(tokens[block.endIndex + 1]!.start);
        throw new SqlSplitError('unexpected text after END of the statement set', extra.line, extra.column);
      }
    }
    statements.push(statement);
    tokens = [];
    block = new BlockTracker(tokens);
  };
  for (const token of tokenize(source, positions, from, to)) {
    if (token.kind === 'symbol' && token.value === ';' && !(nested === false && block.open)) {
      flush();
      continue;
    }
    block.push(token);
  }
  flush();
  return statements;
}

/** Every statement of a SQL file, in order; throws SqlSplitError for unterminated strings, identifiers and comments. */
export function splitSqlStatements(source: string): SqlStatement[] {
  return split(source, new Positions(source), 0, source.length, false);
}

export type StatementKind = 'set' | 'reset' | 'insert' | 'statement-set' | 'begin-statement-set' | 'end' | 'query' | 'other';

/** The first few words of a statement, upper-cased, skipping comments. */
function leadingWords(text: string, n: number): string[] {
  const words: string[] = [];
  for (const t of tokenize(text, new Positions(text))) {
    if (t.kind !== 'word') break;
    words.push(t.value);
    if (words.length === n) break;
  }
  return words;
}

export function classifyStatement(statement: SqlStatement): StatementKind {
  if (statement.body) return 'statement-set';
  const [a, b, c] = leadingWords(statement.text, 3);
  if (a === 'SET') return 'set';
  if (a === 'RESET') return 'reset';
  if (a === 'INSERT' || (a === 'EXECUTE' && b === 'INSERT')) return 'insert';
  if (a === 'BEGIN' && b === 'STATEMENT' && c === 'SET') return 'begin-statement-set';
  if (a === 'END' && b === undefined) return 'end';
  if (a === 'SELECT' || a === 'WITH' || a === 'VALUES' || a === 'TABLE' || (a === 'EXECUTE' && b === 'SELECT')) return 'query';
  if (statement.text.startsWith('(')) return 'query';
  return 'other';
}

const QUOTED = String.raw`'((?:[^']|'')*)'`;
const SET_RE = new RegExp(String.raw`^SET\s+(?:${QUOTED}|([^=\s']+))\s*=\s*(?:${QUOTED}|(.*?))\s*$`, 'is');
const RESET_RE = new RegExp(String.raw`^RESET(?:\s+(?:${QUOTED}|(\S+)))?\s*$`, 'is');
const unquote = (s: string): string => s.replace(/''/g, "'");

/**
 * `SET 'key' = 'value'` (or the older unquoted `SET key = value`) as a pair;
 * undefined for a bare `SET`, which only lists the session's options.
 */
export function parseSet(statement: SqlStatement): { key: string; value: string } | undefined {
  const text = statement.text.trim();
  if (/^SET$/i.test(text)) return undefined;
  const m = SET_RE.exec(text);
  if (!m) throw new SqlSplitError(`cannot read this SET statement: write SET 'key' = 'value'`, statement.line, statement.column);
  const key = m[1] !== undefined ? unquote(m[1]) : m[2]!;
  const value = m[3] !== undefined ? unquote(m[3]) : m[4]!;
  return { key, value };
}

/** `RESET 'key'` → the key; a bare `RESET` (every option) → null. */
export function parseReset(statement: SqlStatement): string | null {
  const m = RESET_RE.exec(statement.text.trim());
  if (!m) throw new SqlSplitError(`cannot read this RESET statement: write RESET 'key'`, statement.line, statement.column);
  if (m[1] !== undefined) return unquote(m[1]);
  return m[2] ?? null;
}

export type SqlStep =
  | { kind: 'set'; key: string; value: string; statement: SqlStatement }
  | { kind: 'reset'; key: string | null; statement: SqlStatement }
  | { kind: 'statement'; statement: SqlStatement };

export interface SqlScript {
  /** SET, RESET and every other non-INSERT statement, in file order. */
  steps: SqlStep[];
  /** Every INSERT, in file order; they run together as one statement set (one job). */
  inserts: SqlStatement[];
  /** The session options the file leaves set (SETs and RESETs applied in order). */
  settings: Record<string, string>;
}

/** `EXECUTE INSERT …` is `INSERT …` run at once; inside a statement set only the INSERT part is allowed. */
function withoutExecute(statement: SqlStatement): SqlStatement {
  const m = /^EXECUTE\s+/i.exec(statement.text);
  if (!m) return statement;
  const skipped = statement.text.slice(0, m[0].length);
  const newlines = skipped.split('\n').length - 1;
  const column = newlines === 0 ? statement.column + m[0].length : m[0].length - skipped.lastIndexOf('\n');
  return { text: statement.text.slice(m[0].length), line: statement.line + newlines, column, offset: statement.offset + m[0].length };
}

/** Splits and checks a SQL file: what to run in order, and the INSERTs that make the job. */
export function planSqlScript(source: string): SqlScript {
  const steps: SqlStep[] = [];
  const inserts: SqlStatement[] = [];
  const settings: Record<string, string> = {};
  let openSet: SqlStatement | undefined;
  const fail = (message: string, s: SqlStatement): never => {
    throw new SqlSplitError(message, s.line, s.column);
  };

  for (const statement of splitSqlStatements(source)) {
    const kind = classifyStatement(statement);
    if (openSet && kind !== 'insert' && kind !== 'end') {
      fail('only INSERT statements can go between BEGIN STATEMENT SET and END', statement);
    }
    switch (kind) {
      case 'set': {
        const pair = parseSet(statement);
        if (pair) {
          settings[pair.key] = pair.value;
          steps.push({ kind: 'set', ...pair, statement });
        }
        break;
      }
      case 'reset': {
        const key = parseReset(statement);
        if (key === null) for (const k of Object.keys(settings)) delete settings[k];
        else delete settings[key];
        steps.push({ kind: 'reset', key, statement });
        break;
      }
      case 'insert':
        inserts.push(withoutExecute(statement));
        break;
      case 'statement-set':
        for (const inner of statement.body ?? []) {
          if (classifyStatement(inner) !== 'insert') fail('only INSERT statements can go in a statement set', inner);
          inserts.push(withoutExecute(inner));
        }
        break;
      case 'begin-statement-set':
        if (openSet) fail('BEGIN STATEMENT SET inside another statement set', statement);
        openSet = statement;
        break;
      case 'end':
        if (!openSet) fail('END without BEGIN STATEMENT SET', statement);
        openSet = undefined;
        break;
      case 'query':
        fail('a query cannot run as a submitted job: write its result somewhere with INSERT INTO', statement);
        break;
      case 'other':
        steps.push({ kind: 'statement', statement });
        break;
    }
  }
  if (openSet) fail('BEGIN STATEMENT SET without END', openSet);
  if (inserts.length === 0) throw new SqlSplitError('no INSERT statement: nothing would run (a job needs at least one INSERT INTO)', 1, 1);
  return { steps, inserts, settings };
}

/** The text sent for the job, and where each INSERT starts in it (1-based line), to map errors back. */
export interface StatementSetText {
  text: string;
  segments: { startLine: number; statement: SqlStatement }[];
}

/** One INSERT runs as itself; several as `EXECUTE STATEMENT SET BEGIN … END`, each INSERT on its own lines. */
export function statementSetText(inserts: SqlStatement[]): StatementSetText {
  if (inserts.length === 1) return { text: inserts[0]!.text, segments: [{ startLine: 1, statement: inserts[0]! }] };
  const lines = ['EXECUTE STATEMENT SET', 'BEGIN'];
  const segments: StatementSetText['segments'] = [];
  for (const insert of inserts) {
    segments.push({ startLine: lines.length + 1, statement: insert });
    lines.push(...`${insert.text};`.split('\n'));
  }
  lines.push('END');
  return { text: lines.join('\n'), segments };
}

/**
 * Maps a position the planner reported in the text we sent back to the file:
 * which statement it is in, and its line and column there.
 */
export function sourcePosition(
  sent: StatementSetText,
  position: { line: number; column: number } | undefined,
): { statement: SqlStatement; line: number; column?: number } {
  const fallback = sent.segments[0]!.statement;
  if (!position) return { statement: fallback, line: fallback.line };
  let segment = sent.segments[0]!;
  for (const s of sent.segments) if (s.startLine <= position.line) segment = s;
  if (position.line < segment.startLine) return { statement: fallback, line: fallback.line };
  const { statement } = segment;
  const delta = position.line - segment.startLine;
  return {
    statement,
    line: statement.line + delta,
    column: delta === 0 ? statement.column + position.column - 1 : position.column,
  };
}

/** The same, for a statement sent as itself. */
export function singleStatementText(statement: SqlStatement): StatementSetText {
  return { text: statement.text, segments: [{ startLine: 1, statement }] };
}
