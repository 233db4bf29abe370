import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, offlineContext } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Issue #17 item 1: GraphiQL is served from the package, so it works with no internet at all.

describe.skipIf(!!browserSkipReason)('GraphiQL offline (Chromium)', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase('giql');
    await db.sql('CREATE TABLE widgets (id int PRIMARY KEY, label text)');
    [gw, browser] = await Promise.all([startTestGateway({ databases: [{ name: 'shop', url: db.url }] }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await db?.drop();
  });

  it('GraphiQL renders its editor and runs a query with only 127.0.0.1 reachable', async () => {
    const { context, refused } = await offlineContext(browser);
    const page = await context.newPage();
    // GraphiQL's own first request: the introspection query, over HTTP from the page's origin.
    const introspection = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('__schema'));
    await page.goto(`${gw.url}/graphql`, { waitUntil: 'load' });
    await page.locator('.graphiql-container').first().waitFor({ timeout: 10_000 });
    expect(await page.title()).toBe('Switchyard GraphiQL');
    const html = await page.content();
    expect(html).not.toContain('Loading __TITLE__');
    // Subscriptions typed into GraphiQL go over graphql-ws, like every other client's.
    expect(html).toMatch(/renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*\{[^}]*"subscriptionsProtocol":"WS"/);
    const schema = (await (await introspection).json()).data.__schema;
    expect(schema.queryType.name).toBe('Query');
    const result = await page.evaluate(async () => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ shop { widgets { id } } }' }) });
      return res.json();
    });
    expect(result.data).toEqual({ shop: { widgets: [] } });
    expect(refused).toEqual([]);
    await context.close();
  });
});
