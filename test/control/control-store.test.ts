import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSchema, parseConfig, type RelationshipConfig } from '../../src/config/index.js';
import { Connection } from '../../src/connections/index.js';
import { ControlStore } from '../../src/control/index.js';
import { migrateDatabase } from '../../src/demo.js';
import { GatewayError } from '../../src/errors/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

const PASSWORD = 'Very-Secret-pw-91';
const key = randomBytes(32);
let db: TestDatabase;
let connection: Connection;
let store: ControlStore;

beforeAll(async () => {
  db = await createTestDatabase('control');
  const config = parseConfig({ databases: [{ name: 'control', url: db.url, migrationsDir: 'migrations/control' }] }, {}).databases[0];
  await migrateDatabase(config);
  connection = new Connection(config);
  store = new ControlStore(connection, key);
});
afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

const entry = (name: string, extra: Record<string, unknown> = {}) =>
  databaseSchema.parse({ name, url: `postgres://app:${PASSWORD}@db.internal:5432/${name}`, purpose: `${name} data`, ...extra });

const relationship = (name: string, toTable = 'users'): RelationshipConfig => ({
  name,
  type: 'object',
  from: { database: 'engineer', schema: 'public', table: 'tasks', columns: ['owner_id'] },
  to: { database: 'app', schema: 'public', table: toTable, columns: ['id'] },
});

describe('registered databases', () => {
  it('stores the entry sealed: the password and URL are not in the table, and the entry comes back intact', async () => {
    const saved = entry('reg_one', { readOnly: true, schemas: ['public', 'api'] });
    await store.saveDatabase(saved);
    const rows = await db.sql<{ name: string; purpose: string; sealed_config: string }>(
      "SELECT name, purpose, sealed_config FROM switchyard.databases WHERE name = 'reg_one'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].purpose).toBe('reg_one data');
    expect(rows[0].sealed_config).toMatch(/^v1\./);
    expect(rows[0].sealed_config).not.toContain(PASSWORD);
    expect(rows[0].sealed_config).not.toContain('db.internal');
    const listed = (await store.listDatabases()).find((d) => d.name === 'reg_one');
    expect(listed).toEqual(saved);
  });

  it('saving an existing name replaces the entry and bumps updated_at', async () => {
    await store.saveDatabase(entry('reg_two'));
    const [before] = await db.sql<{ updated_at: Date }>("SELECT updated_at FROM switchyard.databases WHERE name = 'reg_two'");
    await store.saveDatabase(entry('reg_two', { purpose: 'changed', readOnly: true }));
    const [after] = await db.sql<{ updated_at: Date; purpose: string }>("SELECT updated_at, purpose FROM switchyard.databases WHERE name = 'reg_two'");
    expect(after.purpose).toBe('changed');
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    const listed = (await store.listDatabases()).filter((d) => d.name === 'reg_two');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ purpose: 'changed', readOnly: true });
  });

  it('deleting removes the entry and reports whether there was one', async () => {
    await store.saveDatabase(entry('reg_three'));
    expect(await store.deleteDatabase('reg_three')).toBe(true);
    expect(await store.deleteDatabase('reg_three')).toBe(false);
    expect((await store.listDatabases()).map((d) => d.name)).not.toContain('reg_three');
  });

  it('an invalid entry is refused without storing it and without echoing its password', async () => {
    const bad = { name: 'reg_bad', url: `postgres://app:${PASSWORD}@h/db`, host: 'h' } as never;
    const error = await store.saveDatabase(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
    expect((error as GatewayError).message).toMatch(/give exactly one of url, host/);
    expect((error as GatewayError).message).not.toContain(PASSWORD);
    expect(await db.sql("SELECT 1 FROM switchyard.databases WHERE name = 'reg_bad'")).toEqual([]);
  });

  it('entries do not open with another secret key, and the error names the database', async () => {
    await store.saveDatabase(entry('reg_four'));
    const other = new ControlStore(connection, randomBytes(32));
    const error = await other.listDatabases().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('BAD_CONFIG');
    expect((error as GatewayError).message).toMatch(/^\[control:reg_[a-z]+\] cannot open the stored connection entry/);
  });

  it('a sealed config copied onto another row does not open there', async () => {
    await store.saveDatabase(entry('reg_five'));
    await store.saveDatabase(entry('reg_six'));
    await db.sql(
      "UPDATE switchyard.databases SET sealed_config = (SELECT sealed_config FROM switchyard.databases WHERE name = 'reg_five') WHERE name = 'reg_six'",
    );
    await expect(store.listDatabases()).rejects.toThrow(/\[control:reg_six\] cannot open/);
    await store.deleteDatabase('reg_six');
    await store.deleteDatabase('reg_four');
  });
});

