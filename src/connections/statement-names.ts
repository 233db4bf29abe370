import { createHash } from 'node:crypto';

/** Distinct statement texts remembered; past this the memo starts over. */
const MAX_REMEMBERED = 2_000;
/** Times a text must be seen before it is prepared. */
const HOT_AFTER = 2;

/**
 * Names for prepared statements: the same SQL text always gets the same name (a hash), so each
 * pooled connection parses and plans a query shape once. Only texts seen at least twice are
 * named: a stream of one-off shapes would otherwise leave a prepared statement behind on every
 * connection (memory in Postgres and in pg's client) for each of them.
 */
export class StatementNames {
  private readonly seen = new Map<string, { count: number; name?: string }>();

  /** The statement's name, or undefined while the text is not hot (send it unnamed). */
  nameOf(sql: string): string | undefined {
    let entry = this.seen.get(sql);
    if (!entry) {
      if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
      this.seen.set(sql, (entry = { count: 0 }));
    }
    if (entry.name) return entry.name;
    if (++entry.count < HOT_AFTER) return undefined;
    return (entry.name = `sy_${createHash('sha1').update(sql).digest('base64url')}`);
  }
}
