import { LRUCache } from 'lru-cache';
import type { Connection } from '../connections/index.js';
import type { TypeOracle } from './live-tick.js';

/** Statement shapes whose parameter types are remembered, per database. */
const MAX_SHAPES = 2000;
let serial = 0;

/**
 * Asks Postgres which types it infers for a statement's `$n` parameters: `PREPARE` (never
 * executed), read `pg_prepared_statements.parameter_types`, `DEALLOCATE`, all in one transaction
 * (so it works through transaction-mode poolers too). Runs once per statement shape and database;
 * the answer is cached. A shape that cannot be prepared rejects, and the cohort's readers get the error.
 */
export function createTypeOracle(): TypeOracle {
  const caches = new WeakMap<Connection, LRUCache<string, Promise<readonly string[]>>>();
  return (connection, sql) => {
    let cache = caches.get(connection);
    if (!cache) caches.set(connection, (cache = new LRUCache({ max: MAX_SHAPES })));
    let types = cache.get(sql);
    if (!types) {
      const name = `sy_live_types_${++serial}`;
      types = connection.transaction(async (client) => {
        // SECURITY: `sql` is a statement compile/ produced (values bound as $n), never client text.
        await client.query(`PREPARE ${name} AS ${sql}`);
        const { rows } = await client.query(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1`, [name]);
        await client.query(`DEALLOCATE ${name}`);
        return (rows[0]?.types ?? []) as string[];
      });
      cache.set(sql, types);
      types.catch(() => cache!.delete(sql));
    }
    return types;
  };
}
