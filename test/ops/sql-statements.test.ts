import { describe, expect, it } from 'vitest';
import { lineColumn, nonTransactionalReason, splitStatements, transactionControlReason } from '../../src/ops/sql-statements.js';

describe('splitStatements', () => {
  it('splits on top-level semicolons only', () => {
    const sql = [
      "CREATE TABLE a (v text DEFAULT 'x;y'); -- c;omment",
      '/* block ; /* nested ; */ */ CREATE TABLE "b;c" (id int);',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
      "SELECT E'it\\'s;';",
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;',
      ';; -- only a comment',
    ].join('\n');
    const statements = splitStatements(sql);
    expect(statements.map((s) => s.text)).toEqual([
      "CREATE TABLE a (v text DEFAULT 'x;y')",
      'CREATE TABLE "b;c" (id int)',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
      "SELECT E'it\\'s;'",
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END',
    ]);
    expect(sql.slice(statements[1].start, statements[1].start + 12)).toBe('CREATE TABLE');
  });

  it('does not split inside parentheses (multi-action rules)', () => {
    const sql = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); NOTIFY t); SELECT 1';
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); NOTIFY t)',
      'SELECT 1',
    ]);
  });

  it('detects statements that cannot run in a transaction, ignoring comments and strings', () => {
    const reasons = splitStatements(
      [
        '/* hi */ create   unique index\nconcurrently i on t (a);',
        'REINDEX (VERBOSE) TABLE CONCURRENTLY t;',
        'vacuum analyze t;',
        "COMMENT ON TABLE t IS 'VACUUM; CREATE DATABASE x';",
        'CREATE INDEX "concurrently" ON t (a);',
      ].join('\n'),
    ).map(nonTransactionalReason);
    expect(reasons).toEqual(['CREATE INDEX CONCURRENTLY', 'REINDEX CONCURRENTLY', 'VACUUM', undefined, undefined]);
  });

  it('detects transaction control but allows ROLLBACK TO a savepoint', () => {
    const reasons = splitStatements('BEGIN; SAVEPOINT s; ROLLBACK TO s; COMMIT; start transaction; ROLLBACK;').map(transactionControlReason);
    expect(reasons.map(Boolean)).toEqual([true, false, false, true, true, true]);
  });
});

describe('lineColumn', () => {
  it('counts Postgres positions in characters, not UTF-16 units', () => {
    const sql = 'SELECT 1;\nSELECT \u{1F600}, nope;';
    // Postgres counts the emoji as one character: "nope" starts at character 21.
    expect(lineColumn(sql, 21)).toEqual({ line: 2, column: 11 });
    expect(lineColumn(sql, 1)).toEqual({ line: 1, column: 1 });
  });
});
