import pg from 'pg';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { live, liveClient, until } from './live-helpers.js';

const SECRET = 'live-rls-secret-0123456789abcdef';
let db: TestDatabase;
let gw: TestGateway;
let authed: string;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  db = await createTestDatabase('live_rls');
  authed = `authenticated_${db.name}`;
  await db.sql(`
    CREATE ROLE ${authed} NOLOGIN;
    CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL, body text);
    GRANT USAGE ON SCHEMA public TO ${authed};
    GRANT SELECT ON notes TO ${authed};
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_rows ON notes FOR SELECT TO ${authed} USING (owner = current_setting('request.jwt.claims', true)::json->>'sub');
    INSERT INTO notes (owner, body) VALUES ('alice', 'alice one'), ('bob', 'bob one'), ('alice', 'alice two');
  `);
  gw = await startTestGateway(
    { live: { intervalMs: 150 }, databases: [{ name: 'notes', url: db.url, rls: { jwtSecret: SECRET, defaultRole: authed, allowedRoles: [authed] } }], probeIntervalMs: 60_000 },
    { anonymous: { name: 'anonymous', role: 'reader' } },
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await db?.drop();
  if (!db) return;
  const client = new pg.Client({ connectionString: databaseUrl(db.cluster, 'postgres') });
  await client.connect();
  await client.query(`DROP ROLE IF EXISTS ${authed}`).finally(() => client.end());
});

const tokenFor = (sub: string) =>
  new SignJWT({ role: authed, sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

const NOTES = `subscription { notes { notes(orderBy: [{ id: ASC }]) { id owner body } } }`;

describe('live queries under row level security', () => {
  it('live queries under different RLS roles or claims never share a statement, so each sees only its own rows', async () => {
    const [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);
    const a = liveClient(gw, alice);
    const b = liveClient(gw, bob);
    clients.push(a, b);
    const subA = live(a, NOTES);
    const subB = live(b, NOTES);
    await until(() => subA.results.length > 0 && subB.results.length > 0, 5000, 'first results');
    expect(subA.results[0].data.notes.notes.map((n: { body: string }) => n.body)).toEqual(['alice one', 'alice two']);
    expect(subB.results[0].data.notes.notes.map((n: { body: string }) => n.body)).toEqual(['bob one']);

    await db.sql(`INSERT INTO notes (owner, body) VALUES ('alice', 'alice three')`);
    await until(() => subA.results.length > 1, 5000, "alice's change");
    expect(subA.results[1].data.notes.notes.map((n: { body: string }) => n.body)).toEqual(['alice one', 'alice two', 'alice three']);
    // Grouped by session: one statement for each role-and-claims, never one session's rows in another's.
    const refresh = await new Promise<{ cohorts: number }>((resolve) => {
      const off = gw.gateway.live.onRefresh((stats) => (off(), resolve(stats)));
    });
    expect(refresh.cohorts).toBe(2);
    expect(subB.results).toHaveLength(1);
  });

  it('members of one session with different variables share one statement run under that session', async () => {
    const [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);
    const a = liveClient(gw, alice);
    const b = liveClient(gw, bob);
    clients.push(a, b);
    const AFTER = `subscription($after: Int!) { notes { notes(where: { id: { gt: $after } }, orderBy: [{ id: ASC }]) { body } } }`;
    const subs = [live(a, AFTER, { after: 0 }), live(a, AFTER, { after: 1 }), live(b, AFTER, { after: 0 })];
    await until(() => subs.every((s) => s.results.length > 0), 5000, 'first results');
    await db.sql(`INSERT INTO notes (owner, body) VALUES ('alice', 'alice four'), ('bob', 'bob two')`);
    await until(() => subs.every((s) => s.results.length > 1), 5000, 'the change');
    const bodies = subs.map((s) => s.results.at(-1)!.data.notes.notes.map((n: { body: string }) => n.body));
    expect(bodies).toEqual([
      ['alice one', 'alice two', 'alice three', 'alice four'],
      ['alice two', 'alice three', 'alice four'],
      ['bob one', 'bob two'],
    ]);
    const refresh = await new Promise<{ cohorts: number; members: number; statements: number }>((resolve) => {
      const off = gw.gateway.live.onRefresh((stats) => (off(), resolve(stats)));
    });
    expect(refresh.statements).toBe(refresh.cohorts);
    expect(refresh.members).toBeGreaterThan(refresh.cohorts);
    subs.forEach((s) => s.stop());
  });
});
