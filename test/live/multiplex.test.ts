import { describe, expect, it } from 'vitest';
import { multiplexParameters, multiplexSql, parameterText, placeholderSpans, splitMemberRows } from '../../src/live/index.js';

describe('multiplexing a member statement', () => {
  it('rewrites only $n placeholders, never text inside quoted identifiers, string literals or comments', () => {
    const sql = `select "t0"."a$1" as "$2", '$3 it''s' as x /* $4 */ from "t" as "t0" where "t0"."id" = $1 and "t0"."n" > $2 -- $5\n limit $3`;
    expect(placeholderSpans(sql).map((s) => s.index)).toEqual([1, 2, 3]);
    const out = multiplexSql(sql, ['integer', 'bigint', 'bigint']);
    expect(out).toContain(`"t0"."a$1" as "$2", '$3 it''s' as x /* $4 */`);
    expect(out).toContain(`"t0"."id" = (__sy_m.p1::integer) and "t0"."n" > (__sy_m.p2::bigint)`);
    expect(out).toContain(`limit (__sy_m.p3::bigint)`);
    expect(out).toContain('from unnest($1::text[], $2::text[], $3::text[]) with ordinality as __sy_m(p1, p2, p3, i)');
  });

  it('sends each member value as text, arrays as array literals and objects as JSON', () => {
    expect(parameterText(42)).toBe('42');
    expect(parameterText(true)).toBe('true');
    expect(parameterText(null)).toBeNull();
    expect(parameterText(['a', 'b"c', null, 'd\\e'])).toBe('{"a","b\\"c",NULL,"d\\\\e"}');
    expect(parameterText({ k: [1] })).toBe('{"k":[1]}');
    expect(multiplexParameters([[1, 'x'], [2, null]], 2)).toEqual([['1', '2'], ['x', null]]);
  });

  it('splits rows back per member in order, a member without rows getting none', () => {
    const rows = [
      { __sy_member: '1', __sy_row: '1', data: 'a' },
      { __sy_member: '1', __sy_row: '2', data: 'b' },
      { __sy_member: '2', __sy_row: null, data: null },
      { __sy_member: '3', __sy_row: '1', data: 'c' },
    ];
    expect(splitMemberRows(rows, 3)).toEqual([[{ data: 'a' }, { data: 'b' }], [], [{ data: 'c' }]]);
  });
});
