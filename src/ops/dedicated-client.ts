import pg from 'pg';
import { clientConfig, unavailableError, type Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';

/** The session pooler port of Supabase (and the usual Postgres port). */
const SESSION_PORT = 5432;

/**
 * Throws READ_ONLY for a read-only database and TRANSACTION_POOLER for a connection through a
 * transaction-mode pooler. `what` names the operation in the message ("DDL", "migrations").
 */
export function assertSchemaChangesAllowed(connection: Connection, what: string): void {
  const { name, readOnly, mode } = connection.config;
  if (readOnly) {
    throw new GatewayError('READ_ONLY', `[ops:${name}] ${what} refused: the database is registered read-only`, {
      database: name,
      hint: 'register the database without readOnly to change its schema',
    });
  }
  if (mode === 'transaction') {
    // NOTE: a transaction pooler hands each transaction to any server connection, so session
    // state (advisory locks, SET, multi-statement transactions across round trips) is lost.
    throw new GatewayError('TRANSACTION_POOLER', `[ops:${name}] ${what} refused: the connection goes through a transaction-mode pooler`, {
      database: name,
      hint: `register the session pooler (port ${SESSION_PORT}, mode: session) for schema changes`,
    });
  }
}

/**
 * Opens one pg.Client outside the connection's pool, with the same credentials and TLS and
 * `statementTimeoutMs` as its statement_timeout (0: none). The caller owns it and must `end()` it.
 * Connect failures become DB_UNAVAILABLE.
 */
export async function openDedicatedClient(connection: Connection, applicationName: string, statementTimeoutMs: number): Promise<pg.Client> {
  const config = connection.config;
  // NOTE: not the pool's statement_timeout: a migration or a table rewrite may rightly outlast a
  // query, so DDL and migrations have their own (ddlStatementTimeoutMs, migrationStatementTimeoutMs).
  const client = new pg.Client({ ...clientConfig(config), application_name: applicationName, statement_timeout: statementTimeoutMs });
  // NOTE: a dropped connection must fail the pending query, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw unavailableError(config, error);
  }
  return client;
}

/** Postgres error fields we pass on (never the query text or parameters). */
export interface PgErrorInfo {
  message: string;
  sqlState?: string;
  /** 1-based character offset into the statement text, when Postgres gives one. */
  position?: number;
}

/** Reads message, SQLSTATE and position from a pg error (or any thrown value). */
export function pgErrorInfo(connection: Connection, error: unknown): PgErrorInfo {
  const e = error as Partial<pg.DatabaseError> | undefined;
  const message = connection.redact(e instanceof Error ? e.message : String(error));
  const position = e?.position ? Number(e.position) : undefined;
  return { message, sqlState: typeof e?.code === 'string' ? e.code : undefined, position: Number.isFinite(position) ? position : undefined };
}
