import type { Connection } from '../connections/index.js';

/**
 * The last good catalog of every database, kept in the control database. The gateway serves a
 * database that is down at start from it (queries then fail under that namespace only) instead
 * of leaving the namespace out, which would fail every request that names it.
 */
export class CatalogCache {
  constructor(private readonly connection: Connection) {}

  async save(database: string, catalog: unknown): Promise<void> {
    await this.connection.query(
      `INSERT INTO switchyard.catalogs (name, catalog) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET catalog = excluded.catalog, updated_at = now()`,
      [database, JSON.stringify(catalog)],
    );
  }

  /** The stored catalog (raw JSON, to be parsed by the catalog layer), or undefined. */
  async load(database: string): Promise<unknown> {
    const { rows } = await this.connection.query<{ catalog: unknown }>('SELECT catalog FROM switchyard.catalogs WHERE name = $1', [database]);
    return rows[0]?.catalog;
  }

  async forget(database: string): Promise<void> {
    await this.connection.query('DELETE FROM switchyard.catalogs WHERE name = $1', [database]);
  }
}
