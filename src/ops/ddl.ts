import type pg from 'pg';
import { isUnavailableError, unavailableError, type Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import { assertSchemaChangesAllowed, openDedicatedClient, pgErrorInfo } from './dedicated-client.js';
import {
  codePointLength,
  lineColumn,
  nonTransactionalReason,
  splitStatements,
  transactionControlReason,
  type SqlStatement,
} from './sql-statements.js';

/** Options of {@link executeDDL}. */
export interface ExecuteDDLOptions {
  /** Execute everything, then roll back: validates the SQL against the real schema, changes nothing. */
  dryRun?: boolean;
  /**
   * true (default): the whole script runs in one transaction, all or nothing. false: each
   * statement runs on its own (needed for CONCURRENTLY, VACUUM…); statements before a failing
   * one stay applied. A dry run needs true.
   */
  transactional?: boolean;
  /** How long a statement waits for a lock before failing (ms, default 5000; 0 waits forever). */
  lockTimeoutMs?: number;
}

/** What {@link executeDDL} did. */
export interface DDLResult {
  database: string;
  dryRun: boolean;
  /** Statements in the script (comments and empty statements not counted). */
  statements: number;
  durationMs: number;
  /** Notices and warnings the server sent, as `SEVERITY: message`. */
  notices: string[];
}

/**
 * Runs a DDL script on one database over a dedicated client.
 *
 * Refuses read-only databases (READ_ONLY) and transaction-mode poolers (TRANSACTION_POOLER).
 * In the default transactional mode, statements that cannot run in a transaction block, or that
 * would end it (BEGIN/COMMIT), are refused with BAD_USER_INPUT before anything runs; the script
 * runs in one transaction with `lock_timeout` set locally. A failing statement rolls everything
 * back and throws DDL_FAILED naming the statement and its line in `sql`, and the column when
 * Postgres gives a position.
 *
 * SECURITY: runs arbitrary SQL as the connection's user; the caller must have authorized it.
 *
 * @example
 * await executeDDL(connection, 'ALTER TABLE users ADD COLUMN nickname text;');
 * await executeDDL(connection, 'CREATE INDEX CONCURRENTLY users_nick ON users (nickname);', { transactional: false });
 */
export async function executeDDL(connection: Connection, sql: string, options: ExecuteDDLOptions = {}): Promise<DDLResult> {
  const { dryRun = false, transactional = true, lockTimeoutMs = 5000 } = options;
  const database = connection.name;
  assertSchemaChangesAllowed(connection, 'DDL');
  const badInput = (message: string, hint: string, details?: Record<string, unknown>) =>
    new GatewayError('BAD_USER_INPUT', `[ops:${database}] ${message}`, { database, hint, details });
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw badInput(`lockTimeoutMs must be a non-negative integer, got ${lockTimeoutMs}`, 'give milliseconds, e.g. 5000');
  }
  const statements = splitStatements(sql);
  if (statements.length === 0) throw badInput('the DDL holds no statement', 'send at least one SQL statement');
  if (!transactional && dryRun) {
    throw badInput('a dry run needs transactional: true', 'statements outside a transaction cannot be rolled back');
  }
  if (transactional) assertTransactional(sql, statements, badInput);

  const started = performance.now();
  const notices: string[] = [];
  const client = await openDedicatedClient(connection, 'switchyard-ddl', connection.config.ddlStatementTimeoutMs);
  client.on('notice', (n) => notices.push(`${n.severity ?? 'NOTICE'}: ${connection.redact(n.message ?? '')}`));
  try {
    if (transactional) await runInTransaction(client, connection, sql, statements, lockTimeoutMs, dryRun);
    else await runOneByOne(client, connection, sql, statements, lockTimeoutMs);
  } finally {
    await client.end().catch(() => {});
  }
  return { database, dryRun, statements: statements.length, durationMs: Math.round((performance.now() - started) * 100) / 100, notices };
}

