/** Objects in system schemas and members of extensions stay with their owner. */
const USER_OBJECT = (namespace: string, oid: string) => `${namespace} NOT LIKE 'pg\\_%' AND ${namespace} <> 'information_schema'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = ${oid} AND d.deptype = 'e')`;

/**
 * SQL, run by the superuser in one database, that gives every schema, table, view, sequence,
 * type and routine the superuser owns there to `role` (quoted as a literal by the caller).
 * For data made before the gateway connected as its own role: REASSIGN OWNED cannot move
 * objects of the bootstrap superuser. Sequences owned by a column follow their table.
 */
export function handOverSql(roleLiteral: string): string {
  return `DO $hand_over$
DECLARE
  target text := ${roleLiteral};
  me oid := (SELECT oid FROM pg_roles WHERE rolname = current_user);
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n WHERE n.nspowner = me AND ${USER_OBJECT('n.nspname', 'n.oid')} LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, target);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = me AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_OBJECT('n.nspname', 'c.oid')} LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name, target);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = me AND c.relkind = 'S' AND ${USER_OBJECT('n.nspname', 'c.oid')} LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.name, target);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS name, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE t.typowner = me AND t.typtype IN ('e', 'd', 'r', 'm') AND ${USER_OBJECT('n.nspname', 't.oid')} LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.name, target);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE p.proowner = me AND ${USER_OBJECT('n.nspname', 'p.oid')} LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.name, target);
  END LOOP;
END
$hand_over$`;
}