describe('relationships', () => {
  it('saves, replaces, lists and deletes relationships keyed by source database and name', async () => {
    await store.saveRelationship(relationship('owner'));
    await store.saveRelationship(relationship('assignee'));
    expect((await store.listRelationships()).map((r) => r.name)).toEqual(['assignee', 'owner']);

    await store.saveRelationship(relationship('owner', 'people'));
    const owner = (await store.listRelationships()).filter((r) => r.name === 'owner');
    expect(owner).toEqual([relationship('owner', 'people')]);

    expect(await store.deleteRelationship('engineer', 'owner')).toBe(true);
    expect(await store.deleteRelationship('engineer', 'owner')).toBe(false);
    expect((await store.listRelationships()).map((r) => r.name)).toEqual(['assignee']);
  });

  it('refuses a relationship whose column lists differ in length', async () => {
    const bad = { ...relationship('broken'), to: { ...relationship('broken').to, columns: ['a', 'b'] } };
    await expect(store.saveRelationship(bad)).rejects.toThrow(/relationship "broken" is invalid: .*differ in length/);
  });
});

describe('migration runs', () => {
  it('upserts a run by id and lists runs newest first, filtered by database', async () => {
    const older = { id: randomUUID(), databases: ['mr_a'], direction: 'up' as const, status: 'SUCCEEDED' as const, error: null, events: [], startedBy: 'ops', startedAt: new Date(Date.now() - 60_000), finishedAt: new Date(Date.now() - 59_000) };
    const run = { id: randomUUID(), databases: ['mr_a', 'mr_b'], direction: 'up' as const, status: 'RUNNING' as const, error: null, events: [{ type: 'RUN_STARTED', seq: 1 }], startedBy: 'alice', startedAt: new Date() };
    await store.saveMigrationRun(older);
    await store.saveMigrationRun(run);
    await store.saveMigrationRun({ ...run, status: 'FAILED', error: 'boom', events: [...run.events, { type: 'RUN_FINISHED', seq: 2 }], finishedAt: new Date(), count: 2, dryRun: true });

    const forA = await store.listMigrationRuns('mr_a', 10);
    expect(forA.map((r) => r.id)).toEqual([run.id, older.id]);
    expect(forA[0]).toMatchObject({ status: 'FAILED', error: 'boom', startedBy: 'alice', databases: ['mr_a', 'mr_b'], count: 2, dryRun: true });
    expect(forA[0].events).toEqual([{ type: 'RUN_STARTED', seq: 1 }, { type: 'RUN_FINISHED', seq: 2 }]);
    expect(forA[0].finishedAt).toBeInstanceOf(Date);
    expect(forA[1]).toMatchObject({ count: null, dryRun: false });

    expect((await store.listMigrationRuns('mr_b', 10)).map((r) => r.id)).toEqual([run.id]);
    expect(await store.listMigrationRuns('mr_a', 1)).toHaveLength(1);
  });

  it('lists only runs wholly within the databases a limited caller may see, even under a limit', async () => {
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    const onlyA = await store.listMigrationRuns(undefined, 1, ['mr_a']);
    expect(onlyA).toHaveLength(1);
    expect(onlyA[0].databases).toEqual(['mr_a']);
    expect(ids(await store.listMigrationRuns('mr_b', 10, ['mr_a']))).toEqual([]);
    expect(await store.listMigrationRuns(undefined, 10, [])).toEqual([]);
  });
});

