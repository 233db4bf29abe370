import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connections/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { buildCreateTable, executeDDL, normalizeColumnType, type CreateTableInput } from '../../src/ops/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { connectionTo } from './ops-helpers.js';

function rejection(input: CreateTableInput): GatewayError {
  try {
    buildCreateTable(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected buildCreateTable to throw');
}

describe('buildCreateTable', () => {
  it('quotes names, canonicalises types and puts primary keys in a table constraint', () => {
    const sql = buildCreateTable({
      schema: 'app',
      name: 'line_items',
      ifNotExists: true,
      columns: [
        { name: 'order_id', type: 'BIGINT', primaryKey: true, references: { table: 'orders', column: 'id' } },
        { name: 'line', type: 'int4', primaryKey: true },
        { name: 'price', type: 'numeric( 10 , 2 )', nullable: false, default: 0 },
        { name: 'tags', type: 'text []', default: '{}' },
        { name: 'sku', type: 'varchar(32)', unique: true },
        { name: 'created_at', type: 'timestamptz', default: { function: 'now()' } },
      ],
    });
    expect(sql).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "app"."line_items" (',
        '  "order_id" bigint REFERENCES "orders" ("id"),',
        '  "line" int4,',
        '  "price" numeric(10,2) NOT NULL DEFAULT 0,',
        `  "tags" text[] DEFAULT '{}',`,
        '  "sku" varchar(32) UNIQUE,',
        '  "created_at" timestamptz DEFAULT now(),',
        '  PRIMARY KEY ("order_id", "line")',
        ');',
      ].join('\n'),
    );
  });

  it('quotes string defaults so that an injection attempt stays a literal', () => {
    const sql = buildCreateTable({ name: 't', columns: [{ name: 'v', type: 'text', default: "x'); DROP TABLE users; --" }] });
    expect(sql).toContain(`DEFAULT 'x''); DROP TABLE users; --'`);
    const backslash = buildCreateTable({ name: 't', columns: [{ name: 'v', type: 'text', default: "a\\'b" }] });
    expect(backslash).toContain(`DEFAULT E'a\\\\''b'`);
  });

  it('rejects an injection attempt in a name, a type or a default function with BAD_USER_INPUT naming the column', () => {
    const badName = rejection({ name: 'users"; DROP TABLE x; --', columns: [{ name: 'id', type: 'int' }] });
    expect(badName.code).toBe('BAD_USER_INPUT');
    expect(badName.message).toContain('table "users\\"; DROP TABLE x; --" is not a valid name');

    const badType = rejection({ name: 't', columns: [{ name: 'evil', type: 'text); DROP TABLE x; --' }] });
    expect(badType.message).toContain('column "evil": type');
    expect(badType.extensions.hint).toContain('allowed:');

    const badFunction = rejection({ name: 't', columns: [{ name: 'slow', type: 'int', default: { function: 'pg_sleep(10)' as 'now()' } }] });
    expect(badFunction.message).toContain('column "slow": default');

    const badRef = rejection({ name: 't', columns: [{ name: 'r', type: 'int', references: { table: 'x" (id); --', column: 'id' } }] });
    expect(badRef.message).toContain('column "r": referenced table');
  });

  it('rejects duplicate columns, no columns, nullable primary keys and non-finite numbers', () => {
    expect(rejection({ name: 't', columns: [] }).code).toBe('BAD_USER_INPUT');
    expect(rejection({ name: 't', columns: [{ name: 'a', type: 'int' }, { name: 'a', type: 'text' }] }).message).toContain('"a" appears twice');
    expect(rejection({ name: 't', columns: [{ name: 'a', type: 'int', primaryKey: true, nullable: true }] }).message).toContain('cannot be nullable');
    expect(rejection({ name: 't', columns: [{ name: 'a', type: 'real', default: Number.NaN }] }).message).toContain('column "a": default');
  });

  it('accepts the allow-listed types and their arrays, nothing else', () => {
    expect(normalizeColumnType('Double  Precision')).toBe('double precision');
    expect(normalizeColumnType('uuid[][]')).toBe('uuid[][]');
    expect(normalizeColumnType('char(3)')).toBe('char(3)');
    for (const bad of ['serial[]', 'numeric(3,5)', 'varchar(0)', 'int4(3)', 'money', 'text COLLATE "C"', 'regclass', 'varchar(1,2)']) {
      expect(normalizeColumnType(bad), bad).toBeUndefined();
    }
  });
});

describe('buildCreateTable on a real database', () => {
  let db: TestDatabase;
  let conn: Connection;
  beforeAll(async () => {
    db = await createTestDatabase('ops_create_table');
    conn = connectionTo(db);
  });
  afterAll(async () => {
    await conn.close();
    await db.drop();
  });

  it('creates a table whose defaults come back exactly as given', async () => {
    await executeDDL(conn, buildCreateTable({ name: 'parents', columns: [{ name: 'id', type: 'uuid', primaryKey: true, default: { function: 'gen_random_uuid()' } }] }));
    const sql = buildCreateTable({
      name: 'kids',
      columns: [
        { name: 'id', type: 'bigserial', primaryKey: true },
        { name: 'parent_id', type: 'uuid', references: { table: 'parents', column: 'id', schema: 'public' } },
        { name: 'note', type: 'text', nullable: false, default: "it's a \\ trap'); DROP TABLE parents; --" },
        { name: 'ok', type: 'boolean', default: true },
        { name: 'at', type: 'timestamptz', default: { function: 'current_timestamp' } },
      ],
    });
    await executeDDL(conn, sql);
    const [row] = await db.sql('INSERT INTO kids DEFAULT VALUES RETURNING id, note, ok, at');
    expect(row).toMatchObject({ id: '1', note: "it's a \\ trap'); DROP TABLE parents; --", ok: true });
    expect(row.at).toBeInstanceOf(Date);
    expect(await db.sql("SELECT 1 FROM pg_tables WHERE tablename = 'parents'")).toHaveLength(1);
  });
});
