import pg from 'pg';
import { SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseUrl, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { VERIFYING } from '../helpers/fast-path.js';

const SECRET = 'rls-test-secret-0123456789abcdef';
const OTHER_SECRET = 'not-the-database-secret-fedcba9876';

let db: TestDatabase;
let gw: TestGateway;
/** Cluster-wide role names, suffixed with the database name so parallel test files never clash. */
let anon: string;
let authed: string;

/** Seeded rows by body; ids are fixed by the insert order below. */
const NOTE = { alice1: 1, alice2: 2, bob1: 3, public1: 4 } as const;

beforeAll(async () => {
  db = await createTestDatabase('rls');
  anon = `anon_${db.name}`;
  authed = `authenticated_${db.name}`;
  await db.sql(`
    CREATE ROLE ${anon} NOLOGIN;
    CREATE ROLE ${authed} NOLOGIN;
    CREATE TABLE notes (id serial PRIMARY KEY, owner text NOT NULL, body text);
    CREATE TABLE note_tags (id serial PRIMARY KEY, note_id int NOT NULL REFERENCES notes (id), tag text NOT NULL);
    CREATE VIEW whoami AS
      SELECT current_user::text AS role,
             current_setting('request.jwt.claim.sub', true) AS sub,
             current_setting('request.jwt.claims', true)::jsonb AS claims;
    GRANT USAGE ON SCHEMA public TO ${anon}, ${authed};
    GRANT SELECT, INSERT, UPDATE ON notes TO ${anon}, ${authed};
    GRANT USAGE ON SEQUENCE notes_id_seq TO ${anon}, ${authed};
    GRANT SELECT ON note_tags, whoami TO ${anon}, ${authed};
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_rows ON notes FOR ALL TO ${authed}
      USING (owner = current_setting('request.jwt.claims', true)::json->>'sub')
      WITH CHECK (owner = current_setting('request.jwt.claims', true)::json->>'sub');
    CREATE POLICY public_rows ON notes FOR SELECT TO ${anon} USING (owner = 'public');
    INSERT INTO notes (owner, body) VALUES ('alice', 'alice one'), ('alice', 'alice two'), ('bob', 'bob one'), ('public', 'public one');
    INSERT INTO note_tags (note_id, tag) VALUES (1, 'work'), (1, 'urgent'), (3, 'home');
  `);
  gw = await startTestGateway(
    { databases: [{ name: 'rls', url: db.url, rls: { jwtSecret: SECRET, defaultRole: anon } }], probeIntervalMs: 60_000 },
    // NOTE: the gateway cannot verify an RLS-only JWT, so such callers are anonymous at the gateway
    // and need at least writer there; the database's policies decide what they see.
    { anonymous: { name: 'anonymous', role: 'writer' } },
  );
});

afterAll(async () => {
  await gw?.stop();
  await db?.drop();
  if (!db) return;
  const client = new pg.Client({ connectionString: databaseUrl(db.cluster, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP ROLE IF EXISTS ${anon}, ${authed}`);
  } finally {
    await client.end();
  }
});

function sign(claims: JWTPayload, options: { secret?: string; expiresAt?: number | string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const userToken = (sub: string) => sign({ sub, role: authed });

async function as(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  return gw.graphql(query, variables, token ? { authorization: `Bearer ${token}` } : {});
}

async function ok(token: string | undefined, query: string, variables?: Record<string, unknown>) {
  const { status, body } = await as(token, query, variables);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

const LIST = `{ rls { notes(orderBy: [{ id: ASC }]) { id owner body } } }`;

describe('row level security pass-through', () => {
  it('runs a verified token as its role claim with its claims in request.jwt.claims, and no token as the default role', async () => {
    const alice = await ok(await userToken('alice'), `{ rls { whoami { role sub claims } } }`);
    expect(alice.rls.whoami).toEqual([{ role: authed, sub: 'alice', claims: expect.objectContaining({ sub: 'alice', role: authed }) }]);
    const nobody = await ok(undefined, `{ rls { whoami { role sub claims } } }`);
    expect(nobody.rls.whoami).toEqual([{ role: anon, sub: '', claims: { role: anon } }]);
  });

  it('shows each user only the rows their policy allows', async () => {
    const alice = await ok(await userToken('alice'), LIST);
    expect(alice.rls.notes).toEqual([
      { id: NOTE.alice1, owner: 'alice', body: 'alice one' },
      { id: NOTE.alice2, owner: 'alice', body: 'alice two' },
    ]);
    const bob = await ok(await userToken('bob'), LIST);
    expect(bob.rls.notes).toEqual([{ id: NOTE.bob1, owner: 'bob', body: 'bob one' }]);
    const bobByPk = await ok(await userToken('bob'), `{ rls { notesByPk(id: ${NOTE.alice1}) { id } } }`);
    expect(bobByPk.rls.notesByPk).toBeNull();
  });

  it('gives a request without a token only what the default (anon) role may see', async () => {
    const data = await ok(undefined, LIST);
    expect(data.rls.notes).toEqual([{ id: NOTE.public1, owner: 'public', body: 'public one' }]);
  });

  it('refuses an expired token with 401 UNAUTHENTICATED and returns no rows', async () => {
    const expired = await sign({ sub: 'alice', role: authed }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const { status, body } = await as(expired, LIST);
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0].message).toMatch(/expired/);
    expect(body.data?.rls?.notes ?? null).toBeNull();
  });

  it('refuses a token signed with another secret with 401 UNAUTHENTICATED and returns no rows', async () => {
    const forged = await sign({ sub: 'alice', role: authed }, { secret: OTHER_SECRET });
    const { status, body } = await as(forged, LIST);
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0].message).toMatch(/signature/);
    expect(body.data?.rls?.notes ?? null).toBeNull();
  });

  it('compiles a nested read under RLS into ONE statement inside the BEGIN / SET LOCAL ROLE / set_config / COMMIT frame', async () => {
    const token = await userToken('alice');
    await db.resetStatements();
    const data = await ok(token, `{ rls { notes(where: { id: { lte: ${NOTE.public1} } }, orderBy: [{ id: ASC }]) { id noteTags { tag } } } }`);
    expect(data.rls.notes).toEqual([
      { id: NOTE.alice1, noteTags: [{ tag: 'work' }, { tag: 'urgent' }] },
      { id: NOTE.alice2, noteTags: [] },
    ]);
    // NOTE: in the differential run both paths send this read, each in its own frame; the data above is still compared.
    if (VERIFYING) return;
    const recorded = await db.sql<{ role: string; query: string; calls: number }>(`
      SELECT userid::regrole::text AS role, query, calls::int AS calls FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'
      ORDER BY query COLLATE "C"`);
    // NOTE: BEGIN runs before SET LOCAL ROLE, so it is recorded under the connecting user; everything
    // after it under the token's role, which proves the select ran inside the same transaction.
    expect(recorded).toEqual([
      { role: db.cluster.user, query: 'BEGIN', calls: 1 },
      { role: authed, query: 'COMMIT', calls: 1 },
      { role: authed, query: expect.stringMatching(/^SELECT set_config\(/), calls: 1 },
      { role: authed, query: `SET LOCAL ROLE "${authed}"`, calls: 1 },
      { role: authed, query: expect.stringMatching(/^select .*"public"\."note_tags".*"public"\."notes"/s), calls: 1 },
    ]);
    expect(recorded.filter((r) => r.query.includes('notes'))).toHaveLength(1);
    expect(await db.statementCount()).toBe(5);
  });

  it("lets a user update their own rows but not another user's (0 rows, the row unchanged)", async () => {
    const token = await userToken('alice');
    const own = await ok(token, `mutation { rls { updateNotesByPk(id: ${NOTE.alice2}, set: { body: "alice edited" }) { id body } } }`);
    expect(own.rls.updateNotesByPk).toEqual({ id: NOTE.alice2, body: 'alice edited' });
    const other = await ok(
      token,
      `mutation { rls {
        byPk: updateNotesByPk(id: ${NOTE.bob1}, set: { body: "hijacked" }) { id }
        byFilter: updateNotes(where: { owner: { eq: "bob" } }, set: { body: "hijacked" }) { id }
      } }`,
    );
    expect(other.rls).toEqual({ byPk: null, byFilter: [] });
    expect(await db.sql(`SELECT owner, body FROM notes WHERE id IN (${NOTE.alice2}, ${NOTE.bob1}) ORDER BY id`)).toEqual([
      { owner: 'alice', body: 'alice edited' },
      { owner: 'bob', body: 'bob one' },
    ]);
  });

  it("inserts a row the user owns, and refuses one owned by someone else with a row-level security error (42501), writing nothing", async () => {
    const token = await userToken('alice');
    const mine = await ok(token, `mutation { rls { insertNotes(objects: [{ owner: "alice", body: "alice new" }]) { id owner body } } }`);
    expect(mine.rls.insertNotes).toEqual([{ id: expect.any(Number), owner: 'alice', body: 'alice new' }]);
    expect(await db.sql(`SELECT owner FROM notes WHERE id = $1`, [mine.rls.insertNotes[0].id])).toEqual([{ owner: 'alice' }]);

    const { body } = await as(token, `mutation { rls { insertNotes(objects: [{ owner: "bob", body: "forged by alice" }]) { id } } }`);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].message).toMatch(/row-level security/);
    expect(body.errors![0].extensions).toMatchObject({ sqlState: '42501', database: 'rls' });
    expect(body.data?.rls ?? null).toBeNull();
    expect(await db.sql(`SELECT id FROM notes WHERE body = 'forged by alice'`)).toEqual([]);
  });
});
