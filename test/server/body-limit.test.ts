import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MAX = 65_536;
let db: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase('bodies');
  await db.sql('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);');
  gw = await startTestGateway({ databases: [{ name: 'bodies', url: db.url }], limits: { maxBodyBytes: MAX }, probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
});

/** POSTs `chunks` to /graphql with chunked transfer encoding (no content-length). */
function postChunked(chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${gw.url}/graphql`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const padded = (bytes: number) => JSON.stringify({ query: `{ bodies { t { id } } }${' '.repeat(bytes)}` });

describe('request size limits (limits.maxBodyBytes)', () => {
  it('a body just under the limit runs', async () => {
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded(MAX - 200) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { bodies: { t: [{ id: 1 }] } } });
  });

  it('a body over the limit is answered 413 with a JSON error naming the limit, before any SQL', async () => {
    await db.resetStatements();
    const res = await fetch(`${gw.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: padded(MAX) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [
        {
          message: `[limits] the request body is larger than ${MAX} bytes (limits.maxBodyBytes)`,
          extensions: { code: 'PAYLOAD_TOO_LARGE', limit: MAX, hint: expect.stringContaining('maxBodyBytes') },
        },
      ],
    });
    expect(await db.statementCount()).toBe(0);
  });

  it('a chunked body without content-length is cut off at the limit too', async () => {
    const chunk = 'x'.repeat(16_384);
    const res = await postChunked(['{"query":"{ bodies { t { id } } }","pad":"', ...Array.from({ length: 64 }, () => chunk), '"}']);
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const after = await gw.graphql(`{ bodies { t { id } } }`);
    expect(after.body).toEqual({ data: { bodies: { t: [{ id: 1 }] } } });
  });

  it('a WebSocket message over the limit closes the socket with 1009; a small one is answered', async () => {
    const socket = new WebSocket(gw.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ bodies { t { id } } }' } }));
    await new Promise<void>((resolve) => socket.on('message', () => messages.some((m) => m.type === 'complete') && resolve()));
    expect(messages.find((m) => m.type === 'next').payload).toEqual({ data: { bodies: { t: [{ id: 1 }] } } });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: `{ bodies { t { id } } }${' '.repeat(MAX)}` } }));
    expect(await closed).toBe(1009);
  });
});