function assertTransactional(
  sql: string,
  statements: SqlStatement[],
  badInput: (message: string, hint: string, details?: Record<string, unknown>) => GatewayError,
): void {
  for (const [i, statement] of statements.entries()) {
    const { line } = lineColumn(sql, codePointLength(sql.slice(0, statement.start)) + 1);
    const control = transactionControlReason(statement);
    if (control) {
      throw badInput(`statement ${i + 1} (line ${line}) is ${control}, which would break the transaction the DDL runs in`, 'remove it: the gateway wraps the whole script in one transaction', {
        statement: i + 1,
        line,
      });
    }
    const reason = nonTransactionalReason(statement);
    if (reason) {
      throw badInput(`statement ${i + 1} (line ${line}): ${reason} cannot run inside a transaction`, 'send it on its own with transactional: false (it will not be rolled back on error)', {
        statement: i + 1,
        line,
      });
    }
  }
}

async function runInTransaction(client: pg.Client, connection: Connection, sql: string, statements: SqlStatement[], lockTimeoutMs: number, dryRun: boolean): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('lock_timeout', $1, true)", [`${lockTimeoutMs}ms`]);
    await runEach(client, connection, sql, statements, { rolledBack: true });
    await client.query(dryRun ? 'ROLLBACK' : 'COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error instanceof GatewayError ? error : ddlFailed(connection, sql, undefined, error, { rolledBack: true });
  }
}

async function runOneByOne(client: pg.Client, connection: Connection, sql: string, statements: SqlStatement[], lockTimeoutMs: number): Promise<void> {
  await client.query("SELECT set_config('lock_timeout', $1, false)", [`${lockTimeoutMs}ms`]).catch((error) => {
    throw ddlFailed(connection, sql, undefined, error, { rolledBack: false });
  });
  await runEach(client, connection, sql, statements, { rolledBack: false });
}

// NOTE: one query per statement (not the script in one query) so that an error names its
// statement even when Postgres gives no position, as for most ALTER TABLE errors.
async function runEach(client: pg.Client, connection: Connection, sql: string, statements: SqlStatement[], extra: { rolledBack: boolean }): Promise<void> {
  for (const [i, statement] of statements.entries()) {
    try {
      await client.query(statement.text);
    } catch (error) {
      throw ddlFailed(connection, sql, { index: i, statement }, error, extra.rolledBack ? extra : { ...extra, appliedStatements: i });
    }
  }
}

/** `failed` locates the failing statement in `sql`; Postgres positions are relative to it. */
function ddlFailed(
  connection: Connection,
  sql: string,
  failed: { index: number; statement: SqlStatement } | undefined,
  error: unknown,
  extra: Record<string, unknown>,
): GatewayError {
  if (isUnavailableError(error)) return unavailableError(connection.config, error);
  const info = pgErrorInfo(connection, error);
  const offset = failed ? codePointLength(sql.slice(0, failed.statement.start)) : 0;
  const position = info.position !== undefined ? info.position + offset : undefined;
  const at = position !== undefined ? lineColumn(sql, position) : undefined;
  const line = at?.line ?? (failed ? lineColumn(sql, offset + 1).line : undefined);
  const where = [line && ` at line ${line}`, at && `, column ${at.column}`, failed && ` (statement ${failed.index + 1})`].filter(Boolean).join('');
  return new GatewayError('DDL_FAILED', `[ops:${connection.name}] DDL failed${where}: ${info.message}`, {
    database: connection.name,
    hint: hintFor(info.sqlState, extra.rolledBack === true),
    details: { sqlState: info.sqlState, statement: failed && failed.index + 1, position, line, column: at?.column, ...extra },
    cause: error,
  });
}

function hintFor(sqlState: string | undefined, rolledBack: boolean): string {
  if (sqlState === '55P03') return 'another session holds a lock on the object; retry later or raise lockTimeoutMs';
  if (sqlState === '25001') return 'this statement cannot run inside a transaction: send it alone with transactional: false';
  return rolledBack ? 'nothing was changed: the whole script was rolled back' : 'statements before the failing one stay applied (transactional: false)';
}
