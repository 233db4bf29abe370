import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS_DIR } from '../../src/console/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Issue #17 item 2: the console is built into the package (no CDN, no runtime download), small,
// and served with headers that keep it to its own files.

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? files(path.join(dir, f)) : [path.join(dir, f)]));

/** A raw GET that keeps the path as written (fetch would normalise `..`). */
function rawGet(url: string, pathname: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

describe('console assets', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('assets');
    gw = await startTestGateway({ databases: [{ name: 'shop', url: db.url }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it('the console is under 64 KB in all and names no outside address (no CDN, no download)', () => {
    const all = files(CONSOLE_ASSETS_DIR);
    const bytes = all.reduce((sum, f) => sum + statSync(f).size, 0);
    expect(bytes).toBeLessThan(64 * 1024);
    for (const file of all) expect(readFileSync(file, 'utf8'), file).not.toMatch(/(src|href)=["']?(https?:)?\/\/|import\s*[^;]*from\s*["']https?:/);
    expect(all.map((f) => path.relative(CONSOLE_ASSETS_DIR, f))).toContain('vendor/graphql-ws.js');
  });

  it('/console redirects to /console/, which is served with a CSP limiting scripts, styles and connections to the gateway', async () => {
    const redirect = await rawGet(gw.url, '/console');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe('/console/');
    const page = await rawGet(gw.url, '/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'; style-src 'self'; connect-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<script type="module" src="./app.js">');
    const script = await rawGet(gw.url, '/console/vendor/graphql-ws.js', 'HEAD');
    expect([script.status, script.headers['content-type'], script.body]).toEqual([200, 'text/javascript; charset=utf-8', '']);
  });

  it('only the console’s own files are served: unknown names and paths with .. are 404', async () => {
    for (const p of ['/console/nope.js', '/console/../package.json', '/console/%2e%2e/package.json', '/console/vendor/../../index.ts']) {
      expect((await rawGet(gw.url, p)).status, p).toBe(404);
    }
  });

  it('console: false serves no console (the path falls through to GraphQL\'s 404)', async () => {
    const off = await startTestGateway({ console: false, databases: [{ name: 'shop', url: db.url }] });
    try {
      expect((await rawGet(off.url, '/console/')).status).toBe(404);
      expect((await rawGet(off.url, '/console/app.js')).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
