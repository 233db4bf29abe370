import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, subscribe, wsClient } from '../auth/authz-helpers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { waitFor, type TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';

// Issue #17 item 2: the console's live database list is a subscription (`databaseStatus`), and
// `viewer` tells a client which role it holds so it offers only what that role may do.

const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
let db: TestDatabase;
let control: TestDatabase;
let gw: TestGateway;
let readerKey: string;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  [db, control] = await Promise.all([createTestDatabase('status'), createTestDatabase('control')]);
  await db.sql('CREATE TABLE items (id int PRIMARY KEY)');
  gw = await startSecureGateway(
    { probeIntervalMs: 60_000, databases: [{ name: 'left', url: db.url }, { name: 'right', url: db.url }], control: { url: control.url }, auth: { adminApiKey } },
    { anonymous: null, secretKey: newSecretKey() },
  );
  const { body } = await gw.graphql(`mutation { createApiKey(label: "left-reader", role: READER, databases: ["left"]) { key } }`, {}, bearer(adminApiKey));
  readerKey = body.data.createApiKey.key;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await Promise.all([db?.drop(), control?.drop()]);
});

const STATUS = `subscription { databaseStatus { name status serverVersion mode latencyMs error hint pool { total idle waiting max } } }`;

describe('databaseStatus and viewer', () => {
  it('viewer names the caller’s role and grant; without credentials it is UNAUTHENTICATED', async () => {
    const reader = await gw.graphql(`{ viewer { name role databases } }`, {}, bearer(readerKey));
    expect(reader.body.data.viewer).toEqual({ name: 'left-reader', role: 'READER', databases: ['left'] });
    const admin = await gw.graphql(`{ viewer { role databases } }`, {}, bearer(adminApiKey));
    expect(admin.body.data.viewer).toEqual({ role: 'ADMIN', databases: null });
    const anonymous = await gw.graphql(`{ viewer { role } }`);
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a subscriber gets the database list at once, only the databases of its grant', async () => {
    const client = wsClient(gw, readerKey);
    clients.push(client);
    const sub = subscribe(client, STATUS);
    await waitFor(() => sub.results.length > 0, 5000);
    const [first] = sub.results;
    expect(first.errors).toBeUndefined();
    expect(first.data.databaseStatus).toHaveLength(1);
    expect(first.data.databaseStatus[0]).toMatchObject({ name: 'left', status: 'UP', mode: 'SESSION', error: null, hint: null, pool: { max: 10 } });
    expect(first.data.databaseStatus[0].serverVersion).toMatch(/^\d+/);
    sub.stop();
  });

  it('the list is sent again when the schema is rebuilt, without waiting for the probe interval', async () => {
    const client = wsClient(gw, adminApiKey);
    clients.push(client);
    const sub = subscribe(client, STATUS);
    await waitFor(() => sub.results.length > 0, 5000);
    expect(sub.results[0].data.databaseStatus.map((d: { name: string }) => d.name).sort()).toEqual(['left', 'right']);
    await gw.graphql(`mutation { reloadCatalog(database: "right") { name } }`, {}, bearer(adminApiKey));
    await waitFor(() => sub.results.length > 1, 5000);
    expect(sub.results[1].data.databaseStatus).toHaveLength(2);
    sub.stop();
  });

  it('an anonymous subscriber gets UNAUTHENTICATED and no list', async () => {
    const client = wsClient(gw);
    clients.push(client);
    const sub = subscribe(client, STATUS);
    const done = await sub.done;
    const errors = done instanceof Error ? JSON.parse(done.message) : sub.results[0]?.errors;
    expect(errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(sub.results.every((r) => !r.data?.databaseStatus)).toBe(true);
  });
});
