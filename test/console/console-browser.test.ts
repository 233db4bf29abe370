import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELATIONSHIPS, migrateDatabase } from '../../src/demo.js';
import { parseConfig } from '../../src/config/index.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { browserSkipReason, launchBrowser, offlineContext } from '../helpers/browser.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { waitFor, type TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';

// Issue #17 items 2, 3 and 5: the console at /console, driven in Debian's Chromium with only
// 127.0.0.1 reachable. Screenshots of each page go to docs/console-*.png.

const PROBE_MS = 1000;
const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
// Pictures go to docs/ with SWITCHYARD_SCREENSHOTS=1 (`npm run screenshots`), else to a temporary
// folder, so a test run leaves the work tree clean. A new API key is masked: even a throwaway key
// should not sit in a committed picture.
const SHOTS_DIR = process.env.SWITCHYARD_SCREENSHOTS === '1' ? path.resolve('docs') : path.join(tmpdir(), 'switchyard-screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS_DIR, `console-${name}.png`), mask: [page.locator('#new-key')] });

describe.skipIf(!!browserSkipReason)('the console (Chromium)', () => {
  let engineer: TestDatabase;
  let control: TestDatabase;
  let own: EmbeddedCluster;
  let ownDir: string;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let readerKey: string;

  beforeAll(async () => {
    ownDir = await mkdtemp(path.join(tmpdir(), 'switchyard-console-'));
    [engineer, control, own, browser] = await Promise.all([
      createTestDatabase('engineer'),
      createTestDatabase('control'),
      startEmbeddedCluster({ dataDir: ownDir, password: 'console-pw', persistent: false, serverFlags: ['-c', 'fsync=off'] }),
      launchBrowser(),
    ]);
    await own.ensureDatabase('app');
    const databases = [
      { name: 'engineer', url: engineer.url, purpose: 'LEO protocol', migrationsDir: path.resolve('migrations/engineer') },
      { name: 'app', url: own.url('app'), purpose: 'projects and users', migrationsDir: path.resolve('migrations/app') },
    ];
    await Promise.all(parseConfig({ databases }, {}).databases.map((d) => migrateDatabase(d)));
    gw = await startSecureGateway(
      { probeIntervalMs: PROBE_MS, databases, relationships: DEMO_RELATIONSHIPS, control: { url: control.url }, auth: { adminApiKey } },
      { anonymous: null, secretKey: newSecretKey() },
    );
    // Take each database back one migration, so the run started in the browser has work to do.
    const { body } = await gw.graphql(`mutation { runMigrations(direction: DOWN, count: 1) { id } }`, {}, { authorization: `Bearer ${adminApiKey}` });
    const runId = body.data.runMigrations.id;
    await waitFor(async () => (await gw.graphql(`query($id: ID!) { migrationRun(id: $id) { status } }`, { id: runId }, { authorization: `Bearer ${adminApiKey}` })).body.data.migrationRun.status === 'SUCCEEDED');
    page = await (await offlineContext(browser)).context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await own?.stop().catch(() => {});
    await Promise.all([engineer?.drop(), control?.drop(), rm(ownDir, { recursive: true, force: true })]);
  });

  it('a wrong key is refused on the sign-in page with the gateway’s message', async () => {
    await page.goto(`${gw.url}/console`);
    await page.fill('#api-key', 'sy_wrong');
    await page.click('#sign-in button[type=submit]');
    await expect.poll(() => page.textContent('#sign-in-error')).toMatch(/API key/i);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('an admin signs in with an API key kept in session storage, never in the URL, and sees both databases UP', async () => {
    await page.fill('#api-key', adminApiKey);
    await page.click('#sign-in button[type=submit]');
    await page.locator('[data-database=engineer][data-status=UP]').waitFor();
    await page.locator('[data-database=app][data-status=UP]').waitFor();
    expect(page.url()).not.toContain(adminApiKey);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([adminApiKey]);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Databases', 'Relationships', 'Migrations', 'Audit log', 'API keys']);
    await expect.poll(() => page.locator('[data-database=app] .pool').textContent()).toMatch(/\/10 open/);
    await shot(page, 'databases');
  });

  it('the run button is offered only after a dry run; the run’s bars reach 100 % and its events stream in', async () => {
    await page.click('#nav a[data-page=migrations]');
    await page.locator('#dry-run-button').waitFor();
    expect(await page.isDisabled('#run-button')).toBe(true);
    await page.click('#dry-run-button');
    await page.locator('#run[data-dry-run=true] #run-status.SUCCEEDED').waitFor();
    expect(await page.locator('.log li[data-type=MIGRATION_PLANNED]').count()).toBe(2);
    await expect.poll(() => page.isDisabled('#run-button')).toBe(false);
    await page.click('#run-button');
    await page.locator('#run[data-dry-run=false] #run-status.SUCCEEDED').waitFor();
    for (const database of ['engineer', 'app']) {
      expect(await page.getAttribute(`.progress-row[data-database=${database}] [role=progressbar]`, 'aria-valuenow')).toBe('100');
    }
    const types = await page.locator('.log li').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.type));
    expect(types[0]).toBe('RUN_STARTED');
    expect(types.filter((t) => t === 'MIGRATION_APPLIED')).toHaveLength(2);
    // Statement-level events (docs/PROTOCOL.md) are logged with their fields, like every other event.
    expect(types).toContain('STATEMENT_FINISHED');
    expect(await page.locator('.log li[data-type=STATEMENT_FINISHED]').first().textContent()).toMatch(/STATEMENT_FINISHED engineer \S+ {2}.*\bstatement=\d+ statements=\d+ firstLine=INSERT INTO/);
    expect(types.at(-1)).toBe('RUN_FINISHED');
    await expect.poll(() => page.locator('table tr').count()).toBeGreaterThan(2);
    await shot(page, 'migrations');
  });

  it('relationships and the audit log are listed', async () => {
    await page.click('#nav a[data-page=relationships]');
    await expect.poll(() => page.textContent('#page-relationships')).toContain('engineer.strategic_directives_v2(app_project_id)');
    await shot(page, 'relationships');
    await page.click('#nav a[data-page=audit]');
    await expect.poll(() => page.textContent('#page-audit')).toContain('MIGRATION_RUN');
    await shot(page, 'audit');
  });

  it('a created key is shown once; a revoked one is marked revoked', async () => {
    await page.click('#nav a[data-page=keys]');
    for (const label of ['doomed', 'console-reader']) {
      await page.fill('#key-form input[name=label]', label);
      await page.selectOption('#key-form select[name=role]', 'READER');
      await page.click('#key-form button[type=submit]');
      await page.locator('#new-key-label', { hasText: `"${label}"` }).waitFor();
      expect(await page.textContent('#new-key')).toMatch(/^sy_/);
      if (label === 'console-reader') readerKey = (await page.textContent('#new-key'))!;
    }
    const doomed = page.locator('tr', { hasText: 'doomed' });
    await doomed.locator('button[data-revoke]').click();
    await doomed.locator('button[data-revoke]').click();
    await expect.poll(() => page.locator('tr', { hasText: 'doomed' }).textContent()).toContain('revoked');
    await shot(page, 'keys');
    await page.reload();
    await page.click('#nav a[data-page=keys]');
    await page.locator('tr', { hasText: 'console-reader' }).waitFor();
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(readerKey);
  });

  it('a stopped cluster turns DOWN on the page within the probe interval, with its error and hint', async () => {
    await page.click('#nav a[data-page=databases]');
    await page.locator('[data-database=app][data-status=UP]').waitFor();
    await own.stop();
    const stopped = performance.now();
    await page.locator('[data-database=app][data-status=DOWN]').waitFor({ timeout: 2 * PROBE_MS + 2000 });
    expect(performance.now() - stopped).toBeLessThan(2 * PROBE_MS + 2000);
    expect(await page.locator('[data-database=engineer]').getAttribute('data-status')).toBe('UP');
    expect(await page.textContent('[data-database=app] .error')).toMatch(/\S/);
    await shot(page, 'database-down');
  });

  it('a reader key sees the databases but no migrations page and no run button', async () => {
    const { context } = await offlineContext(browser);
    const reader = await context.newPage();
    await reader.goto(`${gw.url}/console/`);
    await reader.fill('#api-key', readerKey);
    await reader.click('#sign-in button[type=submit]');
    await reader.locator('[data-database=engineer]').waitFor();
    expect(await reader.locator('#nav a').allTextContents()).toEqual(['Databases']);
    expect(await reader.locator('#run-button, #dry-run-button').count()).toBe(0);
    await reader.goto(`${gw.url}/console/#/migrations`);
    await reader.locator('[data-database=engineer]').waitFor();
    expect(await reader.locator('#run-button').count()).toBe(0);
    await context.close();
  });

  it('a foreign origin still cannot use the gateway: its POST gets 403 and its WebSocket upgrade is refused', async () => {
    const res = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json', authorization: `Bearer ${adminApiKey}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(res.status).toBe(403);
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${gw.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { origin: 'http://evil.example' });
      socket.on('unexpected-response', (_req, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);
  });
});
