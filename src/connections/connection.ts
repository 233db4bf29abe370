import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { redactSecrets, type DatabaseConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { isUnavailableError, unavailableError } from './connection-errors.js';

export type DatabaseStatus = 'UP' | 'DOWN' | 'DEGRADED';

/** Distinct statement texts remembered for naming; past this the names are recomputed. */
const MAX_PREPARED = 2_000;
/** Queries a pooled connection serves before it is replaced. */
const PREPARED_CONNECTION_USES = 10_000;

/** Probe latency above which an answering database is reported DEGRADED. */
const DEGRADED_LATENCY_MS = 1_000;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** What runs inside {@link Connection.transaction}: one client, one transaction. */
export interface TransactionClient {
  query<R extends pg.QueryResultRow = any>(sql: string | pg.QueryConfig, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

/** Session settings applied with SET LOCAL at the start of a transaction (RLS pass-through). */
export interface SessionSettings {
  role?: string;
  /** Stored in request.jwt.claims (and request.jwt.claim.sub for older policies). */
  claims?: Record<string, unknown>;
}

/** Credentials, TLS and connect timeout of one database, as pg takes them (pools and dedicated clients). */
export function clientConfig(config: DatabaseConfig): pg.ClientConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    ssl: config.ssl === 'off' ? false : { rejectUnauthorized: config.ssl === 'verify' },
    connectionTimeoutMillis: config.pool.connectionTimeoutMillis,
  };
}

// NOTE: int8 and numeric stay strings (exact); json is parsed by pg itself.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/**
 * One registered database: a pg pool, its health and a fail-fast breaker.
 * Owns the pool's lifetime; `close()` ends it.
 */
export class Connection {
  readonly name: string;
  readonly config: DatabaseConfig;
  status: DatabaseStatus = 'DOWN';
  error: string | null = 'not probed yet';
  /** What to do about `error`, when known. */
  hint: string | null = null;
  latencyMs: number | null = null;
  serverVersion: string | null = null;
  lastProbeAt: Date | null = null;
  private readonly pool: pg.Pool;
  private readonly statementNames = new Map<string, string>();
  private readonly log?: Logger;

  constructor(config: DatabaseConfig, log?: Logger) {
    this.name = config.name;
    this.config = config;
    this.log = log?.child({ database: config.name });
    this.pool = new pg.Pool({
      ...clientConfig(config),
      max: config.pool.max,
      idleTimeoutMillis: config.pool.idleTimeoutMillis,
      statement_timeout: config.statementTimeoutMs,
      application_name: 'switchyard',
      // NOTE: each connection keeps the statements it prepared (see statement()); recycling it
      // after a while bounds that memory, on both sides, whatever query shapes clients send.
      maxUses: PREPARED_CONNECTION_USES,
    });
    // NOTE: an idle client's error (server restart, pg_terminate_backend) must never crash the process.
    // The probe, not one lost client, decides whether the database is down.
    this.pool.on('error', (error) => {
      this.log?.warn({ err: this.redact(error.message) }, 'idle connection lost');
    });
  }

  /** Redacts this database's password from any text. */
  redact(text: string): string {
    return redactSecrets(text, [this.config.password]);
  }

  poolStats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.config.pool.max };
  }

  /** Runs `SELECT 1`, records latency and status. Never throws. */
  async probe(): Promise<DatabaseStatus> {
    const started = performance.now();
    try {
      await this.pool.query('SELECT 1');
      this.latencyMs = Math.round((performance.now() - started) * 100) / 100;
      if (!this.serverVersion) this.serverVersion = (await this.pool.query('SHOW server_version')).rows[0].server_version;
      const previous = this.status;
      this.status = this.latencyMs > DEGRADED_LATENCY_MS || this.pool.waitingCount > 0 ? 'DEGRADED' : 'UP';
      this.error = null;
      this.hint = null;
      if (previous === 'DOWN') this.log?.info({ latencyMs: this.latencyMs }, 'database is up');
    } catch (error) {
      this.latencyMs = null;
      this.markDown(error);
    }
    this.lastProbeAt = new Date();
    return this.status;
  }

  private markDown(error: unknown): void {
    const unavailable = unavailableError(this.config, error);
    const hint = unavailable.extensions.hint;
    const message = hint ? `${unavailable.message} (hint: ${hint})` : unavailable.message;
    this.hint = (hint as string | undefined) ?? null;
    this.latencyMs = null;
    if (this.status !== 'DOWN' || this.error !== message) this.log?.warn({ err: message }, 'database is down');
    this.status = 'DOWN';
    this.error = message;
  }

  /**
   * Postgres refuses writes to views it cannot update (55000) without saying where the data
   * lives; this names the view's base tables.
   */
  private async explainViewWrite(error: unknown): Promise<Error | undefined> {
    const e = error as pg.DatabaseError;
    const match = e?.code === '55000' ? /cannot (?:insert into|update|delete from) view "([^"]+)"/.exec(e.message) : null;
    if (!match) return undefined;
    const { rows } = await this.pool
      .query<{ t: string }>(
        `SELECT DISTINCT table_schema || '.' || table_name AS t FROM information_schema.view_table_usage WHERE view_name = $1 ORDER BY 1`,
        [match[1]],
      )
      .catch(() => ({ rows: [] as { t: string }[] }));
    const bases = rows.map((r) => r.t).join(', ') || 'its base tables';
    return new GatewayError('NOT_UPDATABLE', `[${this.name}] "${match[1]}" is a view that Postgres cannot update; write to ${bases} instead`, {
      database: this.name,
      hint: e.hint ?? 'or give the view INSTEAD OF triggers',
      details: { sqlState: e.code, baseTables: rows.map((r) => r.t) },
    });
  }

  private translate(error: unknown): Error {
    if (error instanceof GatewayError) return error;
    if (isUnavailableError(error)) {
      this.markDown(error);
      return unavailableError(this.config, error);
    }
    const e = error as pg.DatabaseError;
    if (e instanceof Error) e.message = this.redact(e.message);
    return e;
  }

  /**
   * PERF: in session mode, statements run as named prepared statements, so each pooled
   * connection parses and plans a query shape once. Transaction-mode poolers cannot keep
   * prepared statements across transactions, so there the text is sent every time.
   */
  statement(sql: string, params?: readonly unknown[]): pg.QueryConfig {
    if (this.config.mode !== 'session' || !params?.length) return { text: sql, values: params as unknown[] };
    let name = this.statementNames.get(sql);
    if (!name) {
      if (this.statementNames.size >= MAX_PREPARED) this.statementNames.clear();
      name = `sy_${createHash('sha1').update(sql).digest('base64url')}`;
      this.statementNames.set(sql, name);
    }
    return { name, text: sql, values: params as unknown[] };
  }

  /**
   * The breaker: once a probe has found the database DOWN, statements fail at once instead of
   * each waiting out the connect timeout; the periodic probe closes it again.
   */
  private assertUsable(): void {
    if (this.status === 'DOWN' && this.lastProbeAt) {
      throw new GatewayError('DB_UNAVAILABLE', this.error ?? `[connections:${this.name}] down`, { database: this.name, hint: this.hint ?? undefined });
    }
  }

  /** One statement outside a transaction. Unreachable databases give DB_UNAVAILABLE. */
  async query<R extends pg.QueryResultRow = any>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
    this.assertUsable();
    try {
      return await this.pool.query<R>(this.statement(sql, params));
    } catch (error) {
      throw (await this.explainViewWrite(error)) ?? this.translate(error);
    }
  }

  /**
   * Runs `fn` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
   * With `session`, SET LOCAL ROLE and request.jwt.claims are applied first.
   */
  async transaction<T>(fn: (client: TransactionClient) => Promise<T>, session?: SessionSettings): Promise<T> {
    this.assertUsable();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.translate(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      if (session) await applySession(client, session);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw (await this.explainViewWrite(error)) ?? this.translate(error);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function applySession(client: pg.PoolClient, session: SessionSettings): Promise<void> {
  // SECURITY: the role comes from a verified token; it is quoted as an identifier, never concatenated raw.
  if (session.role) await client.query(`SET LOCAL ROLE ${client.escapeIdentifier(session.role)}`);
  await client.query("SELECT set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)", [
    JSON.stringify(session.claims ?? {}),
    String(session.claims?.sub ?? ''),
  ]);
}
