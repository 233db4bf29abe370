import type { CompiledQuery, FieldPlan, SelectPlan } from '../../src/compile/index.js';
import { GatewayError } from '../../src/errors/index.js';
import { buildDatabaseModel, type ColumnModel, type DatabaseModel, type RelationModel, type TableModel } from '../../src/naming/index.js';
import { catalog, column, fk, table } from '../naming/hand-catalog.js';

/**
 * A small hand-made model for the compiler tests:
 *
 *   authors (id int4 PK, name text, followers int8, profile jsonb, mood public.mood)
 *   posts   (author_id → authors.id, slug text, title text, published_at timestamptz, score numeric, meta jsonb,
 *            PK (author_id, slug))
 */
export function blogModel(): DatabaseModel {
  return buildDatabaseModel('blog', catalog([
    table('authors', [
      column('id', 'int4', { nullable: false, hasDefault: true }),
      column('name', 'text', { nullable: false }),
      column('followers', 'int8'),
      column('profile', 'jsonb'),
      column('mood', 'mood', { enumSchema: 'public' }),
    ], { primaryKey: ['id'], uniqueConstraints: [{ name: 'authors_pkey', columns: ['id'], primary: true }, { name: 'authors_name_key', columns: ['name'], primary: false }] }),
    table('posts', [
      column('author_id', 'int4', { nullable: false }),
      column('slug', 'text', { nullable: false }),
      column('title', 'text'),
      column('published_at', 'timestamptz'),
      column('score', 'numeric'),
      column('meta', 'jsonb'),
    ], { primaryKey: ['author_id', 'slug'], foreignKeys: [fk('posts_author_id_fkey', ['author_id'], 'authors', ['id'])] }),
  ], [{ schema: 'public', name: 'mood', values: ['sad', 'happy'] }]));
}

export function tableOf(model: DatabaseModel, name: string): TableModel {
  const found = model.tables.find((t) => t.table.name === name);
  if (!found) throw new Error(`no table ${name} in the model`);
  return found;
}

export function columnOf(t: TableModel, field: string): ColumnModel {
  const found = t.fields.get(field);
  if (found?.kind !== 'column') throw new Error(`no column ${field} on ${t.typeName}`);
  return found;
}

export function relationOf(t: TableModel, field: string): RelationModel {
  const found = t.fields.get(field);
  if (found?.kind !== 'relation') throw new Error(`no relation ${field} on ${t.typeName}`);
  return found;
}

/** `{ sql, parameters }` only: Kysely's compiled query also carries its node tree. */
export const out = (q: CompiledQuery) => ({ sql: q.sql, parameters: q.parameters });

export const field = (table: TableModel, name: string, alias = name): FieldPlan => ({ kind: 'column', alias, column: columnOf(table, name) });

/** The returning selection of a mutation: `{ <fields> }`. */
export const returning = (table: TableModel, ...names: string[]): SelectPlan => ({ table, fields: names.map((n) => field(table, n)), orderBy: [] });

/** The GatewayError `fn` throws. */
export function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}
