import pg from 'pg';
import type { DatabaseConfig } from '../config/index.js';

/** Queries a pooled connection serves before it is replaced. */
const PREPARED_CONNECTION_USES = 10_000;

/**
 * Type parsers of every client the gateway opens. int8 stays a string (exact), as do numeric and
 * int8[] (pg's defaults); json is parsed by pg. Set per client rather than on pg's global
 * registry, so embedding the library changes nothing for the application's own pg clients.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? (value: string) => value : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Credentials, TLS, connect timeout and type parsers of one database, as pg takes them (pools and dedicated clients). */
export function clientConfig(config: DatabaseConfig): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl === 'off' ? false : { rejectUnauthorized: config.ssl === 'verify' },
    connectionTimeoutMillis: config.pool.connectionTimeoutMillis,
    types: TYPES,
  };
}

/** The pg pool of one database. The caller owns it and must `end()` it. */
export function createPool(config: DatabaseConfig): pg.Pool {
  return new pg.Pool({
    ...clientConfig(config),
    max: config.pool.max,
    idleTimeoutMillis: config.pool.idleTimeoutMillis,
    statement_timeout: config.statementTimeoutMs,
    application_name: 'switchyard',
    // NOTE: each connection keeps the statements it prepared (see StatementNames); recycling it
    // after a while bounds that memory, on both sides, whatever query shapes clients send.
    maxUses: PREPARED_CONNECTION_USES,
  });
}
