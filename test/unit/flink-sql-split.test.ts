import { describe, expect, it } from 'vitest';
import {
  SqlSplitError,
  classifyStatement,
  parseReset,
  parseSet,
  planSqlScript,
  sourcePosition,
  splitSqlStatements,
  statementSetText,
} from '../../src/flink/sql-split.js';

const texts = (sql: string) => splitSqlStatements(sql).map((s) => s.text);

function splitError(fn: () => unknown): SqlSplitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SqlSplitError) return err;
    throw err;
  }
  throw new Error('expected a SqlSplitError');
}

describe('splitSqlStatements', () => {
  it('splits on semicolons and keeps each statement as written, with its line and column', () => {
    const sql = `SET 'a' = 'b';\n\n  CREATE TABLE t (\n    x INT\n  );\nINSERT INTO t SELECT 1`;
    const statements = splitSqlStatements(sql);
    expect(statements.map((s) => s.text)).toEqual(["SET 'a' = 'b'", 'CREATE TABLE t (\n    x INT\n  )', 'INSERT INTO t SELECT 1']);
    expect(statements.map((s) => [s.line, s.column])).toEqual([
      [1, 1],
      [3, 3],
      [6, 1],
    ]);
  });

  it('ignores semicolons inside strings, quoted identifiers and comments', () => {
    const sql = [
      "INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s; -- trailing; comment",
      'SELECT "we;ird", `back;tick` FROM x /* block; comment */ WHERE y = 1;',
      '/* a comment;',
      '   over lines */ CREATE VIEW v AS SELECT 1;',
    ].join('\n');
    expect(texts(sql)).toEqual([
      "INSERT INTO t SELECT 'a;b', 'it''s; fine' FROM s",
      'SELECT "we;ird", `back;tick` FROM x /* block; comment */ WHERE y = 1',
      'CREATE VIEW v AS SELECT 1',
    ]);
    // Leading comments are not part of the statement; its line is where its first token is.
    expect(splitSqlStatements(sql)[2]!.line).toBe(4);
  });

  it('drops a trailing comment before the semicolon, so statements can be joined safely', () => {
    expect(texts('INSERT INTO t SELECT 1 -- note\n;')).toEqual(['INSERT INTO t SELECT 1']);
  });

  it('keeps optimizer hints inside statements', () => {
    expect(texts('INSERT INTO t SELECT /*+ BROADCAST(d) */ * FROM f JOIN d ON f.k = d.k;')).toEqual([
      'INSERT INTO t SELECT /*+ BROADCAST(d) */ * FROM f JOIN d ON f.k = d.k',
    ]);
  });

  it('treats a backslash as an ordinary character in strings (SQL escapes quotes by doubling)', () => {
    expect(texts("SELECT 'a\\'; SELECT 2;")).toEqual(["SELECT 'a\\'", 'SELECT 2']);
  });

  it('skips empty statements and a file of only comments', () => {
    expect(texts(';;\n -- nothing\n ; /* x */')).toEqual([]);
  });

  it('keeps EXECUTE STATEMENT SET BEGIN … END together, with its INSERTs as the body', () => {
    const sql = `EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT CASE WHEN x THEN 1 ELSE 0 END FROM s;\n  INSERT INTO b SELECT 'end;' FROM s;\nEND;\nCREATE TABLE after_it (x INT);`;
    const [set, after] = splitSqlStatements(sql);
    expect(set!.text.startsWith('EXECUTE STATEMENT SET')).toBe(true);
    expect(set!.text.endsWith('END')).toBe(true);
    expect(set!.body!.map((s) => [s.text, s.line, s.column])).toEqual([
      ['INSERT INTO a SELECT CASE WHEN x THEN 1 ELSE 0 END FROM s', 3, 3],
      ["INSERT INTO b SELECT 'end;' FROM s", 4, 3],
    ]);
    expect(after!.text).toBe('CREATE TABLE after_it (x INT)');
  });

  it('reports unterminated strings, identifiers, comments and statement sets with their position', () => {
    expect(splitError(() => splitSqlStatements("SELECT 1;\nSELECT 'oops;\n"))).toMatchObject({
      message: 'unterminated string literal',
      line: 2,
      column: 8,
    });
    expect(splitError(() => splitSqlStatements('SELECT `x FROM y'))).toMatchObject({
      message: 'unterminated quoted identifier (`)',
      line: 1,
    });
    expect(splitError(() => splitSqlStatements('SELECT 1 /* never closed'))).toMatchObject({ line: 1, column: 10 });
    expect(splitError(() => splitSqlStatements('\nEXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1;'))).toMatchObject({
      message: 'EXECUTE STATEMENT SET BEGIN without its END',
      line: 2,
    });
  });
});

