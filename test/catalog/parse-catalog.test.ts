import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findTable, parseCatalog, type Catalog, type RawCatalog, type Table } from '../../src/catalog/index.js';

/** Recorded from demo-schema.sql by record-demo-catalog.ts, introspecting `public` as the superuser. */
function loadRaw(): RawCatalog {
  return JSON.parse(readFileSync(new URL('./fixtures/demo-catalog.json', import.meta.url), 'utf8'));
}

function table(catalog: Catalog, name: string): Table {
  const found = findTable(catalog, 'public', name);
  if (!found) throw new Error(`no table public.${name} in the parsed catalog`);
  return found;
}

function rawTable(raw: RawCatalog, name: string): RawCatalog['tables'][number] {
  const found = raw.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name} in the fixture`);
  return found;
}

describe('parseCatalog', () => {
  const catalog = parseCatalog(loadRaw());

  it('keeps the server version', () => {
    expect(catalog.serverVersion).toMatch(/^\d+\.\d+/);
  });

  it('orders tables by schema then name and columns by position, whatever the input order', () => {
    const raw = loadRaw();
    raw.tables.reverse();
    for (const t of raw.tables) t.columns.reverse();
    const reparsed = parseCatalog(raw);
    expect(reparsed).toEqual(catalog);
    expect(catalog.tables.map((t) => t.name)).toEqual([
      'active_authors', 'audit_log', 'author_post_counts', 'authors', 'events', 'posts', 'reviews',
    ]);
    expect(table(catalog, 'reviews').columns.map((c) => c.position)).toEqual([1, 2, 3, 4]);
  });

  it('names relation kinds in words', () => {
    expect(table(catalog, 'authors').kind).toBe('table');
    expect(table(catalog, 'active_authors').kind).toBe('view');
    expect(table(catalog, 'events').kind).toBe('partitioned_table');
  });

  it('describes each column type by its base type, schema, category and array flag', () => {
    const types = Object.fromEntries(
      table(catalog, 'authors').columns.map((c) => [c.name, `${c.typeSchema}.${c.type}${c.isArray ? '[]' : ''} ${c.typeCategory}`]),
    );
    expect(types).toMatchObject({
      handle: 'pg_catalog.varchar base',
      age: 'pg_catalog.int4 base',
      followers: 'pg_catalog.int8 base',
      balance: 'pg_catalog.numeric base',
      active: 'pg_catalog.bool base',
      created_at: 'pg_catalog.timestamptz base',
      profile: 'pg_catalog.jsonb base',
      tags: 'pg_catalog.text[] base',
      mood: 'public.mood enum',
      past_moods: 'public.mood[] enum',
      // work_email is a domain over the domain email over text.
      email: 'pg_catalog.text base',
      favourite_colour: 'hidden.colour enum',
    });
  });

  it('maps any type category other than base, enum, composite and range to other', () => {
    const raw = loadRaw();
    rawTable(raw, 'audit_log').columns[0].typtype = 'm';
    expect(findTable(parseCatalog(raw), 'public', 'audit_log')?.columns[0].typeCategory).toBe('other');
  });

  it('marks columns nullable unless NOT NULL, and flags defaults', () => {
    const authors = table(catalog, 'authors');
    const col = (name: string) => authors.columns.find((c) => c.name === name);
    expect(col('handle')).toMatchObject({ nullable: false, hasDefault: false });
    expect(col('age')).toMatchObject({ nullable: true, hasDefault: false });
    expect(col('followers')).toMatchObject({ nullable: false, hasDefault: true });
  });

  it('marks generated columns and identity ALWAYS columns as generated, identity BY DEFAULT as a default only', () => {
    const authors = table(catalog, 'authors');
    expect(authors.columns.filter((c) => c.generated).map((c) => c.name)).toEqual(['handle_length', 'serial_no']);
    expect(table(catalog, 'reviews').columns[0]).toMatchObject({ name: 'id', hasDefault: true, generated: false });
  });

  it('keeps table and column comments, null where there is none', () => {
    const authors = table(catalog, 'authors');
    expect(authors.comment).toBe('People who write posts');
    expect(authors.columns.find((c) => c.name === 'bio')?.comment).toBe('Free text, shown on the profile');
    expect(authors.columns.find((c) => c.name === 'age')?.comment).toBeNull();
    expect(table(catalog, 'posts').comment).toBeNull();
  });

  it('lists primary key columns in key order, and none for views', () => {
    expect(table(catalog, 'authors').primaryKey).toEqual(['handle']);
    expect(table(catalog, 'posts').primaryKey).toEqual(['author_handle', 'slug']);
    expect(table(catalog, 'active_authors').primaryKey).toEqual([]);
  });

  it('lists unique constraints including the primary key, flagged as primary', () => {
    expect(table(catalog, 'reviews').uniqueConstraints).toEqual([
      { name: 'one_review_per_score', columns: ['post_author', 'post_slug', 'score'], primary: false },
      { name: 'reviews_pkey', columns: ['id'], primary: true },
    ]);
  });

  it('pairs composite foreign key columns with their targets in declaration order', () => {
    expect(table(catalog, 'reviews').foreignKeys).toEqual([
      {
        name: 'reviews_post_slug_post_author_fkey',
        columns: ['post_slug', 'post_author'],
        targetSchema: 'public',
        targetTable: 'posts',
        targetColumns: ['slug', 'author_handle'],
      },
    ]);
  });

  it('drops foreign keys that point to a relation outside the exposed set', () => {
    expect(rawTable(loadRaw(), 'authors').constraints.map((c) => c.name)).toContain('authors_secret_id_fkey');
    expect(table(catalog, 'authors').foreignKeys).toEqual([]);
  });

  it('drops keys over columns the role cannot read', () => {
    const raw = loadRaw();
    const reviews = rawTable(raw, 'reviews');
    const posts = rawTable(raw, 'posts');
    reviews.columns = reviews.columns.filter((c) => c.name !== 'score');
    posts.columns = posts.columns.filter((c) => c.name !== 'author_handle');
    const parsed = parseCatalog(raw);
    // Local columns hidden: the unique constraint over score, posts' key and its own foreign key.
    expect(table(parsed, 'reviews').uniqueConstraints.map((c) => c.name)).toEqual(['reviews_pkey']);
    expect(table(parsed, 'posts').primaryKey).toEqual([]);
    expect(table(parsed, 'posts').foreignKeys).toEqual([]);
    // Target column hidden: the foreign key from reviews into posts.
    expect(table(parsed, 'reviews').foreignKeys).toEqual([]);
  });

  it('decodes the pg_relation_is_updatable bitmask into insertable, updatable and deletable', () => {
    expect(table(catalog, 'active_authors')).toMatchObject({ insertable: true, updatable: true, deletable: true });
    expect(table(catalog, 'author_post_counts')).toMatchObject({ insertable: false, updatable: false, deletable: false });
    const raw = loadRaw();
    rawTable(raw, 'audit_log').updatableMask = 8;
    expect(table(parseCatalog(raw), 'audit_log')).toMatchObject({ insertable: true, updatable: false, deletable: false });
  });

  it('passes the role privileges through', () => {
    expect(table(catalog, 'authors').privileges).toEqual({ select: true, insert: true, update: true, delete: true });
    const raw = loadRaw();
    rawTable(raw, 'audit_log').privileges = { select: true, insert: false, update: false, delete: true };
    expect(table(parseCatalog(raw), 'audit_log').privileges).toEqual({ select: true, insert: false, update: false, delete: true });
  });

  it('lists enums in label sort order, including those from unexposed schemas used by exposed columns', () => {
    expect(catalog.enums).toEqual([
      { schema: 'hidden', name: 'colour', values: ['red', 'green'] },
      { schema: 'public', name: 'mood', values: ['sad', 'meh', 'ok', 'happy'] },
    ]);
  });

  it('rejects input of the wrong shape with an error naming the catalog and the bad field', () => {
    const raw = loadRaw() as any;
    raw.tables[0].relkind = 'S';
    expect(() => parseCatalog(raw)).toThrow(/\[catalog\] invalid introspection result[\s\S]*relkind/);
    expect(() => parseCatalog(null)).toThrow(/\[catalog\]/);
  });

  it('rejects a foreign key whose column lists differ in length', () => {
    const raw = loadRaw();
    const fk = rawTable(raw, 'reviews').constraints.find((c) => c.contype === 'f')!;
    fk.targetColumns = ['slug'];
    expect(() => parseCatalog(raw)).toThrow('[catalog] foreign key reviews_post_slug_post_author_fkey on public.reviews');
  });
});
