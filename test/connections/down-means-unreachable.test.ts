import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, waitFor, type TestGateway } from '../helpers/gateway.js';

// Issue #12 item 1: only a failure to connect (or a failed probe) marks a database DOWN.
// Every gateway here probes every 60 s, so no probe can hide what one request did.

const READ = `{ k { widgets(orderBy: [{ id: ASC }]) { id name } } }`;
const EXPECTED = { k: { widgets: [{ id: 1, name: 'w-1' }, { id: 2, name: 'w-2' }] } };

/** Widgets (int PK, a uuid column) and a view whose every read sleeps `seconds` inside Postgres. */
async function seed(db: TestDatabase): Promise<void> {
  await db.sql(`
    CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL, token uuid NOT NULL DEFAULT gen_random_uuid());
    INSERT INTO widgets (id, name) VALUES (1, 'w-1'), (2, 'w-2');
    CREATE FUNCTION nap(seconds float8) RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(seconds)';
    CREATE VIEW slow AS SELECT nap(3) AS id;
    CREATE VIEW short_nap AS SELECT nap(0.6) AS id;`);
}

/** Sends `n` reads (10 at a time) and returns how many answered the expected rows without errors. */
async function readsThatSucceed(gw: TestGateway, n = 200): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => gw.graphql(READ)));
    ok += batch.filter((r) => r.status === 200 && !r.body.errors && JSON.stringify(r.body.data) === JSON.stringify(EXPECTED)).length;
  }
  return ok;
}

async function statusOf(gw: TestGateway): Promise<string> {
  const { body } = await gw.graphql<{ databases: { name: string; status: string }[] }>(`{ databases { name status } }`);
  return body.data!.databases.find((d) => d.name === 'k')!.status;
}

describe('a query error whose message looks like a connection failure', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('down_msg', 'a');
    await seed(db);
    gw = await startTestGateway({ probeIntervalMs: 60_000, databases: [{ name: 'k', url: db.url }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it.each(['SSL', 'Connection terminated', 'connect ECONNREFUSED 127.0.0.1:1', 'Tenant or user not found', 'self-signed', 'timeout exceeded when trying to connect'])(
    'echoing %j fails only that request: the next 200 reads succeed and /health stays 200',
    async (text) => {
      // Postgres echoes the value: invalid input syntax for type uuid: "<text>".
      const bad = await gw.graphql(`query($t: String) { k { widgets(where: { token: { eq: $t } }) { id } } }`, { t: text });
      expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'DB_ERROR', sqlState: '22P02' });
      expect(await statusOf(gw)).toBe('UP');
      expect((await gw.get('/health')).status).toBe(200);
      expect(await readsThatSucceed(gw)).toBe(200);
      expect((await gw.get('/health')).status).toBe(200);
    },
  );

  it('a 200 kB value Postgres rejects is not echoed back whole: the error quotes at most 300 characters of its text', async () => {
    const huge = 'SSL'.repeat(70_000);
    const bad = await gw.graphql(`query($t: String) { k { widgets(where: { token: { eq: $t } }) { id } } }`, { t: huge });
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'DB_ERROR', sqlState: '22P02' });
    expect(bad.body.errors?.[0].message).toMatch(/^\[k\.widgets\] invalid input syntax for type uuid: "[SL]+… \(\d+ more characters\)$/);
    expect(JSON.stringify(bad.body).length).toBeLessThan(1_000);
    expect(await statusOf(gw)).toBe('UP');
  });

  it('a 200 kB cursor value is refused without being echoed back', async () => {
    const after = Buffer.from(JSON.stringify(['SSL'.repeat(70_000)])).toString('base64url');
    const bad = await gw.graphql(`query($after: String) { k { widgetsConnection(first: 1, after: $after) { edges { node { id } } } } }`, { after });
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors?.[0].message).toMatch(/widgetsConnection\(after\): not a cursor of this field and order: value 1 \(id\) is not an int4$/);
    expect(JSON.stringify(bad.body).length).toBeLessThan(1_000);
  });

  it('a cursor of the right types that matches no row pages to an empty result', async () => {
    const after = Buffer.from(JSON.stringify(['999'])).toString('base64url');
    const page = await gw.graphql(`query($after: String) { k { widgetsConnection(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } } }`, { after });
    expect(page.body).toEqual({ data: { k: { widgetsConnection: { edges: [], pageInfo: { hasNextPage: false } } } } });
  });

  it('a cursor that decodes to ["SSL"] is refused and leaves the database UP', async () => {
    const after = Buffer.from(JSON.stringify(['SSL'])).toString('base64url');
    const bad = await gw.graphql(`query($after: String) { k { widgetsConnection(first: 1, after: $after) { edges { node { id } } } } }`, { after });
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await statusOf(gw)).toBe('UP');
    expect(await readsThatSucceed(gw)).toBe(200);
    expect((await gw.get('/health')).status).toBe(200);
  });
});

