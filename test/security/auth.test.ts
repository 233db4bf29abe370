import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import type { TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from './security-helpers.js';

const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
const jwtSecret = randomBytes(16).toString('hex');

let demo: DemoDatabases;
let control: TestDatabase;
let gw: TestGateway;
let readerKey: { id: string; key: string };
let writerKey: { id: string; key: string };

beforeAll(async () => {
  [demo, control] = await Promise.all([createDemoDatabases(), createTestDatabase('control')]);
  gw = await startSecureGateway(
    { databases: demo.databases, control: { url: control.url }, auth: { adminApiKey, jwtSecret } },
    { anonymous: null, secretKey: newSecretKey() },
  );
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([demo?.drop(), control?.drop()]);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function jwt(claims: Record<string, unknown>, expiresAt: number) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('ci-bot').setIssuedAt().setExpirationTime(expiresAt).sign(new TextEncoder().encode(jwtSecret));
}
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

const PROJECTS = `{ app { projects(orderBy: [{ id: ASC }]) { id } } }`;
const INSERT_PROJECT = `mutation($name: String!) { app { insertProjects(objects: [{ name: $name, ownerEmail: "x@example.com" }]) { id name } } }`;
const projectNames = async () => (await demo.app.sql<{ name: string }>('SELECT name FROM projects ORDER BY id')).map((r) => r.name);

describe('without valid credentials', () => {
  it('a request without credentials is UNAUTHENTICATED with HTTP 401', async () => {
    const { status, body } = await gw.graphql(PROJECTS);
    expect(status).toBe(401);
    expect(body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data?.app ?? null).toBeNull();
  });

  it('an unknown API key is refused with HTTP 401', async () => {
    const { status, body } = await gw.graphql(PROJECTS, undefined, bearer(`sy_${randomBytes(32).toString('base64url')}`));
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({ message: 'unknown or revoked API key', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a JWT signed with another secret is refused with HTTP 401', async () => {
    const forged = await new SignJWT({ switchyard_role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(inSeconds(300)).sign(new TextEncoder().encode('not-the-gateway-secret'));
    const { status, body } = await gw.graphql(PROJECTS, undefined, bearer(forged));
    expect(status).toBe(401);
    expect(body.errors![0].message).toMatch(/signature is invalid/);
  });
});

describe('API keys', () => {
  it('the bootstrap admin key creates a reader key and a writer key limited to one database', async () => {
    const { status, body } = await gw.graphql(
      `mutation {
        reader: createApiKey(label: "dashboard", role: READER) { id key role }
        writer: createApiKey(label: "app-sync", role: WRITER, databases: ["app"]) { id key role }
      }`,
      undefined,
      bearer(adminApiKey),
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    ({ reader: readerKey, writer: writerKey } = body.data);
    expect(body.data.reader).toMatchObject({ role: 'READER', key: expect.stringMatching(/^sy_/) });
    expect(body.data.writer).toMatchObject({ role: 'WRITER', key: expect.stringMatching(/^sy_/) });
    const stored = await control.sql('SELECT * FROM switchyard.api_keys');
    expect(JSON.stringify(stored)).not.toContain(readerKey.key);
  });

  it('a reader can query but neither write data nor run DDL, and nothing changes', async () => {
    const before = await projectNames();
    const read = await gw.graphql(PROJECTS, undefined, bearer(readerKey.key));
    expect(read.body).toEqual({ data: { app: { projects: [{ id: 1 }, { id: 2 }] } } });

    const write = await gw.graphql(INSERT_PROJECT, { name: 'by reader' }, bearer(readerKey.key));
    expect(write.body.errors![0]).toMatchObject({ message: 'role reader may not do this; it needs writer', extensions: { code: 'FORBIDDEN' } });
    const ddl = await gw.graphql(`mutation { executeDDL(database: "app", sql: "DROP TABLE users") { statements } }`, undefined, bearer(readerKey.key));
    expect(ddl.body.errors![0].extensions?.code).toBe('FORBIDDEN');

    expect(await projectNames()).toEqual(before);
    expect(await demo.app.sql(`SELECT to_regclass('users') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });

  it('a writer limited to one database writes there and is FORBIDDEN on the other', async () => {
    const insert = await gw.graphql(INSERT_PROJECT, { name: 'by writer' }, bearer(writerKey.key));
    expect(insert.body.errors).toBeUndefined();
    expect(insert.body.data.app.insertProjects).toEqual([{ id: expect.any(Number), name: 'by writer' }]);
    expect(await projectNames()).toContain('by writer');

    const other = await gw.graphql(
      `mutation { engineer { insertStrategicDirectivesV2(objects: [{ id: "SD-W", title: "by writer" }]) { id } } }`,
      undefined,
      bearer(writerKey.key),
    );
    expect(other.body.errors![0]).toMatchObject({ message: 'no grant on database "engineer"', extensions: { code: 'FORBIDDEN', database: 'engineer' } });
    const read = await gw.graphql(`{ engineer { strategicDirectivesV2 { id } } }`, undefined, bearer(writerKey.key));
    expect(read.body.errors![0].extensions?.code).toBe('FORBIDDEN');
    expect(await demo.engineer.sql(`SELECT id FROM strategic_directives_v2 WHERE id = 'SD-W'`)).toEqual([]);
  });

  it('a revoked key is refused with HTTP 401', async () => {
    const revoke = await gw.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: readerKey.id }, bearer(adminApiKey));
    expect(revoke.body).toEqual({ data: { revokeApiKey: true } });
    const { status, body } = await gw.graphql(PROJECTS, undefined, bearer(readerKey.key));
    expect(status).toBe(401);
    expect(body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a non-admin key cannot create keys', async () => {
    const { body } = await gw.graphql(`mutation { createApiKey(label: "escalate", role: ADMIN) { key } }`, undefined, bearer(writerKey.key));
    expect(body.errors![0].extensions?.code).toBe('FORBIDDEN');
    expect(await control.sql(`SELECT label FROM switchyard.api_keys WHERE label = 'escalate'`)).toEqual([]);
  });
});

describe('gateway JWTs', () => {
  it('a JWT signed with the secret and carrying switchyard_role writer can write', async () => {
    const token = await jwt({ switchyard_role: 'writer' }, inSeconds(300));
    const { status, body } = await gw.graphql(INSERT_PROJECT, { name: 'by jwt' }, bearer(token));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(await projectNames()).toContain('by jwt');
  });

  it('an expired JWT is refused with HTTP 401', async () => {
    const token = await jwt({ switchyard_role: 'writer' }, inSeconds(-60));
    const { status, body } = await gw.graphql(INSERT_PROJECT, { name: 'by expired jwt' }, bearer(token));
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({ message: '[jwt] token has expired', extensions: { code: 'UNAUTHENTICATED' } });
    expect(await projectNames()).not.toContain('by expired jwt');
  });
});
