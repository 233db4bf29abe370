import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTable, introspect, type Catalog, type QueryFunction, type Table } from '../../src/catalog/index.js';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../helpers/databases.js';

function table(catalog: Catalog, schema: string, name: string): Table {
  const found = findTable(catalog, schema, name);
  if (!found) throw new Error(`no table ${schema}.${name} in the catalog`);
  return found;
}

/** A query function over `client` that also counts the statements it sends. */
function counting(client: pg.Client): { query: QueryFunction; calls: () => number } {
  let calls = 0;
  return {
    query: (sql, params) => {
      calls += 1;
      return client.query(sql, params);
    },
    calls: () => calls,
  };
}

describe('introspect against a live database', () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let limited: pg.Client;
  // NOTE: roles are cluster-wide and test files run in parallel, so the "limited" role gets a unique name.
  let limitedRole: string;

  beforeAll(async () => {
    db = await createTestDatabase('catalog');
    limitedRole = `${db.name}_limited`;
    await db.sql(await readFile(new URL('./fixtures/demo-schema.sql', import.meta.url), 'utf8'));
    await db.sql(`
      CREATE MATERIALIZED VIEW post_titles AS SELECT title FROM posts;
      CREATE ROLE "${limitedRole}" LOGIN PASSWORD 'limited-pw';
      GRANT SELECT ON authors, active_authors TO "${limitedRole}";
      GRANT SELECT, INSERT ON posts TO "${limitedRole}";
      GRANT SELECT (id, score) ON reviews TO "${limitedRole}";
    `);
    owner = new pg.Client({ connectionString: db.url });
    limited = new pg.Client({
      connectionString: databaseUrl({ ...db.cluster, user: limitedRole, password: 'limited-pw' }, db.name),
    });
    await Promise.all([owner.connect(), limited.connect()]);
  });

  afterAll(async () => {
    await Promise.all([owner?.end(), limited?.end()]);
    if (limitedRole) await db?.sql(`DROP OWNED BY "${limitedRole}"; DROP ROLE IF EXISTS "${limitedRole}"`);
    await db?.drop();
  });

  it('reads the exposed schemas in one statement, leaving out other schemas, partitions and extension-owned views', async () => {
    const { query, calls } = counting(owner);
    const catalog = await introspect(query, ['public']);
    expect(calls()).toBe(1);
    expect(catalog.tables.map((t) => `${t.schema}.${t.name}:${t.kind}`)).toEqual([
      'public.active_authors:view',
      'public.audit_log:table',
      'public.author_post_counts:view',
      'public.authors:table',
      'public.events:partitioned_table',
      'public.post_titles:materialized_view',
      'public.posts:table',
      'public.reviews:table',
    ]);
    const [{ server_version }] = await db.sql('SHOW server_version');
    expect(catalog.serverVersion).toBe(server_version);
  });

  it('describes every column of a table with its resolved type, nullability, default and generation', async () => {
    const authors = table(await introspect((s, p) => owner.query(s, p), ['public']), 'public', 'authors');
    const summary = authors.columns.map((c) =>
      [c.position, c.name, `${c.typeSchema}.${c.type}${c.isArray ? '[]' : ''}`, c.typeCategory,
        c.nullable ? 'null' : 'not null', c.hasDefault ? 'default' : '-', c.generated ? 'generated' : '-'].join(' '),
    );
    expect(summary).toEqual([
      '1 handle pg_catalog.varchar base not null - -',
      '2 age pg_catalog.int4 base null - -',
      '3 followers pg_catalog.int8 base not null default -',
      '4 balance pg_catalog.numeric base null - -',
      '5 active pg_catalog.bool base not null default -',
      '6 bio pg_catalog.text base null - -',
      '7 created_at pg_catalog.timestamptz base not null default -',
      '8 profile pg_catalog.jsonb base null - -',
      '9 tags pg_catalog.text[] base null - -',
      '10 mood public.mood enum null - -',
      '11 past_moods public.mood[] enum null - -',
      '12 email pg_catalog.text base null - -',
      '13 favourite_colour hidden.colour enum null - -',
      '14 handle_length pg_catalog.int4 base null default generated',
      '15 serial_no pg_catalog.int4 base not null default generated',
      '16 secret_id pg_catalog.int4 base null - -',
    ]);
    expect(authors.comment).toBe('People who write posts');
    expect(authors.columns.find((c) => c.name === 'bio')?.comment).toBe('Free text, shown on the profile');
  });

  it('reads primary keys, unique constraints and foreign keys in column order', async () => {
    const catalog = await introspect((s, p) => owner.query(s, p), ['public']);
    expect(table(catalog, 'public', 'authors').primaryKey).toEqual(['handle']);
    expect(table(catalog, 'public', 'authors').uniqueConstraints).toEqual([
      { name: 'authors_email_key', oid: expect.any(Number), columns: ['email'], primary: false },
      { name: 'authors_pkey', oid: expect.any(Number), columns: ['handle'], primary: true },
    ]);
    expect(table(catalog, 'public', 'posts').primaryKey).toEqual(['author_handle', 'slug']);
    expect(table(catalog, 'public', 'posts').foreignKeys).toEqual([
      { name: 'posts_author_handle_fkey', oid: expect.any(Number), columns: ['author_handle'], targetSchema: 'public', targetTable: 'authors', targetColumns: ['handle'] },
    ]);
    expect(table(catalog, 'public', 'reviews').foreignKeys).toEqual([
      {
        name: 'reviews_post_slug_post_author_fkey',
        oid: expect.any(Number),
        columns: ['post_slug', 'post_author'],
        targetSchema: 'public',
        targetTable: 'posts',
        targetColumns: ['slug', 'author_handle'],
      },
    ]);
  });

  it('reads oids as numbers, so a table created later has a higher one (naming keeps older names by them)', async () => {
    const catalog = await introspect((s, p) => owner.query(s, p), ['public']);
    const authors = table(catalog, 'public', 'authors').oid!;
    const posts = table(catalog, 'public', 'posts').oid!;
    expect(typeof authors).toBe('number');
    expect(posts).toBeGreaterThan(authors);
  });

  it('keeps a foreign key into another schema only when that schema is exposed too', async () => {
    const publicOnly = await introspect((s, p) => owner.query(s, p), ['public']);
    expect(table(publicOnly, 'public', 'authors').foreignKeys).toEqual([]);
    expect(findTable(publicOnly, 'hidden', 'secrets')).toBeUndefined();
    const both = await introspect((s, p) => owner.query(s, p), ['public', 'hidden']);
    expect(table(both, 'hidden', 'secrets').primaryKey).toEqual(['id']);
    expect(table(both, 'public', 'authors').foreignKeys.map((fk) => `${fk.targetSchema}.${fk.targetTable}`)).toEqual(['hidden.secrets']);
  });

  it('reports which views Postgres can write through and gives views no primary key', async () => {
    const catalog = await introspect((s, p) => owner.query(s, p), ['public']);
    const writable = (t: Table) => ({ insertable: t.insertable, updatable: t.updatable, deletable: t.deletable });
    expect(writable(table(catalog, 'public', 'active_authors'))).toEqual({ insertable: true, updatable: true, deletable: true });
    expect(writable(table(catalog, 'public', 'author_post_counts'))).toEqual({ insertable: false, updatable: false, deletable: false });
    expect(writable(table(catalog, 'public', 'post_titles'))).toEqual({ insertable: false, updatable: false, deletable: false });
    expect(table(catalog, 'public', 'active_authors').primaryKey).toEqual([]);
  });

  it('lists enums of exposed schemas and of exposed columns, labels in sort order', async () => {
    const catalog = await introspect((s, p) => owner.query(s, p), ['public']);
    expect(catalog.enums).toEqual([
      { schema: 'hidden', name: 'colour', oid: expect.any(Number), values: ['red', 'green'] },
      { schema: 'public', name: 'mood', oid: expect.any(Number), values: ['sad', 'meh', 'ok', 'happy'] },
    ]);
  });

  it('shows a role only the relations and columns it may select, with its own privileges', async () => {
    const catalog = await introspect((s, p) => limited.query(s, p), ['public']);
    expect(catalog.tables.map((t) => t.name)).toEqual(['active_authors', 'authors', 'posts', 'reviews']);
    expect(findTable(catalog, 'public', 'audit_log')).toBeUndefined();
    expect(table(catalog, 'public', 'authors').privileges).toEqual({ select: true, insert: false, update: false, delete: false });
    expect(table(catalog, 'public', 'posts').privileges).toEqual({ select: true, insert: true, update: false, delete: false });
    const reviews = table(catalog, 'public', 'reviews');
    expect(reviews.columns.map((c) => c.name)).toEqual(['id', 'score']);
    expect(reviews.privileges.select).toBe(true);
    expect(reviews.foreignKeys).toEqual([]);
    expect(reviews.primaryKey).toEqual(['id']);
  });
});
