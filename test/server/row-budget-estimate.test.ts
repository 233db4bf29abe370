import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateRows } from '../../src/server/row-budget.js';
import { rowBudgetError } from '../../src/server/use-row-budget.js';

const schema = buildSchema(`
  type Query { t(limit: Int, offset: Int): [T!]! one: T page(first: Int, last: Int): Page! }
  type T { id: Int tags: [String!]! a: T b: T c: T kids(limit: Int = 7): [T!]! }
  type Page { edges: [Edge!]! nodes: [T!]! }
  type Edge { node: T! }
`);
const limits = { defaultLimit: 100, maxLimit: 1000, maxRows: 50_000 };
const estimate = (query: string, variables?: Record<string, unknown>) => estimateRows(schema, parse(query), undefined, variables, limits).rows;

describe('row estimate', () => {
  it('is the sum over paged fields of the product of the page sizes along the path', () => {
    expect(estimate(`{ t(limit: 10) { id kids(limit: 3) { kids(limit: 2) { id } } } }`)).toBe(10 + 30 + 60);
  });

  it('takes schema defaults, then defaultLimit, and clamps to [0, maxLimit]', () => {
    expect(estimate(`{ t { kids { id } } }`)).toBe(100 + 700);
    expect(estimate(`{ t(limit: 999999) { id } one { kids(limit: -5) { id } } }`)).toBe(1000);
  });

  it('counts the larger of first and last, and edges, nodes and scalar lists as 1', () => {
    expect(estimate(`{ page(first: 5, last: 9) { edges { node { tags kids(limit: 2) { id } } } nodes { id } } }`)).toBe(9 + 18);
  });

  it('reads variables after coercion, and leaves a bad variable to execution', () => {
    expect(estimate(`query ($n: Int = 4) { t(limit: $n) { id } }`)).toBe(4);
    expect(estimate(`query ($n: Int!) { t(limit: $n) { id } }`, { n: 40 })).toBe(40);
    expect(estimate(`query ($n: Int!) { t(limit: $n) { id } }`, { n: 'many' })).toBe(0);
  });

  it('honours @skip and @include', () => {
    expect(estimate(`query ($s: Boolean!) { t(limit: 10) @skip(if: $s) { id } one { kids(limit: 3) @include(if: true) { id } } }`, { s: true })).toBe(3);
  });

  it('stops walking a selection whose fragments fan out past maxRows fields, in little time', () => {
    const depth = 40;
    const fragments = Array.from({ length: depth }, (_, i) =>
      i + 1 < depth ? `fragment F${i} on T { a { ...F${i + 1} } b { ...F${i + 1} } c { ...F${i + 1} } }` : `fragment F${i} on T { id }`,
    ).join('\n');
    const started = performance.now();
    const result = estimateRows(schema, parse(`{ one { ...F0 } } ${fragments}`), undefined, {}, limits);
    expect(result.fields).toBeGreaterThan(limits.maxRows);
    expect(result.fields).toBeLessThan(limits.maxRows + 100);
    expect(performance.now() - started).toBeLessThan(2_000);
    const error = rowBudgetError({ schema, document: parse(`{ one { ...F0 } } ${fragments}`), variableValues: {} }, limits);
    expect(error?.extensions).toMatchObject({ code: 'ROW_BUDGET_EXCEEDED', budget: 50_000, hint: expect.stringMatching(/fewer fragments/) });
    expect(error?.message).toMatch(/expands to more than 50000 fields/);
  });
});