describe('classifyStatement', () => {
  const kind = (text: string) => classifyStatement(splitSqlStatements(text)[0]!);
  it('tells SET, RESET, INSERT, statement sets, queries and everything else apart', () => {
    expect(kind("SET 'a' = 'b'")).toBe('set');
    expect(kind('reset')).toBe('reset');
    expect(kind('insert into t select 1')).toBe('insert');
    expect(kind('INSERT OVERWRITE t SELECT 1')).toBe('insert');
    expect(kind('EXECUTE INSERT INTO t SELECT 1')).toBe('insert');
    expect(kind('/* c */ INSERT /* d */ INTO t SELECT 1')).toBe('insert');
    expect(kind('EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; END')).toBe('statement-set');
    expect(kind('BEGIN STATEMENT SET')).toBe('begin-statement-set');
    expect(kind('END')).toBe('end');
    expect(kind('SELECT 1')).toBe('query');
    expect(kind('WITH a AS (SELECT 1) SELECT * FROM a')).toBe('query');
    expect(kind('CREATE TEMPORARY FUNCTION f AS "x.F"')).toBe('other');
    expect(kind('USE CATALOG c')).toBe('other');
  });
});

describe('SET and RESET', () => {
  const one = (text: string) => splitSqlStatements(text)[0]!;
  it('reads quoted and bare keys and values, with doubled quotes', () => {
    expect(parseSet(one("SET 'pipeline.name' = 'it''s mine'"))).toEqual({ key: 'pipeline.name', value: "it's mine" });
    expect(parseSet(one("set 'parallelism.default'='2'"))).toEqual({ key: 'parallelism.default', value: '2' });
    expect(parseSet(one('SET table.exec.state.ttl = 1 h'))).toEqual({ key: 'table.exec.state.ttl', value: '1 h' });
    expect(parseSet(one('SET'))).toBeUndefined();
    expect(() => parseSet(one("SET 'x'"))).toThrow(SqlSplitError);
    expect(parseReset(one("RESET 'pipeline.name'"))).toBe('pipeline.name');
    expect(parseReset(one('RESET'))).toBeNull();
  });
});

describe('planSqlScript', () => {
  it('runs SET and DDL in order and collects every INSERT, wherever written, into one job', () => {
    const script = planSqlScript(`
SET 'pipeline.name' = 'trades';
CREATE TABLE s (x INT) WITH ('connector' = 'datagen');
INSERT INTO a SELECT x FROM s;
EXECUTE STATEMENT SET BEGIN
  INSERT INTO b SELECT x FROM s;
END;
BEGIN STATEMENT SET;
INSERT INTO c SELECT x FROM s;
END;
EXECUTE INSERT INTO d SELECT x FROM s;
SET 'parallelism.default' = '2';
RESET 'pipeline.name';
`);
    expect(script.steps.map((s) => s.kind)).toEqual(['set', 'statement', 'set', 'reset']);
    expect(script.inserts.map((s) => s.text)).toEqual([
      'INSERT INTO a SELECT x FROM s',
      'INSERT INTO b SELECT x FROM s',
      'INSERT INTO c SELECT x FROM s',
      'INSERT INTO d SELECT x FROM s',
    ]);
    expect(script.inserts[3]).toMatchObject({ line: 11, column: 9 });
    expect(script.settings).toEqual({ 'parallelism.default': '2' });
  });

  it('refuses queries, files without INSERT, and unbalanced statement sets, naming the line', () => {
    expect(splitError(() => planSqlScript('CREATE TABLE t (x INT);\nSELECT * FROM t;'))).toMatchObject({ line: 2 });
    expect(splitError(() => planSqlScript('CREATE TABLE t (x INT);')).message).toContain('no INSERT statement');
    expect(splitError(() => planSqlScript('BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;')).message).toBe(
      'BEGIN STATEMENT SET without END',
    );
    expect(splitError(() => planSqlScript('INSERT INTO a SELECT 1;\nEND;'))).toMatchObject({
      message: 'END without BEGIN STATEMENT SET',
      line: 2,
    });
    expect(splitError(() => planSqlScript('BEGIN STATEMENT SET;\nCREATE TABLE x (a INT);\nEND;')).line).toBe(2);
  });
});

describe('statementSetText and sourcePosition', () => {
  const script = planSqlScript('CREATE TABLE s (x INT);\n\nINSERT INTO a\nSELECT x FROM s;\n  INSERT INTO b SELECT bad(x) FROM s;\n');

  it('sends one INSERT as itself and several as one EXECUTE STATEMENT SET', () => {
    expect(statementSetText(script.inserts.slice(0, 1)).text).toBe('INSERT INTO a\nSELECT x FROM s');
    expect(statementSetText(script.inserts).text).toBe(
      'EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a\nSELECT x FROM s;\nINSERT INTO b SELECT bad(x) FROM s;\nEND',
    );
  });

  it("maps the planner's line and column in the sent text back to the file", () => {
    const sent = statementSetText(script.inserts);
    // "bad" is on line 5 of the sent text, column 22; in the file: line 5, column 24 (indented by 2).
    expect(sourcePosition(sent, { line: 5, column: 22 })).toMatchObject({ line: 5, column: 24, statement: { line: 5 } });
    // Line 4 of the sent text is the second line of the first INSERT: file line 4, same column.
    expect(sourcePosition(sent, { line: 4, column: 3 })).toMatchObject({ line: 4, column: 3, statement: { line: 3 } });
    expect(sourcePosition(sent, undefined)).toMatchObject({ line: 3 });
  });
});
