/**
 * The one statement that reads a database's catalog. Takes `$1::text[]`, the schema
 * names to expose, and returns one row with one json column, `catalog`, whose shape
 * `parseCatalog()` validates (see `RawCatalog` in parse-catalog.ts).
 *
 * What it leaves out, on purpose:
 * - relations the connecting role cannot read (no SELECT on the table nor on any of its
 *   columns, or no USAGE on the schema), and columns it cannot SELECT;
 * - partitions (`relispartition`): their partitioned parent is exposed instead;
 * - relations owned by an extension (e.g. the pg_stat_statements views when the
 *   extension is installed into `public`): they belong to the extension, not the app;
 * - system and dropped columns.
 *
 * Domains are resolved to their base type (following domains over domains), arrays to
 * their element type plus an `isArray` flag, so consumers only ever see base, enum,
 * composite or range types. Foreign keys are returned whatever their target; the parser
 * drops those pointing outside the exposed relations.
 *
 * @example
 * const { rows } = await client.query(INTROSPECTION_SQL, [['public']]);
 * const catalog = parseCatalog(rows[0].catalog);
 */
export const INTROSPECTION_SQL = /* sql */ `
WITH RECURSIVE
rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY ($1::text[])
    AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
    AND NOT c.relispartition
    AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    )
    AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
    AND pg_catalog.has_any_column_privilege(c.oid, 'SELECT')
),
cols AS (
  SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.attnotnull,
         a.atthasdef, a.attidentity, a.attgenerated
  FROM pg_catalog.pg_attribute a
  JOIN rels r ON r.oid = a.attrelid
  WHERE a.attnum > 0 AND NOT a.attisdropped
    AND pg_catalog.has_column_privilege(a.attrelid, a.attnum, 'SELECT')
),
-- Walks each column type through domains and at most one array level until it reaches
-- the type a client actually sees. NOTE: typcategory 'A' rather than typelem <> 0 alone,
-- because point, name and friends also have a typelem without being arrays.
type_walk (orig, cur, is_array) AS (
  SELECT DISTINCT atttypid, atttypid, false FROM cols
  UNION
  SELECT w.orig,
         CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END,
         w.is_array OR t.typtype <> 'd'
  FROM type_walk w
  JOIN pg_catalog.pg_type t ON t.oid = w.cur
  WHERE t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND NOT w.is_array)
),
types AS (
  SELECT w.orig, w.is_array, t.oid, t.typname, tn.nspname AS typschema, t.typtype
  FROM type_walk w
  JOIN pg_catalog.pg_type t ON t.oid = w.cur
  JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
  WHERE NOT (t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND NOT w.is_array))
)
SELECT json_build_object(
  'serverVersion', pg_catalog.current_setting('server_version'),
  'tables', coalesce((
    SELECT json_agg(json_build_object(
      'schema', r.nspname,
      'name', r.relname,
      'oid', r.oid::int8,
      'relkind', r.relkind,
      'comment', pg_catalog.obj_description(r.oid, 'pg_class'),
      'updatableMask', pg_catalog.pg_relation_is_updatable(r.oid::regclass, false),
      'privileges', json_build_object(
        'select', pg_catalog.has_any_column_privilege(r.oid, 'SELECT'),
        'insert', pg_catalog.has_table_privilege(r.oid, 'INSERT'),
        'update', pg_catalog.has_table_privilege(r.oid, 'UPDATE'),
        'delete', pg_catalog.has_table_privilege(r.oid, 'DELETE')
      ),
      'columns', coalesce((
        SELECT json_agg(json_build_object(
          'name', c.attname,
          'position', c.attnum,
          'type', t.typname,
          'typeSchema', t.typschema,
          'typtype', t.typtype,
          'isArray', t.is_array,
          'notNull', c.attnotnull,
          'hasDefault', c.atthasdef OR c.attidentity <> '',
          'generated', c.attgenerated <> '' OR c.attidentity = 'a',
          'comment', pg_catalog.col_description(r.oid, c.attnum)
        ) ORDER BY c.attnum)
        FROM cols c
        JOIN types t ON t.orig = c.atttypid
        WHERE c.attrelid = r.oid
      ), '[]'),
      'constraints', coalesce((
        SELECT json_agg(json_build_object(
          'name', k.conname,
          'oid', k.oid::int8,
          'contype', k.contype,
          'columns', (
            SELECT json_agg(a.attname ORDER BY u.ord)
            FROM unnest(k.conkey) WITH ORDINALITY AS u (attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
          ),
          'targetSchema', tn.nspname,
          'targetTable', tc.relname,
          'targetColumns', (
            SELECT json_agg(a.attname ORDER BY u.ord)
            FROM unnest(k.confkey) WITH ORDINALITY AS u (attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
          )
        ) ORDER BY k.conname)
        FROM pg_catalog.pg_constraint k
        LEFT JOIN pg_catalog.pg_class tc ON tc.oid = k.confrelid
        LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
        WHERE k.conrelid = r.oid AND k.contype IN ('p', 'u', 'f')
      ), '[]')
    ) ORDER BY r.nspname, r.relname)
    FROM rels r
  ), '[]'),
  'enums', coalesce((
    SELECT json_agg(json_build_object(
      'schema', en.nspname,
      'name', e.typname,
      'oid', e.oid::int8,
      'values', coalesce((
        SELECT json_agg(l.enumlabel ORDER BY l.enumsortorder)
        FROM pg_catalog.pg_enum l
        WHERE l.enumtypid = e.oid
      ), '[]')
    ) ORDER BY en.nspname, e.typname)
    FROM pg_catalog.pg_type e
    JOIN pg_catalog.pg_namespace en ON en.oid = e.typnamespace
    WHERE e.typtype = 'e'
      AND (en.nspname = ANY ($1::text[]) OR e.oid IN (SELECT oid FROM types))
  ), '[]')
) AS catalog
`;
