import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { GatewayError } from '../errors/index.js';
import type { MigrationDirection } from './migration-events.js';
import { lineColumn } from './sql-statements.js';

/** node-pg-migrate's default bookkeeping table, in the `public` schema. */
export const MIGRATIONS_TABLE = 'pgmigrations';
const MIGRATIONS_TABLE_SQL = `"public"."${MIGRATIONS_TABLE}"`;

/** A migration file on disk; `name` is the file name without its extension, as node-pg-migrate records it. */
export interface MigrationFile {
  name: string;
  path: string;
}

/** A row of the pgmigrations table. */
export interface AppliedMigration {
  name: string;
  runOn: Date;
}

/** Anything that runs one SQL statement: a Connection or a pg.Client. */
export interface Queryable {
  query(sql: string): Promise<pg.QueryResult<any>>;
}

/** node-pg-migrate's order: numeric timestamp prefix (13-digit ms or 17-digit UTC), then name. */
function timestampOf(fileName: string): number {
  const prefix = fileName.split('_')[0];
  if (/^\d{13}$/.test(prefix)) return Number(prefix);
  if (/^\d{17}$/.test(prefix)) {
    const p = prefix;
    return Date.parse(`${p.slice(0, 4)}-${p.slice(4, 6)}-${p.slice(6, 8)}T${p.slice(8, 10)}:${p.slice(10, 12)}:${p.slice(12, 14)}.${p.slice(14)}Z`);
  }
  return Number(prefix) || 0;
}

/**
 * Lists the migration files of `dir` in the order node-pg-migrate runs them (every file not
 * starting with a dot). A missing directory has no migrations.
 */
export async function listMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(
      (a, b) =>
        timestampOf(a) - timestampOf(b) ||
        a.localeCompare(b, undefined, { usage: 'sort', numeric: true, sensitivity: 'variant', ignorePunctuation: true }),
    )
    .map((file) => ({ name: path.basename(file, path.extname(file)), path: path.join(dir, file) }));
}

/** Rows of pgmigrations in the order they were applied; a missing table means none. */
export async function readAppliedMigrations(db: Queryable): Promise<AppliedMigration[]> {
  const exists = await db.query(`SELECT to_regclass('${MIGRATIONS_TABLE_SQL}') IS NOT NULL AS exists`);
  if (!exists.rows[0].exists) return [];
  // NOTE: run_on is a timestamp without time zone written with NOW() in the session's zone;
  // reading it back AT TIME ZONE that zone gives the real instant whatever Node's TZ is.
  const { rows } = await db.query(
    `SELECT name, run_on AT TIME ZONE current_setting('TimeZone') AS run_on FROM ${MIGRATIONS_TABLE_SQL} ORDER BY run_on, id`,
  );
  return rows.map((r) => ({ name: r.name, runOn: r.run_on }));
}

/**
 * The migrations a run would execute, in execution order: the first `count` pending ones (up)
 * or the last `count` applied ones, newest first (down). Throws MIGRATION_FAILED when the
 * history does not match the files (as node-pg-migrate's checkOrder would, but before anything runs).
 */
export function planMigrations(
  database: string,
  files: MigrationFile[],
  applied: AppliedMigration[],
  direction: MigrationDirection,
  count: number,
): MigrationFile[] {
  const fail = (message: string, hint: string) =>
    new GatewayError('MIGRATION_FAILED', `[ops:${database}] ${message}`, { database, hint });
  if (direction === 'down') {
    return applied
      .slice(-count)
      .reverse()
      .map((a) => {
        const file = files.find((f) => f.name === a.name);
        if (!file) throw fail(`applied migration ${a.name} has no file to revert it`, 'restore the migration file before migrating down');
        return file;
      });
  }
  for (let i = 0; i < Math.min(applied.length, files.length); i++) {
    if (applied[i].name !== files[i].name) {
      throw fail(
        `migration ${files[i].name} is not applied but sorts before applied migration ${applied[i].name}`,
        'rename the new migration so that it sorts after every applied one',
      );
    }
  }
  const done = new Set(applied.map((a) => a.name));
  return files.filter((f) => !done.has(f.name)).slice(0, count);
}

const SECTION = (direction: MigrationDirection) => new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im');

/**
 * Maps a Postgres error position in a SQL migration to a line and column of the file.
 * node-pg-migrate sends the `-- Up Migration` (or Down) section alone, from its marker.
 */
export async function locateInMigration(
  file: MigrationFile,
  direction: MigrationDirection,
  position: number,
): Promise<{ line: number; column: number } | undefined> {
  if (path.extname(file.path) !== '.sql') return undefined;
  const content = await readFile(file.path, 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  const start = Math.max(content.search(SECTION(direction)), 0);
  const at = lineColumn(content.slice(start), position);
  const linesBefore = content.slice(0, start).split('\n').length - 1;
  return { line: linesBefore + at.line, column: at.column };
}