describe('a backend killed in the middle of a statement', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('down_kill', 'b');
    await seed(db);
    gw = await startTestGateway({ probeIntervalMs: 60_000, databases: [{ name: 'k', url: db.url, pool: { max: 4 } }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it('fails that one request; the next 200 reads get fresh connections and succeed, /health stays 200', async () => {
    expect((await gw.graphql(READ)).body.data).toEqual(EXPECTED);
    const sleeping = gw.graphql(`{ k { slow { id } } }`);
    const [victim] = await waitFor(async () => {
      const rows = await db.sql<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard' AND state = 'active' AND query ILIKE '%slow%'",
        [db.name],
      );
      return rows.length > 0 && rows;
    });
    const [{ ok }] = await db.sql<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [victim.pid]);
    expect(ok).toBe(true);

    const killed = await sleeping;
    expect(killed.body.errors?.[0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'k', sqlState: '57P01', retryable: true });
    expect(killed.body.errors?.[0].message).toMatch(/^\[connections:k\] the connection was lost during the statement/);

    expect(await statusOf(gw)).toBe('UP');
    expect((await gw.get('/health')).status).toBe(200);
    expect(await readsThatSucceed(gw)).toBe(200);
    expect((await gw.get('/health')).status).toBe(200);
  });

  it('killed during a write transaction, the mutation fails and is rolled back; the next writes succeed', async () => {
    await db.sql(`
      CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
      CREATE FUNCTION slow_note() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.body = 'slow' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$;
      CREATE TRIGGER slow_note BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION slow_note();`);
    await gw.gateway.schemas.reload(['k']);
    const insert = (body: string) => gw.graphql(`mutation($b: String!) { k { insertNotes(objects: [{ body: $b }]) { id } } }`, { b: body });

    const writing = insert('slow');
    const [victim] = await waitFor(async () => {
      const rows = await db.sql<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard' AND wait_event = 'PgSleep'",
        [db.name],
      );
      return rows.length > 0 && rows;
    });
    await db.sql('SELECT pg_terminate_backend($1)', [victim.pid]);
    const killed = await writing;
    expect(killed.body.errors?.[0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', sqlState: '57P01', retryable: true });
    expect(await db.sql('SELECT * FROM notes')).toEqual([]);

    const next = await Promise.all(Array.from({ length: 20 }, (_, i) => insert(`n-${i}`)));
    expect(next.filter((r) => !r.body.errors).length).toBe(20);
    expect(await db.sql('SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 20 }]);
    expect(await statusOf(gw)).toBe('UP');
  });
});

describe('a full pool', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('down_pool', 'a');
    await seed(db);
    gw = await startTestGateway({
      probeIntervalMs: 60_000,
      databases: [{ name: 'k', url: db.url, pool: { max: 2, connectionTimeoutMillis: 200 } }],
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it('a waiter that times out gets POOL_EXHAUSTED (retryable, naming the pool size) and the database stays UP', async () => {
    const busy = [gw.graphql(`{ k { shortNap { id } } }`), gw.graphql(`{ k { shortNap { id } } }`)];
    const connection = gw.gateway.registry.get('k')!;
    await waitFor(() => connection.poolStats().total === 2 && connection.poolStats().idle === 0);
    const waiter = await gw.graphql(READ);
    expect(waiter.status).toBe(200);
    expect(waiter.body.errors?.[0].extensions).toMatchObject({ code: 'POOL_EXHAUSTED', database: 'k', retryable: true });
    expect(waiter.body.errors?.[0].message).toBe('[connections:k] all 2 connections of the pool are busy; waited 200 ms for one');
    expect(waiter.body.errors?.[0].extensions?.hint).toMatch(/retry/);
    expect(await statusOf(gw)).toBe('UP');
    expect((await gw.get('/health')).status).toBe(200);

    for (const r of await Promise.all(busy)) expect(r.body.errors).toBeUndefined();
    expect(await readsThatSucceed(gw)).toBe(200);
    expect((await gw.get('/health')).status).toBe(200);
  });

  it('a probe while every pooled connection is busy still reaches the database', async () => {
    const busy = [gw.graphql(`{ k { shortNap { id } } }`), gw.graphql(`{ k { shortNap { id } } }`)];
    const connection = gw.gateway.registry.get('k')!;
    await waitFor(() => connection.poolStats().total === 2 && connection.poolStats().idle === 0);
    const status = await connection.probe();
    expect(['UP', 'DEGRADED']).toContain(status);
    expect(connection.error).toBeNull();
    await Promise.all(busy);
  });
});

describe('a statement cancelled by statement_timeout', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('down_timeout', 'b');
    await seed(db);
    gw = await startTestGateway({ probeIntervalMs: 60_000, databases: [{ name: 'k', url: db.url, statementTimeoutMs: 200 }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it('fails that request with DB_ERROR 57014 (not retryable) and the next 200 reads succeed', async () => {
    const cancelled = await gw.graphql(`{ k { slow { id } } }`);
    expect(cancelled.body.errors?.[0].extensions).toMatchObject({ code: 'DB_ERROR', sqlState: '57014' });
    expect(cancelled.body.errors?.[0].extensions?.retryable).toBeUndefined();
    expect(await statusOf(gw)).toBe('UP');
    expect(await readsThatSucceed(gw)).toBe(200);
    expect((await gw.get('/health')).status).toBe(200);
  });
});
