/**
 * The one rule that turns SQL names into GraphQL names:
 *
 * 1. Characters outside [A-Za-z0-9_] become `_`; a leading digit gets a `_` prefix.
 * 2. Fields are camelCase of the SQL name split on `_` (`sequence_rank` → `sequenceRank`,
 *    `strategic_directives_v2` → `strategicDirectivesV2`); a part in capitals only is lower-cased
 *    when it comes first (`ID` → `id`).
 * 3. Types are `<Database>_<PascalCase>` (`Engineer_StrategicDirectivesV2`).
 * 4. Tables outside the first exposed schema are prefixed with their schema (`audit_log` in
 *    schema `ops` → `opsAuditLog`).
 * 5. Reserved names are mapped, never passed through. GraphQL keeps names starting with `__`
 *    to itself: fields and types drop leading underscores by rule 2 (`__typename` → `typename`),
 *    enum values (Postgres enum labels, constraint names in `onConflict`) keep their spelling
 *    but a leading run of `_` becomes one (`__k` → `_k`), and `true`, `false`, `null` get a
 *    trailing `_`. The field names `and`, `or` and `not` belong to the filter operators, and
 *    `true`, `false`, `null` cannot be values of the column enum of `onConflict`, so a column or
 *    relation with one of these names is `and_`, `or_`, `not_`, `true_`… in every type (output,
 *    filter, orderBy, inputs).
 * 6. Names are stable: when two objects want one name in one scope, the OLDER keeps it and the
 *    newer gets a suffix made from its own SQL name, never from its rank: `_<sql name>`
 *    (`Projects` next to an older `projects` → `projects_Projects`; characters outside
 *    [A-Za-z0-9_] become `_` and the suffix then ends in a short hash of the exact SQL name).
 *    Older means a lower oid for tables, views, enums and constraints (Postgres draws them from
 *    one counter that only grows) and a lower position for columns; columns come before
 *    relations in one type, and a relation that collides is first tried as `<name>By<Columns>`.
 *    So adding a table, column or constraint never renames one that exists, and dropping one
 *    renames nothing but the object that was waiting for its name. Only if a suffixed name is
 *    itself taken does a counter (`_2`, `_3`, …) decide.
 *
 * NOTE: oids only grow, except after a dump and restore (objects are recreated in dump order)
 * or an oid wraparound; a catalog without oids (cached by an older version) falls back to
 * catalog order: schema, then name.
 */

function words(sql: string): string[] {
  return sql.replace(/[^A-Za-z0-9_]/g, '_').split('_').filter(Boolean);
}

function fixStart(name: string): string {
  if (name === '') return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const upperFirst = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

export function camelCase(sql: string): string {
  const parts = words(sql);
  if (parts.length === 0) return '_';
  const first = parts[0] === parts[0].toUpperCase() ? parts[0].toLowerCase() : parts[0].charAt(0).toLowerCase() + parts[0].slice(1);
  return fixStart(first + parts.slice(1).map(upperFirst).join(''));
}

export function pascalCase(sql: string): string {
  return fixStart(words(sql).map(upperFirst).join('') || '_');
}

/**
 * Field names a column or relation cannot have (rule 5): the filter operators, and the words a
 * column name cannot be as an enum value (`onConflict: { update: [...] }` lists columns as one).
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set(['and', 'or', 'not', 'true', 'false', 'null']);

/** A field name for a column or relation: camelCase, with reserved names mapped (rule 5). */
export function fieldName(sql: string): string {
  const name = camelCase(sql);
  return RESERVED_FIELD_NAMES.has(name) ? `${name}_` : name;
}

/** A GraphQL enum value for a Postgres enum label or constraint name: kept when already valid, else mapped (rules 1 and 5). */
export function enumValueName(label: string): string {
  let name = label.replace(/[^A-Za-z0-9_]/g, '_');
  name = fixStart(name);
  if (name === 'true' || name === 'false' || name === 'null') name = `${name}_`;
  if (name.startsWith('__')) name = name.replace(/^_+/, '_');
  return name;
}

/** FNV-1a, 32 bits, base 36: a short stable tag for an SQL name that sanitising made ambiguous. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The suffix rule 6 gives the newer of two colliding objects: its own SQL name, made valid. */
export function ownSuffix(sql: string): string {
  const clean = sql.replace(/[^A-Za-z0-9_]/g, '_');
  return clean === sql && sql !== '' ? sql : `${clean}_${shortHash(sql)}`;
}

/**
 * Hands out names in one scope. Callers claim in seniority order (rule 6): the first claim of
 * a name gets it; a later one gets `<name>_<own SQL name>`, then a counter as a last resort.
 */
export class NameScope {
  private readonly taken: Set<string>;
  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }
  /** @param own the claiming object's SQL name, for the suffix when `wanted` is taken. */
  claim(wanted: string, own?: string): string {
    let name = wanted;
    if (this.taken.has(name) && own !== undefined) name = `${wanted}_${ownSuffix(own)}`;
    const base = name;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
  has(name: string): boolean {
    return this.taken.has(name);
  }
}

/** Sorts a copy, older first (rule 6): by oid; items without one after those with, in the given order. */
export function bySeniority<T>(items: readonly T[], oidOf: (item: T) => number | undefined): T[] {
  return items
    .map((item, index) => ({ item, index, oid: oidOf(item) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => (a.oid === b.oid ? a.index - b.index : a.oid < b.oid ? -1 : 1))
    .map((x) => x.item);
}
