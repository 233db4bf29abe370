import { describe, expect, it } from 'vitest';
import { StatementNames } from '../../src/connections/statement-names.js';

describe('prepared statement names', () => {
  it('a text seen once is sent unnamed; from its second use on it has one stable name', () => {
    const names = new StatementNames();
    expect(names.nameOf('select 1 where $1')).toBeUndefined();
    const name = names.nameOf('select 1 where $1');
    expect(name).toMatch(/^sy_[\w-]+$/);
    expect(names.nameOf('select 1 where $1')).toBe(name);
    expect(new StatementNames().nameOf('select 2')).toBeUndefined();
  });

  it('a stream of one-off texts never prepares anything, and the memo stays bounded', () => {
    const names = new StatementNames();
    for (let i = 0; i < 10_000; i++) expect(names.nameOf(`select ${i}`)).toBeUndefined();
    expect((names as unknown as { seen: Map<string, unknown> }).seen.size).toBeLessThanOrEqual(2_000);
  });
});
