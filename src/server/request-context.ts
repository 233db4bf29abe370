import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { CompiledQuery, PageLimits } from '../compile/index.js';
import { type Connection, type ConnectionRegistry, type SessionSettings } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import type { LiveScheduler, LiveShare, LiveTick } from '../live/index.js';
import { databaseError, type AdminApi, type GatewayContext, type Identity } from '../schema/index.js';

/** What yoga (HTTP) or graphql-ws (WebSocket) hands the context factory. */
export interface InitialContext {
  request?: Request;
  req?: { headers: Record<string, string | string[] | undefined> };
  connectionParams?: Record<string, unknown>;
  /** The WebSocket of a graphql-ws operation (live query limits are per socket). */
  socket?: object;
}

/** The bearer token of a request, from HTTP headers or graphql-ws connection params. */
export function bearerToken(initial: InitialContext): string | undefined {
  const header =
    initial.request?.headers.get('authorization') ??
    (initial.connectionParams?.authorization as string | undefined) ??
    (initial.connectionParams?.Authorization as string | undefined) ??
    (initial.req?.headers.authorization as string | undefined);
  const match = header && /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1] : undefined;
}

export interface ContextDeps {
  registry: ConnectionRegistry;
  limits: PageLimits;
  admin: AdminApi;
  /** Resolves the caller's gateway identity (API key, JWT or anonymous); throws UNAUTHENTICATED on a bad token. */
  authenticate(token: string | undefined): Promise<Identity>;
  /** RLS session for one database, or undefined when the database has no rls. */
  rlsSession(connection: Connection, token: string | undefined): Promise<SessionSettings | undefined>;
  /** Told of every statement sent (metrics). */
  onStatement?: (database: string) => void;
  /** Serves live queries (`Subscription.<database>`); without it they are refused. */
  live?: LiveScheduler;
}

type Rows = Record<string, any>[];

/** One read statement, inside an RLS transaction when `rls` is set. */
export async function runRead(connection: Connection, rls: SessionSettings | undefined, query: { sql: string; parameters: readonly unknown[] }): Promise<Rows> {
  return rls
    ? connection.transaction(async (client) => (await client.query(connection.statement(query.sql, query.parameters))).rows, rls)
    : (await connection.query(query.sql, query.parameters)).rows;
}

/**
 * How a request's context reads during one live refresh: through the refresh's cohorts. A symbol
 * property, because yoga hands resolvers a copy of the context that keeps own properties.
 */
const LIVE_CONTEXT = Symbol('switchyard.liveContext');
/** Equal for requests with the same credentials: they read the same rows under the same sessions. */
const CREDENTIALS_KEY = Symbol('switchyard.credentialsKey');
/** Set by the server's subscribe on the operation's context before the live query opens. */
const LIVE_SHARE = Symbol('switchyard.liveShare');
type WithLive = GatewayContext & { [LIVE_CONTEXT]?: (tick: LiveTick) => GatewayContext; [CREDENTIALS_KEY]?: string; [LIVE_SHARE]?: LiveShare };

/** Tells the live query that `ctx`'s operation opens how it shares executions with equal ones. */
export function setLiveShare(ctx: GatewayContext, share: LiveShare): void {
  (ctx as WithLive)[LIVE_SHARE] = share;
}

/** A key equal for contexts built from the same credentials (a digest of the bearer token, or none). */
export function credentialsKey(ctx: GatewayContext): string {
  return (ctx as WithLive)[CREDENTIALS_KEY] ?? '';
}

/**
 * The context a live query's selection executes with at one refresh: reads go to `tick`
 * (multiplexed with every other live query of that refresh, under this caller's RLS session)
 * and the per-request cache (federation loaders) is fresh; everything else is the subscriber's.
 */
export function liveContext(ctx: GatewayContext, tick: LiveTick): GatewayContext {
  const make = (ctx as WithLive)[LIVE_CONTEXT];
  if (!make) throw new GatewayError('BAD_USER_INPUT', '[live] this context serves no live queries');
  return make(tick);
}

/**
 * A statement the fast path sent and saw fail, handed with the request to the full pipeline:
 * the resolver's own read of the same statement (same SQL, and same parameters when given)
 * gets this error instead of running it again, so a timeout is not waited out twice and a
 * killed backend is reported, not retried. Attached to the node request under FAILED_STATEMENTS.
 */
