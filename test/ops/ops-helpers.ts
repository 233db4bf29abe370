import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseSchema, resolveDatabase } from '../../src/config/index.js';
import { Connection } from '../../src/connections/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { expect } from 'vitest';
import type { TestDatabase } from '../helpers/databases.js';

/** A Connection to a test database; `entry` overrides config fields (readOnly, mode, migrationsDir…). */
export function connectionTo(db: TestDatabase, entry: Record<string, unknown> = {}, name = 'x'): Connection {
  return new Connection(resolveDatabase(databaseSchema.parse({ name, url: db.url, ...entry }), 0, process.cwd()));
}

/** Writes `{ fileName: sql }` into a fresh temp directory and returns its path. */
export async function writeMigrations(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-ops-migrations-'));
  await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(path.join(dir, name), sql)));
  return dir;
}

/** A SQL migration file in node-pg-migrate's format. */
export function sqlMigration(up: string, down: string): string {
  return `-- Up Migration\n${up}\n\n-- Down Migration\n${down}\n`;
}

/** Names of the tables in the public schema, sorted. */
export async function publicTables(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  return rows.map((r) => r.t);
}

/** Rows of pgmigrations, in application order ([] when the table is missing). */
export async function appliedNames(db: TestDatabase): Promise<string[]> {
  const [{ exists }] = await db.sql<{ exists: boolean }>("SELECT to_regclass('public.pgmigrations') IS NOT NULL AS exists");
  if (!exists) return [];
  return (await db.sql<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id')).map((r) => r.name);
}

/** The GatewayError a promise rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
