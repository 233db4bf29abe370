import type { CompiledQuery, PageLimits } from '../compile/index.js';

export type Role = 'admin' | 'writer' | 'reader';

/** Who is asking: set by the server's auth step, read by resolvers for authorisation. */
export interface Identity {
  /** "anonymous", an API key's label, or a JWT subject. */
  name: string;
  /** null for anonymous requests without any grant. */
  role: Role | null;
  /** When set, only these databases may be touched. */
  databases?: string[];
}

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
}

export interface DatabaseInfo {
  name: string;
  purpose: string;
  status: 'UP' | 'DOWN' | 'DEGRADED';
  serverVersion: string | null;
  mode: 'session' | 'transaction';
  readOnly: boolean;
  latencyMs: number | null;
  error: string | null;
  pool: { total: number; idle: number; waiting: number; max: number };
  tables: number;
}

/** Server-side operations behind admin fields. Each one checks nothing itself: resolvers authorise first. */
export interface AdminApi {
  databases(): DatabaseInfo[];
  [operation: string]: (...args: any[]) => any;
}
