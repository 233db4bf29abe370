import type pg from 'pg';
import { GatewayError } from '../errors/index.js';

type Query = (sql: string, params: unknown[]) => Promise<{ rows: { t: string }[] }>;

/**
 * Postgres refuses writes to views it cannot update (55000) without saying where the data
 * lives; this names the view's base tables. Undefined for any other error.
 */
export async function explainViewWrite(error: unknown, database: string, query: Query): Promise<GatewayError | undefined> {
  const e = error as pg.DatabaseError;
  const match = e?.code === '55000' ? /cannot (?:insert into|update|delete from) view "([^"]+)"/.exec(e.message) : null;
  if (!match) return undefined;
  const { rows } = await query(
    `SELECT DISTINCT table_schema || '.' || table_name AS t FROM information_schema.view_table_usage WHERE view_name = $1 ORDER BY 1`,
    [match[1]],
  ).catch(() => ({ rows: [] as { t: string }[] }));
  const bases = rows.map((r) => r.t).join(', ') || 'its base tables';
  return new GatewayError('NOT_UPDATABLE', `[${database}] "${match[1]}" is a view that Postgres cannot update; write to ${bases} instead`, {
    database,
    hint: e.hint ?? 'or give the view INSTEAD OF triggers',
    details: { sqlState: e.code, baseTables: rows.map((r) => r.t) },
  });
}
