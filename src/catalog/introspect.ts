import { INTROSPECTION_SQL } from './introspection-query.js';
import { parseCatalog } from './parse-catalog.js';
import type { Catalog } from './types.js';

/**
 * Runs a statement and returns its rows. Matches `pg`'s `Pool#query` and `Client#query`,
 * so callers pass either; the catalog layer itself never imports a driver.
 */
export type QueryFunction = (sql: string, params: unknown[]) => Promise<{ rows: any[] }>;

/**
 * Reads the catalog of the database behind `query` in one round trip, as seen by the
 * role it connects as: only `schemas` are exposed, and relations and columns the role
 * cannot SELECT are left out.
 *
 * @param schemas schema names to expose, e.g. `['public']`.
 * @throws Error prefixed `[catalog]` when the result cannot be parsed; query errors pass through.
 * @example
 * const catalog = await introspect((sql, params) => pool.query(sql, params), ['public']);
 */
export async function introspect(query: QueryFunction, schemas: string[]): Promise<Catalog> {
  const { rows } = await query(INTROSPECTION_SQL, [schemas]);
  if (rows.length !== 1) throw new Error(`[catalog] introspection returned ${rows.length} rows, expected 1`);
  return parseCatalog(rows[0].catalog);
}
