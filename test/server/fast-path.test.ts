import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { READ_RUNS } from '../helpers/fast-path.js';

/*
 * The fast path (src/server/fast-path.ts) against the full pipeline. In `verify` mode yoga answers
 * every request and the fast path's answer is computed too and compared byte for byte (status,
 * content type, body); a difference comes back as 500 FAST_PATH_MISMATCH. The whole suite can run
 * that way: SWITCHYARD_FAST_PATH=verify npx vitest run.
 */

let db: TestDatabase;
let verify: TestGateway;
let on: TestGateway;
let closed: TestGateway;
let off: TestGateway;

const ACCEPTS = ['application/json', 'application/graphql-response+json, application/json', '*/*'];

async function post(gw: TestGateway, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function statements(gw: TestGateway): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return Number(/^switchyard_statements_total\{database="shop"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

beforeAll(async () => {
  db = await createTestDatabase('fastpath');
  await db.sql(`
    CREATE TYPE mood AS ENUM ('happy', 'in progress', 'Sad');
    CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE posts (
      id int PRIMARY KEY, author_id int REFERENCES authors (id), title text NOT NULL, views bigint, price numeric,
      draft boolean, meta jsonb, raw json, at timestamptz, day date, mood mood, tags text[], score float8, uid uuid);
    CREATE SEQUENCE boom_calls;
    CREATE VIEW boom AS SELECT id, nextval('boom_calls') / (id - id) AS v FROM authors;
    INSERT INTO authors VALUES (1, 'Ann'), (2, E'Bob "the builder"\\t\\n\\\\'), (3, 'Zoë ☃ ' || chr(8232) || chr(1));
    INSERT INTO posts VALUES
      (1, 1, 'one', 9007199254740993, 1.50, true,
       '{"b": 1.0, "a": [1e2, 12345678901234567890, -0.0], "s": "tab\\tquote\\"", "n": null, "u": "☃"}',
       '{ "x" :  1, "x": 2 }', '2026-11-22 10:00:00.123+00', '2026-11-22', 'in progress', '{a,"b c",NULL}', 1.5, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
      (2, 1, 'two', -1, -0.000001, false, '"just a string"', '[1, 2.50]', '-infinity', '0001-01-01', 'Sad', '{}', 'NaN', NULL),
      (3, NULL, 'three', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, 2, 'four', 0, 1e20, true, 'null', 'null', 'infinity', '2026-01-01', 'happy', '{"x\\"y"}', 0, NULL);
  `);
  const databases = [{ name: 'shop', url: db.url }];
  // Relationships without a foreign key take the federation path (batched by key), as across databases.
  const relationships = [
    { name: 'writer', type: 'object', from: { database: 'shop', table: 'posts', columns: ['author_id'] }, to: { database: 'shop', table: 'authors', columns: ['id'] } },
    { name: 'articles', type: 'array', from: { database: 'shop', table: 'authors', columns: ['id'] }, to: { database: 'shop', table: 'posts', columns: ['author_id'] } },
  ];
  verify = await startTestGateway({ databases, relationships, probeIntervalMs: 60_000 }, { fastPath: 'verify' });
  on = await startTestGateway({ databases, probeIntervalMs: 60_000 }, { fastPath: 'on' });
  closed = await startTestGateway({ databases, probeIntervalMs: 60_000 }, { anonymous: null, fastPath: 'on' });
  off = await startTestGateway({ databases, probeIntervalMs: 60_000 }, { fastPath: 'off' });
});

afterAll(async () => {
  await Promise.all([verify?.stop(), on?.stop(), closed?.stop(), off?.stop()]);
  await db?.drop();
});

it('answers every read of the corpus with the same bytes, status and content type as the full pipeline', async () => {
  const typeName = JSON.parse((await post(verify, { query: '{ shop { authors(limit: 1) { __typename } } }' })).text).data.shop.authors[0].__typename;
  const corpus: { query: string; variables?: Record<string, unknown>; operationName?: string }[] = [
    { query: '{ shop { posts { id title views price draft meta raw at day mood tags uid authorId } } }' },
    { query: '{ shop { posts(orderBy: [{ id: DESC }], limit: 2, offset: 1) { id authors { id name } } } }' },
    { query: '{ __typename s: shop { __typename a: authors { name __typename posts(limit: 1) { title meta } } one: authorsByPk(id: 2) { name } none: authorsByPk(id: 99) { name } } }' },
    {
      query: `query Q($id: Int!, $with: Boolean!) { shop { authorsByPk(id: $id) { ...A posts @include(if: $with) { id ... on ${typeName.replace('Authors', 'Posts')} { mood } } } } }
              fragment A on ${typeName} { id name }`,
      variables: { id: 1, with: true },
      operationName: 'Q',
    },
    { query: 'query Q($id: Int!, $with: Boolean!) { shop { authorsByPk(id: $id) { id posts @include(if: $with) { id } } } }', variables: { id: 1, with: false } },
    { query: 'query ($t: String) { shop { posts(where: { title: { eq: $t } }) { id title } } }', variables: { t: 'two' } },
    { query: 'query ($n: Int) { shop { posts(limit: $n, where: { mood: { in: [happy, Sad] } }) { id mood } } }', variables: { n: 5 } },
    { query: '{ a: shop { authors { id } } b: shop { authors { name } } }' },
    { query: '{ shop { authors { id } authors { name posts { id } } } }' },
    { query: '{ shop { posts(where: { id: { eq: -1 } }) { id } } }' },
    { query: '{ shop { posts { id writer { name } w2: writer { id } } } }' },
    { query: '{ shop { authors { id articles(limit: 1, orderBy: [{ id: DESC }]) { id meta mood } } } }' },
    { query: '{ shop { authorsByPk(id: 1) { posts { id writer { id articles { id } } } } } }'.replace(' articles { id }', '') },
  ];
  const before = verify.gateway.fastPath.answered;
  for (const body of corpus) {
    for (const accept of ACCEPTS) {
      const res = await post(verify, body, { accept });
      expect(res.status, `${res.text}\n${body.query}`).toBe(200);
      expect(res.text).not.toContain('errors');
    }
  }
  expect(verify.gateway.fastPath.answered - before).toBe(corpus.length * ACCEPTS.length);
});

it('leaves to the full pipeline what it cannot prove equivalent: browsers, writes, connections, floats, errors', async () => {
  const cases: [unknown, Record<string, string>?][] = [
    [{ query: '{ shop { authors { id } } }' }, { origin: 'http://localhost' }],
    [{ query: 'mutation { shop { deleteAuthors(where: { id: { eq: 99 } }) { id } } }' }],
    [{ query: '{ shop { postsConnection(first: 1) { totalCount } } }' }],
    [{ query: '{ shop { posts { score } } }' }],
    [{ query: '{ shop { posts(limit: 100000) { id } } }' }],
    [{ query: 'query ($t: String) { shop { posts(where: { title: { eq: $t } }) { id } } }' }],
    [{ query: '{ shop { nope } }' }],
    [{ query: '{ shop { authorsByPk(id: 1) { articles { id writer { id } } } } }' }],
    [{ query: '{ shop { authors { id } } }', extensions: { tracing: true } }],
  ];
  const before = { ...verify.gateway.fastPath };
  for (const [body, headers] of cases) {
    const res = await post(verify, body, headers);
    expect(res.text).not.toContain('FAST_PATH_MISMATCH');
  }
  expect(verify.gateway.fastPath.answered).toBe(before.answered);
  expect(verify.gateway.fastPath.declined - before.declined).toBe(cases.length);
});

it('counts one statement per fast-path answer; a failing statement runs once and its error is answered by the full pipeline', async () => {
  const start = await statements(on);
  const ok = await post(on, { query: '{ shop { authors { id } } }' });
  expect(ok).toMatchObject({ status: 200, type: 'application/json; charset=utf-8', text: '{"data":{"shop":{"authors":[{"id":1},{"id":2},{"id":3}]}}}' });
  expect(await statements(on)).toBe(start + 1);
  const answered = on.gateway.fastPath.answered;
  const failed = await post(on, { query: '{ shop { boom { v } } }' });
  expect(failed.status).toBe(200);
  expect(JSON.parse(failed.text)).toMatchObject({ data: { shop: { boom: null } }, errors: [{ path: ['shop', 'boom'], message: expect.stringContaining('division by zero') }] });
  expect(await statements(on)).toBe(start + 2);
  expect(on.gateway.fastPath.answered).toBe(answered);
  // Postgres ran it once: the fast path's failure was handed to the resolver, not retried.
  const calls = await db.sql<{ n: string }>('SELECT last_value AS n FROM boom_calls');
  expect(calls[0].n).toBe(String(READ_RUNS));
});

it('refuses a caller without credentials exactly as the authorization wrapper does, without a statement', async () => {
  const start = await statements(closed);
  const res = await post(closed, { query: '{ shop { authors { id } } }' });
  expect(res.status).toBe(401);
  expect(JSON.parse(res.text)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  expect(closed.gateway.fastPath.answered).toBe(0);
  expect(await statements(closed)).toBe(start);
});

it('an enum label added behind the schema\'s back is reported by the executor, as without the fast path', async () => {
  await db.sql(`ALTER TYPE mood ADD VALUE 'brand new'`);
  await db.sql(`INSERT INTO posts (id, title, mood) VALUES (5, 'five', 'brand new')`);
  const query = { query: '{ shop { posts(where: { id: { eq: 5 } }) { id mood } } }' };
  const [fast, full] = [await post(on, query), await post(off, query)];
  expect(full.text).toContain('cannot represent value');
  expect(fast).toEqual(full);
});

it('a json value whose whitespace spells a cross-database marker is answered as written, never spliced', async () => {
  // json (not jsonb) keeps its text as written, raw CRs included; the fast path marks cross-database fields with CRs.
  await db.sql(`INSERT INTO posts (id, author_id, title, raw) VALUES (6, 2, 'six', E'[\\r[0,"1"]\\r]')`);
  const res = await post(verify, { query: '{ shop { posts(where: { id: { eq: 6 } }) { id raw writer { name } } } }' });
  expect(res.text).not.toContain('FAST_PATH_MISMATCH');
  expect(JSON.parse(res.text)).toEqual({ data: { shop: { posts: [{ id: 6, raw: [[0, '1']], writer: { name: 'Bob "the builder"\t\n\\' } }] } } });
});
