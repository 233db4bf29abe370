import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { waitFor, type TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';
import { bearer, subscribe, wsClient, type Subscription } from './authz-helpers.js';

const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
const jwtSecret = randomBytes(16).toString('hex');
let db: TestDatabase;
let control: TestDatabase;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  [db, control] = await Promise.all([createTestDatabase('subs'), createTestDatabase('control')]);
  await db.sql('CREATE TABLE items (id int PRIMARY KEY)');
  gw = await startSecureGateway({ databases: [{ name: 'subs', url: db.url }, { name: 'other', url: db.url }], control: { url: control.url }, auth: { adminApiKey, jwtSecret } }, { anonymous: null, secretKey: newSecretKey() });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await Promise.all([db?.drop(), control?.drop()]);
});

async function admin(query: string, variables?: Record<string, unknown>) {
  const { body } = await gw.graphql(query, variables, bearer(adminApiKey));
  expect(body.errors).toBeUndefined();
  return body.data;
}

const SCHEMA_CHANGED = `subscription { schemaChanged { databases } }`;
const reload = () => admin(`mutation { reloadCatalog(database: "subs") { name } }`);

/** Subscribes to schemaChanged with `token` and waits until one event has arrived, so the subscription is live. */
async function liveSubscription(token: string): Promise<Subscription> {
  const client = wsClient(gw, token);
  clients.push(client);
  const sub = subscribe(client, SCHEMA_CHANGED);
  await waitFor(async () => {
    if (sub.results.length) return true;
    await reload();
    return false;
  }, 5000, 100);
  expect(sub.results[0]).toEqual({ data: { schemaChanged: { databases: ['subs'] } } });
  return sub;
}

const lastError = (sub: Subscription) => sub.results.at(-1)!.errors?.[0];

describe('subscriptions end with their credentials', () => {
  it('revoking the API key ends its open subscription at once with UNAUTHENTICATED', async () => {
    const { createApiKey } = await admin(`mutation { createApiKey(label: "watcher", role: READER) { id key } }`);
    const sub = await liveSubscription(createApiKey.key);
    const started = performance.now();
    await admin(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: createApiKey.id });
    expect(await sub.done).toBe('complete');
    const tookMs = performance.now() - started;
    expect(lastError(sub)).toMatchObject({ message: 'the API key of this subscription was revoked', extensions: { code: 'UNAUTHENTICATED' } });
    expect(tookMs).toBeLessThan(1000);
  });

  it('a key revoked behind this gateway’s back (another instance) ends the subscription at its next event, which is not delivered', async () => {
    const { createApiKey } = await admin(`mutation { createApiKey(label: "watcher-2", role: READER) { id key } }`);
    const sub = await liveSubscription(createApiKey.key);
    const delivered = sub.results.length;
    await control.sql('UPDATE switchyard.api_keys SET revoked_at = now() WHERE id = $1', [createApiKey.id]);
    await reload();
    expect(await sub.done).toBe('complete');
    expect(sub.results).toHaveLength(delivered + 1);
    expect(sub.results.at(-1)!.data ?? null).toBeNull();
    expect(lastError(sub)).toMatchObject({ message: 'unknown or revoked API key', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a subscription opened with a JWT ends when the token expires', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ switchyard_role: 'reader' }).setProtectedHeader({ alg: 'HS256' }).setSubject('watcher').setExpirationTime(expiresAt).sign(new TextEncoder().encode(jwtSecret));
    const sub = await liveSubscription(token);
    expect(await sub.done).toBe('complete');
    const lateByMs = Date.now() - expiresAt * 1000;
    expect(lastError(sub)).toMatchObject({ message: 'the token of this subscription has expired', extensions: { code: 'UNAUTHENTICATED' } });
    expect(lateByMs).toBeGreaterThanOrEqual(0);
    expect(lateByMs).toBeLessThan(1000);
  });

  it('a subscriber limited to one database hears only of schema changes to that database', async () => {
    const { createApiKey } = await admin(`mutation { createApiKey(label: "subs-only", role: READER, databases: ["subs"]) { key } }`);
    const sub = await liveSubscription(createApiKey.key);
    const before = sub.results.length;
    await admin(`mutation { reloadCatalog(database: "other") { name } }`);
    await reload();
    await waitFor(() => sub.results.length > before);
    expect(sub.results.slice(before)).toEqual([{ data: { schemaChanged: { databases: ['subs'] } } }]);
    sub.stop();
  });

  it('an unrelated revocation leaves other subscriptions running', async () => {
    const [a, b] = await Promise.all([
      admin(`mutation { createApiKey(label: "keep", role: READER) { id key } }`),
      admin(`mutation { createApiKey(label: "drop", role: READER) { id key } }`),
    ]);
    const kept = await liveSubscription(a.createApiKey.key);
    await admin(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: b.createApiKey.id });
    const before = kept.results.length;
    await reload();
    await waitFor(() => kept.results.length > before);
    expect(kept.results.at(-1)).toEqual({ data: { schemaChanged: { databases: ['subs'] } } });
    kept.stop();
  });
});
