import type { Identity } from '../auth/index.js';
import type { CompiledQuery, PageLimits } from '../compile/index.js';
import type { AdminApi } from './admin-api.js';

export type { Identity, Role } from '../auth/index.js';

export type RunStatement = (query: CompiledQuery) => Promise<Record<string, any>[]>;

/**
 * What resolvers may do, supplied per request by the server. Resolvers never hold
 * pools or tokens themselves: reads and writes go through here so the server can apply
 * the request's RLS session and count statements.
 */
export interface GatewayContext {
  identity: Identity;
  limits: PageLimits;
  /** One read statement on `database` (inside an RLS transaction when the database has rls). */
  read(database: string, query: CompiledQuery): Promise<Record<string, any>[]>;
  /** `fn` in one transaction on `database`; rolls back when it throws. */
  write<T>(database: string, fn: (run: RunStatement) => Promise<T>): Promise<T>;
  /** Per-request cache (federation loaders), dropped with the request. */
  cache: Map<unknown, unknown>;
  /** Admin and status operations implemented by the server (ops, control, registry). */
  admin: AdminApi;
  /**
   * Verifies the request's credentials again (the API key is not revoked, the JWT has not
   * expired); throws UNAUTHENTICATED otherwise. Long-lived subscriptions call it.
   */
  recheckIdentity(): Promise<void>;
  /**
   * Opens a live query on `database` (`Subscription.<database>`): an iterator of refreshes, the
   * first at once, then one per interval; the server executes the selection at each and pushes
   * changed results only. Absent where the host serves no live queries.
   * @throws GatewayError LIMIT_EXCEEDED above the live limits.
   */
  liveQuery?(database: string): AsyncIterableIterator<unknown>;
}
