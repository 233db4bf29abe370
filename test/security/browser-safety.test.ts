import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../../src/config/index.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The zero-config demo's situation: anonymous requests are admin, so any page a browser opens
// could act as admin unless the gateway refuses what browsers send on a foreign page's behalf.
const EVIL = 'https://evil.example';
const LISTED = 'https://dash.example.com';

let demo: DemoDatabases;
let gw: TestGateway;
let listed: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  [gw, listed] = await Promise.all([
    startTestGateway({ databases: demo.databases, probeIntervalMs: 60_000 }),
    startTestGateway({ databases: demo.databases, probeIntervalMs: 60_000, cors: { origins: [LISTED] } }),
  ]);
});

afterAll(async () => {
  await Promise.all([gw?.stop(), listed?.stop()]);
  await demo?.drop();
});

const projectNames = async () => (await demo.app.sql<{ name: string }>('SELECT name FROM projects ORDER BY id')).map((r) => r.name);
const insert = (name: string) => `mutation { app { insertProjects(objects: [{ name: "${name}", ownerEmail: "x@example.com" }]) { id } } }`;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the given headers (fetch would not let us set Host). */
function raw(base: string, method: string, headers: Record<string, string>, body?: string, path = '/graphql'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (response: RawResponse) => JSON.parse(response.body) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };

describe('what a foreign page can send without a preflight', () => {
  it('a form POST from a foreign origin is refused with 403 and inserts nothing', async () => {
    const body = new URLSearchParams({ query: insert('csrf-form') }).toString();
    const res = await raw(gw.url, 'POST', { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' }, body);
    expect(res.status).toBe(403);
    expect(json(res).errors![0]).toMatchObject({ extensions: { code: 'ORIGIN_NOT_ALLOWED' } });
    expect(json(res).errors![0].message).toContain(EVIL);
    expect(await projectNames()).not.toContain('csrf-form');
  });

  it('a form POST without an Origin header is refused as a CSRF risk (415) and inserts nothing', async () => {
    const body = new URLSearchParams({ query: insert('csrf-form-no-origin') }).toString();
    const res = await raw(gw.url, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    expect(res.status).toBe(415);
    expect(json(res).errors![0]).toMatchObject({ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', hint: expect.stringContaining('application/json') } });
    expect(await projectNames()).not.toContain('csrf-form-no-origin');
  });

  it('a multipart POST is refused (415) and inserts nothing', async () => {
    const boundary = 'XyZ';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="operations"', '', JSON.stringify({ query: insert('csrf-multipart') }), `--${boundary}--`, ''].join('\r\n');
    const res = await raw(gw.url, 'POST', { 'content-type': `multipart/form-data; boundary=${boundary}` }, body);
    expect(res.status).toBe(415);
    expect(json(res).errors![0].extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await projectNames()).not.toContain('csrf-multipart');
  });

  it('a text/plain POST carrying JSON is refused (415) and inserts nothing', async () => {
    const res = await raw(gw.url, 'POST', { 'content-type': 'text/plain;charset=UTF-8' }, JSON.stringify({ query: insert('csrf-text') }));
    expect(res.status).toBe(415);
    expect(await projectNames()).not.toContain('csrf-text');
  });

  it('a mutation in a GET query string is refused and inserts nothing', async () => {
    const res = await raw(gw.url, 'GET', { accept: 'application/json' }, undefined, `/graphql?query=${encodeURIComponent(insert('csrf-get'))}`);
    expect(res.status).toBe(405);
    expect(await projectNames()).not.toContain('csrf-get');
  });

  it('a JSON POST from a foreign origin is refused with 403 even though it would be preflighted', async () => {
    const res = await raw(gw.url, 'POST', { origin: EVIL, 'content-type': 'application/json' }, JSON.stringify({ query: insert('cors-json') }));
    expect(res.status).toBe(403);
    expect(json(res).errors![0]).toMatchObject({ extensions: { code: 'ORIGIN_NOT_ALLOWED', hint: expect.stringContaining('cors.origins') } });
    expect(await projectNames()).not.toContain('cors-json');
  });

  it('a preflight from a foreign origin grants nothing', async () => {
    const res = await raw(gw.url, 'OPTIONS', { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('the opaque origin "null" (sandboxed frames, data: URLs) is foreign', async () => {
    const res = await raw(gw.url, 'POST', { origin: 'null', 'content-type': 'application/json' }, JSON.stringify({ query: '{ databases { name } }' }));
    expect(res.status).toBe(403);
  });

  it('a page on a rebound DNS name (Origin and Host both evil) is refused', async () => {
    const port = new URL(gw.url).port;
    const res = await raw(gw.url, 'POST', { origin: `http://rebind.evil.example:${port}`, host: `rebind.evil.example:${port}`, 'content-type': 'application/json' }, JSON.stringify({ query: insert('rebind') }));
    expect(res.status).toBe(403);
    expect(await projectNames()).not.toContain('rebind');
  });
});

describe('what keeps working', () => {
  it('GraphiQL on the gateway itself (same loopback origin) can run a mutation', async () => {
    const port = new URL(gw.url).port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await raw(gw.url, 'POST', { origin, host: new URL(origin).host, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify({ query: '{ databases { name } }' }));
      expect(res.status).toBe(200);
      expect(json(res).errors).toBeUndefined();
    }
  });

  it('a client without an Origin header (curl, a server) posts JSON as before', async () => {
    const { status, body } = await gw.graphql(insert('server-side'));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(await projectNames()).toContain('server-side');
  });

  it('an origin listed in cors.origins gets a CORS grant for its preflight and its request', async () => {
    const preflight = await raw(listed.url, 'OPTIONS', { origin: LISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' });
    expect(preflight.headers['access-control-allow-origin']).toBe(LISTED);
    const res = await raw(listed.url, 'POST', { origin: LISTED, 'content-type': 'application/json', accept: 'application/json' }, JSON.stringify({ query: '{ databases { name } }' }));
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(LISTED);
    expect(json(res).data.databases).toHaveLength(2);
  });

  it('listing one origin does not let another in', async () => {
    const res = await raw(listed.url, 'POST', { origin: EVIL, 'content-type': 'application/json' }, JSON.stringify({ query: '{ databases { name } }' }));
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** Opens a graphql-ws socket with the given Origin; resolves to the HTTP status of a refused upgrade, or 101. */
function upgrade(base: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', origin ? { origin } : {});
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

describe('WebSocket upgrades (not covered by CORS)', () => {
  it('an upgrade from a foreign origin is refused with 403', async () => {
    expect(await upgrade(gw.url, EVIL)).toBe(403);
    expect(await upgrade(listed.url, EVIL)).toBe(403);
  });

  it('an upgrade from the gateway page itself, a listed origin, or a client without Origin is accepted', async () => {
    const port = new URL(gw.url).port;
    expect(await upgrade(gw.url, `http://127.0.0.1:${port}`)).toBe(101);
    expect(await upgrade(listed.url, LISTED)).toBe(101);
    expect(await upgrade(gw.url)).toBe(101);
  });
});

describe('cors.origins in the config', () => {
  it('an origin is normalised the way browsers send it', () => {
    const config = parseConfig({ cors: { origins: ['HTTPS://Dash.Example.com:443/', 'http://localhost:3000'] } }, {});
    expect(config.cors.origins).toEqual(['https://dash.example.com', 'http://localhost:3000']);
  });

  it('a wildcard, a path or another scheme is refused, naming the key', () => {
    for (const bad of ['*', 'https://*.example.com', 'https://dash.example.com/app', 'file:///tmp', 'dash.example.com']) {
      expect(() => parseConfig({ cors: { origins: [bad] } }, {})).toThrow(/cors\.origins\[0\]: .*is not an origin/);
    }
  });
});
