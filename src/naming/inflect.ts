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
 * 5. When two names collide in one type or scope, the one met first (catalog order: columns by
 *    position, tables by schema then name) keeps the name; the next gets `_2`, then `_3`, ….
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

/** A GraphQL enum value for a Postgres enum label: kept when already valid, else sanitised. */
export function enumValueName(label: string): string {
  let name = label.replace(/[^A-Za-z0-9_]/g, '_');
  name = fixStart(name);
  if (name === 'true' || name === 'false' || name === 'null') name = `${name}_`;
  if (name.startsWith('__')) name = name.replace(/^_+/, '_');
  return name;
}

/** Hands out names in one scope, resolving collisions by rule 5. */
export class NameScope {
  private readonly taken: Set<string>;
  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }
  claim(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.taken.has(name); n++) name = `${wanted}_${n}`;
    this.taken.add(name);
    return name;
  }
  has(name: string): boolean {
    return this.taken.has(name);
  }
}
