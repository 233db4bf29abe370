import { createHash } from 'node:crypto';

/** Distinct statement texts remembered; past this the names are recomputed. */
const MAX_REMEMBERED = 2_000;

/**
 * Names for prepared statements: the same SQL text always gets the same name (a hash), so each
 * pooled connection parses and plans a query shape once. Bounded: the memo is dropped when full.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (!name) {
      if (this.names.size >= MAX_REMEMBERED) this.names.clear();
      name = `sy_${createHash('sha1').update(sql).digest('base64url')}`;
      this.names.set(sql, name);
    }
    return name;
  }
}
