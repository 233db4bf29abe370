import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../../src/config/index.js';
import { createGateway } from '../../src/server/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LIST = '{ shop { items { id } } }';
const OTHER = '{ shop { items { id label } } }';

let db: TestDatabase;
let apq: TestGateway;
let only: TestGateway;
let file: string;

async function post(gw: TestGateway, body: unknown) {
  const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const byHash = (hash: string, query?: string) => ({ query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

beforeAll(async () => {
  db = await createTestDatabase('trusted');
  await db.sql(`CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items VALUES (1, 'a'), (2, 'b');`);
  file = path.join(await mkdtemp(path.join(tmpdir(), 'trusted-')), 'persisted-documents.json');
  await writeFile(file, JSON.stringify({ [`sha256:${sha256(LIST)}`]: LIST }));
  const databases = [{ name: 'shop', url: db.url }];
  apq = await startTestGateway({ databases, probeIntervalMs: 60_000, trustedDocuments: { mode: 'apq' } });
  only = await startTestGateway({ databases, probeIntervalMs: 60_000, trustedDocuments: { mode: 'only', file } });
});

afterAll(async () => {
  await Promise.all([apq?.stop(), only?.stop()]);
  await db?.drop();
});

it('apq: an unknown hash is PERSISTED_QUERY_NOT_FOUND; sent once with its text, the hash alone then runs (on the fast path)', async () => {
  const hash = sha256(OTHER);
  expect((await post(apq, byHash(hash))).body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  expect((await post(apq, byHash(hash, OTHER))).body).toEqual({ data: { shop: { items: [{ id: 1, label: 'a' }, { id: 2, label: 'b' }] } } });
  const answered = apq.gateway.fastPath.answered;
  expect((await post(apq, byHash(hash))).body).toEqual({ data: { shop: { items: [{ id: 1, label: 'a' }, { id: 2, label: 'b' }] } } });
  expect(apq.gateway.fastPath.answered).toBe(answered + 1);
});

it('apq: a hash that is not the sha256 of the text sent with it is refused and stores nothing', async () => {
  const res = await post(apq, byHash(sha256(LIST), OTHER));
  expect(res.status).toBe(400);
  expect(res.body.errors[0].message).toBe('provided sha does not match query');
  expect((await post(apq, byHash(sha256(LIST)))).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
});

it('only: trusted documents run by hash or exact text; any other text is TRUSTED_DOCUMENT_REQUIRED before it runs', async () => {
  const data = { data: { shop: { items: [{ id: 1 }, { id: 2 }] } } };
  expect((await post(only, byHash(sha256(LIST)))).body).toEqual(data);
  expect((await post(only, { query: LIST })).body).toEqual(data);
  const refused = await post(only, { query: OTHER });
  expect(refused.status).toBe(400);
  expect(refused.body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  expect((await post(only, byHash(sha256(OTHER), OTHER))).body.errors[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
});

it('only: over WebSocket too, a document outside the list is refused and a trusted one runs', async () => {
  const ws = createClient({ url: only.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
  const run = (query: string) =>
    new Promise<unknown>((resolve, reject) => {
      let last: unknown;
      ws.subscribe({ query }, { next: (r) => (last = r), error: reject, complete: () => resolve(last) });
    });
  try {
    await expect(run(OTHER)).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TRUSTED_DOCUMENT_REQUIRED' }) })]);
    expect(await run(LIST)).toEqual({ data: { shop: { items: [{ id: 1 }, { id: 2 }] } } });
  } finally {
    await ws.dispose();
  }
});

it('a trusted file whose hash is not its document\'s sha256 is refused at start', async () => {
  const bad = path.join(path.dirname(file), 'bad.json');
  await writeFile(bad, JSON.stringify({ [sha256(LIST)]: OTHER }));
  const config = parseConfig({ databases: [], trustedDocuments: { mode: 'only', file: bad } }, {});
  expect(() => createGateway(config)).toThrow(/is not the sha256 of its document/);
});
