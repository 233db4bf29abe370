import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import type { MigrationDirection, MigrationStepEvent, StatementRef } from './migration-events.js';
import { MIGRATIONS_TABLE, type MigrationFile } from './migration-plan.js';
import { codePointLength, lineColumn, splitStatements, type SqlStatement } from './sql-statements.js';
import type { StatementMonitor } from './statement-monitor.js';

const SECTION = (direction: MigrationDirection) => new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im');
const TABLE_SQL = `"public"."${MIGRATIONS_TABLE}"`;

/** One section of a SQL migration file, split into statements located in the file. */
export interface SqlSection {
  content: string;
  statements: SqlStatement[];
}

/**
 * The `-- Up Migration` or `-- Down Migration` section of a SQL migration, as node-pg-migrate cuts
 * it (no marker at all: the whole file is the up section), split into statements whose `start`
 * is an offset in the whole file. Undefined when the file has no such section (irreversible). Pure.
 */
export function sqlSection(content: string, direction: MigrationDirection): SqlSection | undefined {
  const up = content.search(SECTION('up'));
  const down = content.search(SECTION('down'));
  const [from, other] = direction === 'up' ? [up, down] : [down, up];
  if (direction === 'down' && down < 0) return undefined;
  const start = Math.max(from, 0);
  const end = other > start ? other : content.length;
  const statements = splitStatements(content.slice(start, end)).map((s) => ({ ...s, start: s.start + start }));
  return { content, statements };
}

/** Line and column in the file of a Postgres error position inside `statement`. */
export function locateInFile(section: SqlSection, statement: SqlStatement, position: number): { line: number; column: number } {
  return lineColumn(section.content, codePointLength(section.content.slice(0, statement.start)) + position);
}

/** Thrown by {@link applySqlMigration} with the statement that failed (for line and column). */
export class SqlMigrationError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly section?: SqlSection,
    readonly statement?: SqlStatement,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/**
 * Runs one SQL migration in one transaction, statement by statement, with STATEMENT_STARTED /
 * STATEMENT_FINISHED around each and the monitor watching it, then records it in pgmigrations
 * the way node-pg-migrate does (same table, same columns), so both runners share one history.
 * On failure the transaction is rolled back and a {@link SqlMigrationError} thrown.
 */
export async function applySqlMigration(
  client: pg.Client,
  database: string,
  file: MigrationFile,
  direction: MigrationDirection,
  onEvent: (event: MigrationStepEvent) => void,
  monitor: StatementMonitor,
): Promise<void> {
  const section = sqlSection(await readFile(file.path, 'utf8'), direction);
  if (!section) throw new SqlMigrationError(new Error(`${file.name} has no "-- Down Migration" section, so it cannot be reverted`));
  await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE_SQL} (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL)`);
  await client.query('BEGIN');
  const total = section.statements.length;
  for (const [i, statement] of section.statements.entries()) {
    const ref: StatementRef = { database, name: file.name, statement: i + 1, statements: total, firstLine: firstLine(statement.text) };
    onEvent({ type: 'STATEMENT_STARTED', ...ref });
    const started = performance.now();
    const stop = monitor.watch(ref);
    try {
      await client.query(statement.text);
    } catch (error) {
      throw new SqlMigrationError(error, section, statement);
    } finally {
      stop();
    }
    onEvent({ type: 'STATEMENT_FINISHED', ...ref, durationMs: Math.round((performance.now() - started) * 100) / 100 });
  }
  if (direction === 'up') await client.query(`INSERT INTO ${TABLE_SQL} (name, run_on) VALUES ($1, NOW())`, [file.name]);
  else await client.query(`DELETE FROM ${TABLE_SQL} WHERE name = $1`, [file.name]);
  await client.query('COMMIT');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
