import pg from 'pg';
import { redactSecrets, type DatabaseConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';

// SECURITY: errors are classified by errno and SQLSTATE, never by message text: Postgres echoes
// user input in its messages (`invalid input syntax for type uuid: "SSL"`), so a message test
// would let any client declare a database down.

/** Node errno codes of a socket that could not be opened or was cut. */
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'EADDRNOTAVAIL']);

/**
 * SQLSTATEs of a session the server ended or never started: 08 connection exception, 57P01–57P03
 * (terminated by an administrator, crash shutdown, cannot connect now), 53300 too many
 * connections, 28 authentication, 3D000 no such database.
 */
const SESSION_SQLSTATE = /^(08|57P0[123]$|53300$|28|3D000$)/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Messages of pg's own errors for a connection that ended. Server text never arrives this way (it
 * comes as a pg.DatabaseError), so matching these exact constants cannot be steered by input.
 */
const DRIVER_LOST = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

/** pg's own view of a client (pg-pool reads the same fields before reusing one). */
function isBroken(client: pg.ClientBase): boolean {
  const c = client as unknown as { _queryable?: boolean; _ending?: boolean; _ended?: boolean };
  return c._queryable === false || c._ending === true || c._ended === true;
}

/**
 * True when `error`, thrown by a statement on an open connection, means the connection itself is
 * gone: a network errno, a session SQLSTATE (57P01 terminated, 08…), one of pg's own
 * connection-ended errors, or `client` (when given) no longer usable. That client must not be
 * reused. A server error on a healthy session (syntax, constraint, bad input, statement
 * timeout) is not.
 */
export function isConnectionLost(error: unknown, client?: pg.ClientBase): boolean {
  if (client && isBroken(client)) return true;
  if (error instanceof GatewayError) return false;
  const code = codeOf(error);
  if (code) return NETWORK_ERRNO.has(code) || SESSION_SQLSTATE.test(code);
  return error instanceof Error && !(error instanceof pg.DatabaseError) && DRIVER_LOST.has(error.message);
}

/**
 * True when the error means the database could not be used (connect refused, session ended, …)
 * rather than that a statement was wrong. Decided from codes only; see {@link isConnectionLost}.
 */
export function isUnavailableError(error: unknown): boolean {
  return isConnectionLost(error);
}

/**
 * pg-pool's "timeout exceeded when trying to connect": a waiter for a full pool gave up. It is told
 * apart from a connect timeout (which carries the socket error as `cause`) by its shape; callers
 * count it only when they had to wait for a busy pool.
 */
export function isPoolWaitTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: unknown };
  return error instanceof Error && !(error instanceof pg.DatabaseError) && e.code === undefined && e.cause === undefined;
}

/** A hint for the connection failures people hit most with Postgres and Supabase (wording only; never decides status). */
export function connectionHint(message: string, config: Pick<DatabaseConfig, 'host' | 'port' | 'user'>): string | undefined {
  if (/Tenant or user not found/i.test(message)) {
    return 'the Supabase pooler did not recognise the user: it must be postgres.<project-ref>, and the pooler host must be the one of the project\'s region';
  }
  if (/password authentication failed/i.test(message)) return `check the password of user "${config.user}"`;
  if (/ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL/i.test(message) || config.host.includes(':')) {
    return 'the host is unreachable from here; Supabase direct hosts are IPv6-only, so use the pooler (supabase: { projectRef, region })';
  }
  if (/self[- ]signed|certificate/i.test(message)) return 'the server\'s certificate is not trusted: use ssl: on (no verification) or install its CA';
  if (/SSL|no pg_hba.conf entry .* no encryption/i.test(message)) return 'the server requires TLS: set ssl: on';
  if (/ECONNREFUSED/i.test(message)) return `nothing is listening on ${config.host}:${config.port}; is the server running?`;
  if (/ENOTFOUND|EAI_AGAIN/i.test(message)) return `the host name ${config.host} does not resolve`;
  if (/timeout/i.test(message)) return 'the server did not answer in time; check the network or raise pool.connectionTimeoutMillis';
  if (/too many (connections|clients)/i.test(message)) return 'the server is out of connections; lower pool.max or use a pooler';
  return undefined;
}

/** Builds the client-facing error for a database that could not be reached (connect or probe failure). */
export function unavailableError(config: DatabaseConfig, error: unknown): GatewayError {
  const raw = (error as Error)?.message || String(error);
  const message = redactSecrets(raw, [config.password]);
  return new GatewayError('DB_UNAVAILABLE', `[connections:${config.name}] ${message}`, {
    database: config.name,
    hint: connectionHint(message, config),
    details: error instanceof pg.DatabaseError && error.code ? { sqlState: error.code } : undefined,
  });
}

/**
 * A connection that broke during one statement (backend terminated, socket cut). Only that
 * statement fails: the client is discarded, the database is not marked DOWN, and the next
 * statement gets a fresh connection (or finds the database down when connecting).
 * `redact` removes the database's password from the driver's text.
 */
export function connectionLostError(database: string, error: unknown, redact: (text: string) => string = (t) => t): GatewayError {
  const raw = (error as Error)?.message || String(error);
  const code = codeOf(error);
  return new GatewayError('DB_UNAVAILABLE', `[connections:${database}] the connection was lost during the statement: ${redact(raw)}`, {
    database,
    hint: 'the statement did not complete, nor did its transaction if it had one; retry it',
    details: code ? { [error instanceof pg.DatabaseError ? 'sqlState' : 'errno']: code } : undefined,
  });
}

/** Every pooled connection stayed busy for `waitedMs`: the database is fine, the pool is full. */
export function poolExhaustedError(config: DatabaseConfig, waitedMs: number): GatewayError {
  return new GatewayError('POOL_EXHAUSTED', `[connections:${config.name}] all ${config.pool.max} connections of the pool are busy; waited ${waitedMs} ms for one`, {
    database: config.name,
    hint: 'retry shortly; if it keeps happening, raise pool.max or pool.connectionTimeoutMillis, or look for slow statements',
  });
}
