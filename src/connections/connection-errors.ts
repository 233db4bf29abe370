import { redactSecrets, type DatabaseConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';

/** SQLSTATE classes and node errno codes that mean "could not reach or log into the server". */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]|53300|28)/;

/** True when the error means the database cannot be used right now (as opposed to a bad statement). */
export function isUnavailableError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e?.code && (UNAVAILABLE_ERRNO.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Tenant or user not found|self[- ]signed|SSL/i.test(
    e?.message ?? '',
  );
}

/** A hint for the connection failures people hit most with Postgres and Supabase. */
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

/** Builds the client-facing error for a database that could not be reached. */
export function unavailableError(config: DatabaseConfig, error: unknown): GatewayError {
  const raw = (error as Error)?.message || String(error);
  const message = redactSecrets(raw, [config.password]);
  return new GatewayError('DB_UNAVAILABLE', `[connections:${config.name}] ${message}`, {
    database: config.name,
    hint: connectionHint(message, config),
  });
}
