import { describe, expect, it } from 'vitest';
import { encodeCursor, orderFromArgs, planConnection, readCursor, type OrderTerm, type PlanContext } from '../../src/compile/index.js';
import { blogModel, columnOf, tableOf, thrown } from './blog-model.js';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';

// Issue #12 item 2: a cursor's values are checked against the order's column types and arity
// before any SQL is built, and a bad cursor's value never comes back in the error.

const model = blogModel();
const authors = tableOf(model, 'authors');
const posts = tableOf(model, 'posts');
const term = (table: typeof authors, field: string, descending = false): OrderTerm => ({ column: columnOf(table, field), descending, nullsFirst: false });

/** authors ordered by mood, followers (int8, nullable), then the int4 primary key. */
const authorTerms = [term(authors, 'mood'), term(authors, 'followers'), term(authors, 'id')];
/** posts ordered by published_at (timestamptz), score (numeric), then (author_id int4, slug text). */
const postTerms = [term(posts, 'publishedAt'), term(posts, 'score'), term(posts, 'authorId'), term(posts, 'slug')];

const cursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
const reason = (c: string, terms: OrderTerm[]) => {
  const read = readCursor(c, terms);
  return 'reason' in read ? read.reason : undefined;
};

describe('readCursor', () => {
  it('reads back the cursors the gateway issues, nulls included where the column is nullable', () => {
    expect(readCursor(encodeCursor(['happy', '9223372036854775807', '-2147483648']), authorTerms)).toEqual({ values: ['happy', '9223372036854775807', '-2147483648'] });
    expect(readCursor(encodeCursor([null, null, '7']), authorTerms)).toEqual({ values: [null, null, '7'] });
    expect(readCursor(encodeCursor(['2024-01-01 10:00:00.5+00', '-1.5e-3', '7', "it's \"x\" ; --"]), postTerms)).toEqual({
      values: ['2024-01-01 10:00:00.5+00', '-1.5e-3', '7', "it's \"x\" ; --"],
    });
    expect(readCursor(encodeCursor(['infinity', 'NaN', '0', '']), postTerms)).toEqual({ values: ['infinity', 'NaN', '0', ''] });
  });

  it('refuses a cursor with more or fewer values than the order has terms', () => {
    expect(reason(cursor(['happy', '1']), authorTerms)).toBe('it holds 2 values, this order needs 3');
    expect(reason(cursor(['happy', '1', '2', '3']), authorTerms)).toBe('it holds 4 values, this order needs 3');
    expect(reason(cursor([]), authorTerms)).toBe('it holds 0 values, this order needs 3');
  });

  it('refuses values that are not of the column type, naming the column and type but not the value', () => {
    expect(reason(cursor(['happy', '1', 'SSL']), authorTerms)).toBe('value 3 (id) is not an int4');
    expect(reason(cursor(['happy', '1', '2147483648']), authorTerms)).toBe('value 3 (id) is not an int4');
    expect(reason(cursor(['happy', '1', '1.5']), authorTerms)).toBe('value 3 (id) is not an int4');
    expect(reason(cursor(['happy', '9223372036854775808', '1']), authorTerms)).toBe('value 2 (followers) is not an int8');
    expect(reason(cursor(['angry', '1', '1']), authorTerms)).toBe('value 1 (mood) is not a label of enum public.mood');
    expect(reason(cursor(['2024-01-01', '1e', '1', 'x']), postTerms)).toBe('value 2 (score) is not a numeric');
    expect(reason(cursor(["2024-01-01'; drop table x; --", '1', '1', 'x']), postTerms)).toBe('value 1 (publishedAt) is not a timestamptz');
  });

  it('refuses null for a column that cannot be null', () => {
    expect(reason(cursor(['happy', '1', null]), authorTerms)).toBe('value 3 (id) is null, and the column is not nullable');
  });

  it('refuses text Postgres cannot store (NUL) and values that are not strings', () => {
    expect(reason(cursor(['2024-01-01', '1', '1', 'a\u0000b']), postTerms)).toBe('value 4 (slug) contains a NUL character');
    expect(reason(cursor(['happy', 1, '1']), authorTerms)).toBe('value 2 (followers) is not a string or null');
    expect(reason(cursor(['happy', { a: 1 }, '1']), authorTerms)).toBe('value 2 (followers) is not a string or null');
  });

  it('refuses what is not a base64url JSON array', () => {
    expect(reason('bm9wZQ', authorTerms)).toBe('it is not a cursor issued by this gateway');
    expect(reason('!!!', authorTerms)).toBe('it is not a cursor issued by this gateway');
    expect(reason(cursor({ 0: 'happy' }), authorTerms)).toBe('it is not a cursor issued by this gateway');
  });
});

describe('planConnection with a bad cursor', () => {
  const ctx: PlanContext = { schema: undefined as never, variables: {}, fragments: {}, limits: { defaultLimit: 10, maxLimit: 100 } };
  const nodes = (parse('{ authorsConnection { totalCount } }').definitions[0] as OperationDefinitionNode).selectionSet.selections as FieldNode[];

  it('is BAD_USER_INPUT naming the argument and the reason, without the 200 kB value', () => {
    const huge = 'SSL'.repeat(70_000);
    const error = thrown(() => planConnection(authors, nodes, { first: 2, after: cursor([huge]) }, ctx));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', database: 'blog' });
    expect(error.message).toBe(`${authors.ops.connection}(after): not a cursor of this field and order: value 1 (id) is not an int4`);
    expect(error.extensions.hint).toMatch(/edges\.cursor or pageInfo/);
    expect(JSON.stringify({ message: error.message, extensions: error.extensions }).length).toBeLessThan(500);
  });

  it('checks `before` like `after`, against the order asked for', () => {
    const orderBy = [{ name: 'DESC' }];
    expect(orderFromArgs(authors, orderBy)).toHaveLength(1);
    const error = thrown(() => planConnection(authors, nodes, { last: 2, orderBy, before: cursor(['x', 'y']) }, ctx));
    expect(error.message).toBe(`${authors.ops.connection}(before): not a cursor of this field and order: value 2 (id) is not an int4`);
  });
});