export interface FailedStatement {
  database: string;
  sql: string;
  parameters?: readonly unknown[];
  error: unknown;
}

export const FAILED_STATEMENTS = Symbol('switchyard.failedStatements');

const sameParameters = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && JSON.stringify(a) === JSON.stringify(b);

/** The context the server builds: what resolvers see, plus what the fast path needs. */
export interface ServerContext extends GatewayContext {
  /**
   * One read statement whose column `data` is JSON text (the fast path): each row's text. Same
   * connection, RLS session and error translation as `read`, but not counted: the caller counts
   * once it knows the statement's answer is used.
   */
  readTexts(database: string, query: CompiledQuery): Promise<(string | null)[]>;
  /** Counts one statement sent to `database` (metrics). */
  countStatement(database: string): void;
}

/** Builds the per-request GatewayContext: identity, statement runners with RLS, fresh caches. */
export function createContextFactory(deps: ContextDeps) {
  return async (initial: InitialContext): Promise<ServerContext> => {
    const token = bearerToken(initial);
    const identity = await deps.authenticate(token);
    const sessions = new Map<string, Promise<SessionSettings | undefined>>();
    const failed = (initial.req as { [FAILED_STATEMENTS]?: FailedStatement[] } | undefined)?.[FAILED_STATEMENTS];
    const session = (connection: Connection) => {
      let s = sessions.get(connection.name);
      if (!s) sessions.set(connection.name, (s = deps.rlsSession(connection, token)));
      return s;
    };
    const run = async (database: string, query: CompiledQuery) => {
      const connection = deps.registry.require(database);
      const rls = await session(connection);
      try {
        return await runRead(connection, rls, query);
      } catch (error) {
        throw databaseError(error, database);
      }
    };
    const ctx: ServerContext & WithLive = {
      identity,
      countStatement: (database) => deps.onStatement?.(database),
      async readTexts(database, query) {
        return (await run(database, query)).map((row) => row.data as string | null);
      },
      limits: deps.limits,
      admin: deps.admin,
      cache: new Map(),
      // SECURITY: authenticating the same token again fails once its key is revoked or its JWT has expired.
      async recheckIdentity() {
        if (identity.expiresAt !== undefined && Date.now() >= identity.expiresAt) {
          throw new GatewayError('UNAUTHENTICATED', 'the token of this subscription has expired', { hint: 'subscribe again with a fresh token' });
        }
        await deps.authenticate(token);
      },
      async read(database, query) {
        // NOTE: registry.require throws before counting, as before, when the database is unknown.
        deps.registry.require(database);
        deps.onStatement?.(database);
        const replay = failed?.findIndex((f) => f.database === database && f.sql === query.sql && (!f.parameters || sameParameters(f.parameters, query.parameters)));
        if (replay !== undefined && replay >= 0) throw failed!.splice(replay, 1)[0].error;
        const rows = await run(database, query);
        // PERF: a new macrotask between parsing a result and building the response from it, so
        // waiting I/O (/health, small requests) is served between the two instead of after both.
        await setImmediate();
        return rows;
      },
      async write(database, fn) {
        const connection = deps.registry.require(database);
        const rls = await session(connection);
        return connection.transaction((client) =>
          fn(async (query) => {
            deps.onStatement?.(database);
            return (await client.query(connection.statement(query.sql, query.parameters))).rows;
          }), rls);
      },
    };
    const live = deps.live;
    if (live) {
      // NOTE: limits count per WebSocket; an operation without one (HTTP) counts alone.
      const owner = initial.socket ?? ctx;
      ctx[CREDENTIALS_KEY] = token ? createHash('sha256').update(token).digest('base64') : '';
      // NOTE: called as ctx.liveQuery(…) on the operation's context, which carries its share.
      ctx.liveQuery = function (this: WithLive, database: string) {
        return live.subscribe(database, owner, this?.[LIVE_SHARE]);
      };
      ctx[LIVE_CONTEXT] = (tick) => ({
        ...ctx,
        cache: new Map(),
        async read(database, query) {
          const connection = deps.registry.require(database);
          const rls = await session(connection);
          try {
            // SECURITY: members are grouped by RLS session (role and claims): one statement runs under one session.
            return await tick.read(connection, rls, rls ? JSON.stringify(rls) : '', query);
          } catch (error) {
            throw databaseError(error, database);
          }
        },
      });
    }
    return ctx;
  };
}
