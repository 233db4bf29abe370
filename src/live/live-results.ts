import { createHash } from 'node:crypto';

/**
 * Remembers the last result sent to one live query and tells whether a new one differs, by a
 * hash of its JSON (data and errors), so the same result is never pushed twice in a row.
 */
export class ChangeFilter {
  private last: string | undefined;

  /** True when `result` differs from the last one accepted (and remembers it). */
  changed(result: unknown): boolean {
    const hash = createHash('sha1').update(JSON.stringify(result)).digest('base64');
    if (hash === this.last) return false;
    this.last = hash;
    return true;
  }
}