describe('audit log', () => {
  it('lists entries newest first, filtered by database', async () => {
    for (const n of [1, 2, 3]) await store.audit({ actor: 'alice', action: `step${n}`, database: 'audited', summary: `step ${n}`, outcome: 'OK' });
    await store.audit({ actor: 'bob', action: 'other', summary: 'not about audited', outcome: 'FAILED' });
    const rows = await store.listAudit({ database: 'audited', limit: 10 });
    expect(rows.map((r) => r.action)).toEqual(['step3', 'step2', 'step1']);
    expect(rows[0]).toMatchObject({ actor: 'alice', database: 'audited', outcome: 'OK' });
    expect(rows[0].at).toBeInstanceOf(Date);
    expect((await store.listAudit({ limit: 1 }))[0]).toMatchObject({ action: 'other', database: null, outcome: 'FAILED' });
  });

  it('lists only entries about the databases a limited caller may see, even under a limit; entries about no database are left out', async () => {
    await store.audit({ actor: 'carol', action: 'elsewhere', database: 'not_granted', summary: 'x', outcome: 'OK' });
    const rows = await store.listAudit({ limit: 2, within: ['audited'] });
    expect(rows.map((r) => [r.action, r.database])).toEqual([
      ['step3', 'audited'],
      ['step2', 'audited'],
    ]);
    expect(await store.listAudit({ database: 'not_granted', within: ['audited'] })).toEqual([]);
  });

  it('redacts the password of a postgres:// URL in the summary before storing it', async () => {
    await store.audit({ actor: 'alice', action: 'registerDatabase', database: 'redacted', summary: 'registered postgres://admin:hunter2-pw@db:5432/app', outcome: 'OK' });
    const stored = await db.sql<{ summary: string }>("SELECT summary FROM switchyard.audit_log WHERE database = 'redacted'");
    expect(stored[0].summary).toBe('registered postgres://admin:***@db:5432/app');
  });

  it('redacts passwords of registered databases quoted verbatim, and cuts long summaries to 500 characters', async () => {
    await store.saveDatabase(entry('reg_audit'));
    await store.audit({ actor: 'alice', action: 'probe', database: 'long', summary: `auth failed with ${PASSWORD} ${'x'.repeat(1000)}`, outcome: 'FAILED' });
    const [row] = await store.listAudit({ database: 'long', limit: 1 });
    expect(row.summary).not.toContain(PASSWORD);
    expect(row.summary.startsWith('auth failed with ***')).toBe(true);
    expect(row.summary).toHaveLength(500);
  });
});

describe('API keys', () => {
  it('a created key verifies to its grant; the table holds only its sha256, never the key', async () => {
    const { id, key } = await store.createApiKey({ label: 'ci', role: 'writer', databases: ['app'] });
    expect(key).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
    expect(await store.verifyApiKey(key)).toEqual({ id, label: 'ci', role: 'writer', databases: ['app'] });

    const rows = await db.sql('SELECT * FROM switchyard.api_keys WHERE id = $1', [id]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(3));
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('unknown, malformed and revoked keys do not verify', async () => {
    const { id, key } = await store.createApiKey({ label: 'temp', role: 'reader' });
    expect(await store.verifyApiKey(key)).toEqual({ id, label: 'temp', role: 'reader' });
    expect(await store.verifyApiKey(`${key}x`)).toBeUndefined();
    expect(await store.verifyApiKey('not-a-key')).toBeUndefined();
    expect(await store.revokeApiKey(id)).toBe(true);
    expect(await store.revokeApiKey(id)).toBe(false);
    expect(await store.revokeApiKey('not-a-uuid')).toBe(false);
    expect(await store.verifyApiKey(key)).toBeUndefined();
  });

  it('listing shows labels, roles and revocation, but neither keys nor hashes', async () => {
    const { id, key } = await store.createApiKey({ label: 'listed', role: 'admin' });
    await store.revokeApiKey(id);
    const listed = (await store.listApiKeys()).find((k) => k.id === id);
    expect(listed).toMatchObject({ id, label: 'listed', role: 'admin' });
    expect(listed?.revokedAt).toBeInstanceOf(Date);
    expect(Object.keys(listed ?? {}).sort()).toEqual(['createdAt', 'id', 'label', 'revokedAt', 'role']);
    expect(JSON.stringify(await store.listApiKeys())).not.toContain(key);
  });

  it('refuses an unknown role or a bad database name', async () => {
    await expect(store.createApiKey({ label: 'x', role: 'root' as never })).rejects.toThrow(/role must be one of admin, writer, reader/);
    await expect(store.createApiKey({ label: 'x', role: 'reader', databases: ['Bad Name'] })).rejects.toThrow(/"Bad Name" is not a database name/);
  });
});

describe('API key lookup', () => {
  it('getApiKey returns a key’s grant by id (never the key), undefined for unknown or malformed ids', async () => {
    const created = await store.createApiKey({ label: 'lookup', role: 'writer', databases: ['app'] });
    expect(await store.getApiKey(created.id)).toEqual({ id: created.id, label: 'lookup', role: 'writer', databases: ['app'] });
    expect(await store.getApiKey(randomUUID())).toBeUndefined();
    expect(await store.getApiKey("'; DROP TABLE switchyard.api_keys; --")).toBeUndefined();
  });
});
