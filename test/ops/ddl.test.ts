import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/index.js';
import { executeDDL } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { connectionTo, publicTables, rejection } from './ops-helpers.js';

let db: TestDatabase;
let conn: Connection;

beforeAll(async () => {
  db = await createTestDatabase('ops_ddl');
  conn = connectionTo(db);
});
afterAll(async () => {
  await conn.close();
  await db.drop();
});

describe('executeDDL', () => {
  it('runs a script, counting its statements and returning the server notices', async () => {
    const result = await executeDDL(conn, '-- a comment\nCREATE TABLE ok1 (id int);\nDROP TABLE IF EXISTS never_there;\n');
    expect(result).toMatchObject({ database: 'x', dryRun: false, statements: 2 });
    expect(result.notices).toEqual(['NOTICE: table "never_there" does not exist, skipping']);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(await publicTables(db)).toContain('ok1');
  });

  it('a DDL script runs in one transaction: if any statement fails, nothing of the script is left behind', async () => {
    const sql = 'CREATE TABLE rolled_back (id int);\nSELECT 1;\nALTER TABLE nope ADD COLUMN x int;';
    const error = await rejection(executeDDL(conn, sql));
    expect(error.code).toBe('DDL_FAILED');
    // Postgres gives no position for this error: the statement and its line still locate it.
    expect(error.message).toBe('[ops:x] DDL failed at line 3 (statement 3): relation "nope" does not exist');
    expect(error.extensions).toMatchObject({ database: 'x', sqlState: '42P01', statement: 3, line: 3, rolledBack: true });
    expect(await publicTables(db)).not.toContain('rolled_back');
  });

  it('a failed script reports the line and column of the error position in the submitted SQL', async () => {
    const sql = 'CREATE TABLE rolled_back2 (id int);\n\nCREATE VIEW v AS\n  SELECT id FROM rolled_back2, nope;';
    const error = await rejection(executeDDL(conn, sql));
    expect(error.message).toBe('[ops:x] DDL failed at line 4, column 32 (statement 2): relation "nope" does not exist');
    expect(error.extensions).toMatchObject({ sqlState: '42P01', statement: 2, position: 86, line: 4, column: 32 });
    expect(await publicTables(db)).not.toContain('rolled_back2');
  });

  it('a failed script reports the line and column of a syntax error in the submitted SQL', async () => {
    const error = await rejection(executeDDL(conn, 'CREATE TABLE t_\u{1F600} (id int);\n  CREAT TABLE t2 (id int);'));
    expect(error.extensions).toMatchObject({ sqlState: '42601', statement: 2, line: 2, column: 3 });
    expect(error.message).toContain('syntax error at or near "CREAT"');
  });

  it('statements that cannot run inside a transaction are refused unless transactional: false is passed', async () => {
    await executeDDL(conn, 'CREATE TABLE idx_target (a int);');
    const sql = 'CREATE TABLE before_concurrently (id int);\nCREATE INDEX CONCURRENTLY idx_a ON idx_target (a);';
    const error = await rejection(executeDDL(conn, sql));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('statement 2 (line 2): CREATE INDEX CONCURRENTLY cannot run inside a transaction');
    expect(error.extensions.hint).toContain('transactional: false');
    expect(await publicTables(db)).not.toContain('before_concurrently');

    const result = await executeDDL(conn, 'CREATE INDEX CONCURRENTLY idx_a ON idx_target (a);', { transactional: false });
    expect(result.statements).toBe(1);
    expect(await db.sql("SELECT indexname FROM pg_indexes WHERE indexname = 'idx_a'")).toHaveLength(1);
  });

  it('BEGIN, COMMIT and ROLLBACK in a transactional script are refused', async () => {
    const error = await rejection(executeDDL(conn, 'CREATE TABLE half (id int);\nCOMMIT;\nCREATE TABLE other_half (id int);'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('statement 2 (line 2)');
    expect(await publicTables(db)).not.toContain('half');
  });

  it('with transactional: false each statement runs alone and those before a failing one stay applied', async () => {
    const sql = 'CREATE TABLE kept (id int);\nCREATE TABLE kept (id int);';
    const error = await rejection(executeDDL(conn, sql, { transactional: false }));
    expect(error.code).toBe('DDL_FAILED');
    expect(error.extensions).toMatchObject({ sqlState: '42P07', statement: 2, line: 2, appliedStatements: 1, rolledBack: false });
    expect(await publicTables(db)).toContain('kept');
  });

  it('a dry run executes the script and rolls it back', async () => {
    const result = await executeDDL(conn, 'CREATE TABLE dry (id int);', { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, statements: 1 });
    expect(await publicTables(db)).not.toContain('dry');
    const error = await rejection(executeDDL(conn, 'CREATE TABLE dry (id int);\nSELECT * FROM dry_missing;', { dryRun: true }));
    expect(error.extensions).toMatchObject({ sqlState: '42P01', line: 2, column: 15 });
    await expect(executeDDL(conn, 'VACUUM;', { dryRun: true, transactional: false })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('a statement waits at most lockTimeoutMs for a lock, then fails with DDL_FAILED (55P03)', async () => {
    await executeDDL(conn, 'CREATE TABLE locked (id int);');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE;');
      const started = Date.now();
      const error = await rejection(executeDDL(conn, 'ALTER TABLE locked ADD COLUMN x int;', { lockTimeoutMs: 200 }));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error.extensions).toMatchObject({ sqlState: '55P03' });
      expect(error.extensions.hint).toContain('lockTimeoutMs');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('read-only databases are refused with READ_ONLY and transaction-mode poolers with TRANSACTION_POOLER', async () => {
    const readOnly = connectionTo(db, { readOnly: true });
    const pooled = connectionTo(db, { mode: 'transaction' });
    try {
      expect((await rejection(executeDDL(readOnly, 'CREATE TABLE ro (id int);'))).code).toBe('READ_ONLY');
      const error = await rejection(executeDDL(pooled, 'CREATE TABLE tx (id int);'));
      expect(error.code).toBe('TRANSACTION_POOLER');
      expect(error.extensions.hint).toContain('5432');
      expect(await publicTables(db)).not.toContain('ro');
    } finally {
      await readOnly.close();
      await pooled.close();
    }
  });

  it('an empty script or a bad lockTimeoutMs is BAD_USER_INPUT', async () => {
    expect((await rejection(executeDDL(conn, '  -- nothing\n;'))).code).toBe('BAD_USER_INPUT');
    expect((await rejection(executeDDL(conn, 'SELECT 1', { lockTimeoutMs: -1 }))).code).toBe('BAD_USER_INPUT');
  });
});
