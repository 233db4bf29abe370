import { createHash } from 'node:crypto';

/** A hash of a result's JSON (data and errors): equal results, equal hashes. */
export function resultHash(result: unknown): string {
  return createHash('sha1').update(JSON.stringify(result)).digest('base64');
}

/** Remembers the hash of the last result sent to one live query, so the same result is never pushed twice in a row. */
export class ChangeFilter {
  private last: string | undefined;

  /** True when `hash` differs from the last one accepted (and remembers it). */
  changed(hash: string): boolean {
    if (hash === this.last) return false;
    this.last = hash;
    return true;
  }
}
