import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';
import { redactSecrets, type DatabaseConfig } from '../config/index.js';
import { GatewayError } from '../errors/index.js';
import { Breaker } from './breaker.js';
import { connectionLostError, isConnectionLost, isPoolWaitTimeout, poolExhaustedError, unavailableError } from './connection-errors.js';
import { createPool } from './pool.js';
import { probeDatabase } from './probe.js';
import { StatementNames } from './statement-names.js';
import { explainViewWrite } from './view-write.js';

export type DatabaseStatus = 'UP' | 'DOWN' | 'DEGRADED';

/** Emitted (`status`) by a {@link Connection} whenever its status changes, whoever noticed. */
export interface StatusChangeEvent {
  database: string;
  from: DatabaseStatus;
  to: DatabaseStatus;
}

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

/**
 * Runs one statement through pg's callback form, wrapped in a promise of our own.
 * PERF: measured under the bench's load, with pg's own promise form (a query built without a
 * callback, given one later) 22 % of the gateway's allocation, mostly result text, survived
 * young-generation collections and was promoted; this way 2 %, as with pg's pool.query. The
 * promoted text grew the old generation, and RSS with it (see bench/README.md § Memory).
 */
export function runQuery<R extends pg.QueryResultRow = any>(client: pg.ClientBase, sql: string | pg.QueryConfig, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
  const config: pg.QueryConfig = typeof sql === 'string' ? { text: sql, values: params as unknown[] | undefined } : sql;
  return new Promise((resolve, reject) => client.query<R>(config, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Session settings applied with SET LOCAL at the start of a transaction (RLS pass-through). */
export interface SessionSettings {
  role?: string;
  /** Stored in request.jwt.claims (and request.jwt.claim.sub for older policies). */
  claims?: Record<string, unknown>;
}

/** A pooled client checked out by {@link Connection}; `done(lost)` returns it (or discards it when lost). */
interface Checkout {
  client: pg.PoolClient;
  done(lost: boolean): void;
}

const ignore = () => {};

/**
 * One registered database: a pg pool, its status and a fail-fast breaker ({@link Breaker}).
 *
 * Status rule: only a failure to connect (by a request or the probe) or a failed probe makes it
 * DOWN; a statement error, a connection lost during a statement and a full pool never do. While
 * DOWN, statements fail at once except one half-open trial per interval; a trial or probe that
 * connects makes it UP again. Owns the pool's lifetime; `close()` ends it. Emits `status`.
 */
export class Connection extends EventEmitter<{ status: [StatusChangeEvent] }> {
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
  private readonly names = new StatementNames();
  private readonly breaker = new Breaker();
  private readonly log?: Logger;
  private closed = false;

  constructor(config: DatabaseConfig, log?: Logger) {
    super();
    this.name = config.name;
    this.config = config;
    this.log = log?.child({ database: config.name });
    this.pool = createPool(config);
    // NOTE: an idle client's error (server restart, pg_terminate_backend) must never crash the
    // process, and one lost client says nothing about the database: the pool drops it, and the
    // next connect or probe decides.
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

  /**
   * Runs `SELECT 1` (through the pool, or on a client of its own when every pooled connection is
   * busy, so a full pool never fails a probe), records latency and status. Never throws.
   */
  async probe(): Promise<DatabaseStatus> {
    if (this.closed) return this.status;
    const poolFull = this.pool.idleCount === 0 && this.pool.totalCount >= this.config.pool.max;
    try {
      const result = await probeDatabase(poolFull ? undefined : this.pool, this.config);
      this.latencyMs = result.latencyMs;
      this.serverVersion = result.serverVersion;
      this.breaker.succeeded();
      this.setStatus(this.latencyMs > DEGRADED_LATENCY_MS || this.pool.waitingCount > 0 ? 'DEGRADED' : 'UP');
    } catch (error) {
      this.markDown(error);
    }
    this.lastProbeAt = new Date();
    return this.status;
  }

  private setStatus(to: DatabaseStatus): void {
    const from = this.status;
    if (to !== 'DOWN') {
      this.error = null;
      this.hint = null;
    }
    if (from === to) return;
    this.status = to;
    if (from === 'DOWN') this.log?.info({ latencyMs: this.latencyMs }, 'database is up');
    this.emit('status', { database: this.name, from, to });
  }

  private markDown(error: unknown): void {
    this.breaker.failed();
    const unavailable = unavailableError(this.config, error);
    const hint = unavailable.extensions.hint as string | undefined;
    const message = hint ? `${unavailable.message} (hint: ${hint})` : unavailable.message;
    if (this.status !== 'DOWN' || this.error !== message) this.log?.warn({ err: message }, 'database is down');
    this.hint = hint ?? null;
    this.latencyMs = null;
    this.error = message;
    this.setStatus('DOWN');
  }

  /** A request connected while the database was DOWN: it is back; a probe fills in latency and version. */
  private markReachable(): void {
    this.breaker.succeeded();
    if (this.status !== 'DOWN') return;
    this.setStatus('UP');
    void this.probe();
  }

  /**
   * PERF: in session mode, statements seen more than once run as named prepared statements,
   * so each pooled connection parses and plans a repeated query shape once. Transaction-mode poolers cannot keep
   * prepared statements across transactions, so there the text is sent every time.
   */
  statement(sql: string, params?: readonly unknown[]): pg.QueryConfig {
    const name = this.config.mode === 'session' && params?.length ? this.names.nameOf(sql) : undefined;
    return name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] };
  }

  /**
   * Checks a client out of the pool. Refused at once while the breaker is open (but for the
   * half-open trial). A failure to connect marks the database DOWN; a wait for a busy pool that
   * times out is POOL_EXHAUSTED and changes nothing.
   */
  private async checkout(): Promise<Checkout> {
    const admission = this.closed ? 'pass' : this.breaker.admit();
    if (admission === 'refuse') {
      throw new GatewayError('DB_UNAVAILABLE', this.error ?? `[connections:${this.name}] down`, { database: this.name, hint: this.hint ?? undefined });
    }
    const waits = this.pool.idleCount === 0 && this.pool.totalCount >= this.config.pool.max;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      if (waits && isPoolWaitTimeout(error)) {
        if (admission === 'trial') this.breaker.settled();
        throw poolExhaustedError(this.config, this.config.pool.connectionTimeoutMillis);
      }
      if (!this.closed) this.markDown(error);
      throw unavailableError(this.config, error);
    }
    this.markReachable();
    // NOTE: pg emits 'error' on a checked-out client whose connection ends (pg_terminate_backend);
    // the pending query already fails with it, and an unheard 'error' would crash the process.
    client.on('error', ignore);
    return {
      client,
      done: (lost) => {
        client.removeListener('error', ignore);
        client.release(lost);
      },
    };
  }

  /** A failed statement as the client sees it; the client it ran on has been returned already. */
  private async statementError(error: unknown, lost: boolean): Promise<Error> {
    if (error instanceof GatewayError) return error;
    if (lost) return connectionLostError(this.name, error, (text) => this.redact(text));
    const view = await explainViewWrite(error, this.name, (sql, params) => this.pool.query(sql, params));
    if (view) return view;
    if (error instanceof Error) error.message = this.redact(error.message);
    return error as Error;
  }

  /** One statement outside a transaction. See the class comment for which errors change the status. */
  async query<R extends pg.QueryResultRow = any>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>> {
    const { client, done } = await this.checkout();
    let result: pg.QueryResult<R>;
    try {
      result = await runQuery<R>(client, this.statement(sql, params));
    } catch (error) {
      const lost = isConnectionLost(error, client);
      done(lost);
      throw await this.statementError(error, lost);
    }
    done(false);
    return result;
  }

  /**
   * Runs `fn` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
   * With `session`, SET LOCAL ROLE and request.jwt.claims are applied first.
   */
  async transaction<T>(fn: (client: TransactionClient) => Promise<T>, session?: SessionSettings): Promise<T> {
    const { client, done } = await this.checkout();
    let lost = false;
    // NOTE: statements of `fn` fail with the lost-connection error itself, so that callers which
    // wrap errors (one per mutation field) pass it on instead of calling it a statement error.
    const tx: TransactionClient = {
      query: (sql, params) =>
        runQuery(client, sql, params).catch((error: unknown) => {
          if (!isConnectionLost(error, client)) throw error;
          lost = true;
          throw connectionLostError(this.name, error, (text) => this.redact(text));
        }),
    };
    let result: T;
    try {
      await client.query('BEGIN');
      if (session) await applySession(client, session);
      result = await fn(tx);
      await client.query('COMMIT');
    } catch (error) {
      lost ||= isConnectionLost(error, client);
      const rolledBack = !lost && (await client.query('ROLLBACK').then(() => true, () => false));
      done(!rolledBack);
      throw await this.statementError(error, lost);
    }
    done(false);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
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
