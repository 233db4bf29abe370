import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, type JWTPayload } from 'jose';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Gateway JWTs fail closed: every claim the gateway relies on must be present and well-formed.
const SECRET = randomBytes(24).toString('hex');
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'switchyard';

let notes: TestDatabase;
let other: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  [notes, other] = await Promise.all([createTestDatabase('tokens'), createTestDatabase('tokens_other')]);
  await Promise.all([notes, other].map((db) => db.sql('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')));
  gw = await startTestGateway(
    {
      databases: [
        { name: 'notes', url: notes.url },
        { name: 'other', url: other.url },
      ],
      probeIntervalMs: 60_000,
      auth: { jwtSecret: SECRET, issuer: ISSUER, audience: AUDIENCE, maxTokenAgeSeconds: 3600 },
    },
    { anonymous: null },
  );
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([notes?.drop(), other?.drop()]);
});

const now = () => Math.floor(Date.now() / 1000);

interface TokenShape {
  claims?: JWTPayload;
  exp?: number | null;
  iat?: number | null;
  iss?: string | null;
  aud?: string | null;
}

/** A token signed with the gateway's secret; every standard claim is valid unless overridden (null leaves it out). */
function token({ claims = { switchyard_role: 'writer' }, exp = now() + 600, iat = now(), iss = ISSUER, aud = AUDIENCE }: TokenShape = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('tester');
  if (exp !== null) jwt.setExpirationTime(exp);
  if (iat !== null) jwt.setIssuedAt(iat);
  if (iss !== null) jwt.setIssuer(iss);
  if (aud !== null) jwt.setAudience(aud);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const insert = (database: string, body: string) => `mutation { ${database} { insertNotes(objects: [{ body: "${body}" }]) { id } } }`;
const bodies = async (db: TestDatabase) => (await db.sql<{ body: string }>('SELECT body FROM notes')).map((r) => r.body);

/** Sends a write with `jwt`; asserts a 401 UNAUTHENTICATED and that nothing was written; returns the message. */
async function refused(jwt: string, label: string): Promise<string> {
  const { status, body } = await gw.graphql(insert('notes', label), undefined, { authorization: `Bearer ${jwt}` });
  expect(status).toBe(401);
  expect(body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(body.errors![0].message).not.toContain(jwt);
  expect(await bodies(notes)).not.toContain(label);
  return body.errors![0].message;
}

describe('expiry', () => {
  it('a JWT without exp is refused with 401 and writes nothing', async () => {
    expect(await refused(await token({ exp: null }), 'no-exp')).toBe('[jwt] token has no "exp" claim; tokens must expire');
  });

  it('a JWT expiring further ahead than auth.maxTokenAgeSeconds is refused', async () => {
    expect(await refused(await token({ exp: now() + 3600 * 24 * 365 * 100 }), 'century')).toMatch(/expires more than 3600 s from now/);
  });

  it('a JWT issued longer ago than auth.maxTokenAgeSeconds is refused even though it has not expired', async () => {
    expect(await refused(await token({ iat: now() - 7200 }), 'old-iat')).toMatch(/issued more than 3600 s ago/);
  });

  it('every gateway JWT must expire within one day unless the config says otherwise', () => {
    expect(parseConfig({}, {}).auth.maxTokenAgeSeconds).toBe(86_400);
    expect(parseConfig({ auth: { jwtSecret: SECRET } }, {}).auth.maxTokenAgeSeconds).toBe(86_400);
  });
});

describe('issuer and audience', () => {
  it('a JWT from another issuer, or with none, is refused', async () => {
    expect(await refused(await token({ iss: 'https://evil.example' }), 'wrong-iss')).toMatch(/claim "iss" is not valid/);
    expect(await refused(await token({ iss: null }), 'no-iss')).toMatch(/"iss"/);
  });

  it('a JWT for another audience, or with none, is refused', async () => {
    expect(await refused(await token({ aud: 'someone-else' }), 'wrong-aud')).toMatch(/claim "aud" is not valid/);
    expect(await refused(await token({ aud: null }), 'no-aud')).toMatch(/"aud"/);
  });
});

describe('role claim', () => {
  it('a JWT without switchyard_role is refused rather than becoming a reader', async () => {
    const message = await refused(await token({ claims: { role: 'authenticated' } }), 'no-role');
    expect(message).toBe('[jwt] token has no "switchyard_role" claim');
    const read = await gw.graphql('{ notes { notes { id } } }', undefined, { authorization: `Bearer ${await token({ claims: {} })}` });
    expect(read.status).toBe(401);
    expect(read.body.data?.notes ?? null).toBeNull();
  });

  it('a JWT with an unknown role is refused, whatever its spelling or type', async () => {
    for (const role of ['superuser', 'ADMIN', '', ['admin'], 1, null]) {
      expect(await refused(await token({ claims: { switchyard_role: role } }), `role-${String(role)}`)).toBe(
        '[jwt] token claim "switchyard_role" is not admin, writer or reader',
      );
    }
  });
});

describe('databases claim', () => {
  it('a switchyard_databases claim that is a string is refused rather than opening every database', async () => {
    const message = await refused(await token({ claims: { switchyard_role: 'writer', switchyard_databases: 'notes' } }), 'db-string');
    expect(message).toBe('[jwt] token claim "switchyard_databases" is not a list of database names');
    expect(await bodies(other)).toEqual([]);
  });

  it('a databases claim that is an object, null, or a list holding a non-name is refused', async () => {
    for (const databases of [{ notes: true }, null, ['notes', 7], '*']) {
      await refused(await token({ claims: { switchyard_role: 'writer', switchyard_databases: databases } }), `db-${JSON.stringify(databases).replace(/\W/g, '_')}`);
    }
  });

  it('a well-formed JWT writes to the databases it lists and is FORBIDDEN on the others', async () => {
    const jwt = await token({ claims: { switchyard_role: 'writer', switchyard_databases: ['notes'] } });
    const ok = await gw.graphql(insert('notes', 'by-token'), undefined, { authorization: `Bearer ${jwt}` });
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(await bodies(notes)).toContain('by-token');
    const elsewhere = await gw.graphql(insert('other', 'by-token-elsewhere'), undefined, { authorization: `Bearer ${jwt}` });
    expect(elsewhere.body.errors![0].extensions?.code).toBe('FORBIDDEN');
    expect(await bodies(other)).toEqual([]);
  });
});

describe('the README', () => {
  it('has a Security model example for cors and token options that validates', () => {
    const block = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('maxTokenAgeSeconds'));
    const config = parseConfig(parseYaml(block!), { SWITCHYARD_JWT_SECRET: SECRET });
    expect(config.cors.origins).toEqual(['https://dash.example.com']);
    expect(config.auth).toMatchObject({ issuer: 'https://auth.example.com', audience: 'switchyard', maxTokenAgeSeconds: 3600 });
  });
});
