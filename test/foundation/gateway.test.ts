import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, waitFor, type TestGateway } from '../helpers/gateway.js';

const DATABASES = /* GraphQL */ `
  query {
    databases { name purpose status serverVersion mode readOnly latencyMs error pool { total idle waiting max } }
  }
`;

interface DatabaseRow {
  name: string;
  purpose: string;
  status: 'UP' | 'DOWN' | 'DEGRADED';
  serverVersion: string | null;
  mode: 'SESSION' | 'TRANSACTION';
  readOnly: boolean;
  latencyMs: number | null;
  error: string | null;
  pool: { total: number; idle: number; waiting: number; max: number };
}

async function databases(gw: TestGateway): Promise<Record<string, DatabaseRow>> {
  const { status, body } = await gw.graphql<{ databases: DatabaseRow[] }>(DATABASES);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return Object.fromEntries(body.data!.databases.map((d) => [d.name, d]));
}

async function withWidgets(db: TestDatabase, names: string[]): Promise<void> {
  await db.sql('CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL)');
  for (const name of names) await db.sql('INSERT INTO widgets (name) VALUES ($1)', [name]);
}

/** Backends the gateway holds on `database` (its pools set application_name 'switchyard'). */
async function gatewayBackends(observer: TestDatabase, database: string): Promise<number[]> {
  const rows = await observer.sql<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard'",
    [database],
  );
  return rows.map((r) => r.pid);
}

describe('a gateway over databases on three clusters', () => {
  const ownPassword = 'own-Cluster-pw-7731';
  let alpha: TestDatabase;
  let beta: TestDatabase;
  let ownDir: string;
  let own: EmbeddedCluster;
  let gw: TestGateway;

  beforeAll(async () => {
    ownDir = await mkdtemp(path.join(tmpdir(), 'switchyard-foundation-own-'));
    [alpha, beta, own] = await Promise.all([
      createTestDatabase('gw_alpha', 'a'),
      createTestDatabase('gw_beta', 'b'),
      startEmbeddedCluster({ dataDir: ownDir, password: ownPassword, persistent: true, serverFlags: ['-c', 'fsync=off'] }),
    ]);
    await own.ensureDatabase('gw_own');
    const client = new pg.Client({ connectionString: own.url('gw_own') });
    await client.connect();
    await client.query("CREATE TABLE gadgets (id int PRIMARY KEY, label text); INSERT INTO gadgets VALUES (1, 'own-1')");
    await client.end();
    await Promise.all([withWidgets(alpha, ['a-1', 'a-2']), withWidgets(beta, ['b-1'])]);
    gw = await startTestGateway({
      databases: [
        { name: 'alpha', purpose: 'first test database', url: alpha.url, pool: { max: 3 } },
        { name: 'beta', url: beta.url, readOnly: true },
        { name: 'own', url: own.url('gw_own') },
      ],
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await own?.stop().catch(() => {});
    await Promise.all([alpha?.drop(), beta?.drop(), rm(ownDir, { recursive: true, force: true })]);
  });

  it('databases lists every database UP with its version, mode, latency and pool', async () => {
    const all = await databases(gw);
    expect(Object.keys(all).sort()).toEqual(['alpha', 'beta', 'own']);
    expect(all.alpha).toMatchObject({ purpose: 'first test database', status: 'UP', mode: 'SESSION', readOnly: false, error: null, pool: { max: 3, waiting: 0 } });
    expect(all.beta).toMatchObject({ purpose: '', status: 'UP', readOnly: true, error: null, pool: { max: 10 } });
    for (const d of Object.values(all)) {
      expect(d.serverVersion).toMatch(/^\d+\.\d+/);
      expect(d.latencyMs).toBeGreaterThanOrEqual(0);
      expect(d.pool.total).toBeGreaterThanOrEqual(1);
      expect(d.pool.idle).toBeLessThanOrEqual(d.pool.total);
    }
  });

  it('each namespace answers from its own database', async () => {
    const { status, body } = await gw.graphql(`{ alpha { widgets(orderBy: [{ id: ASC }]) { name } } beta { widgets { name } } own { gadgets { label } } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      alpha: { widgets: [{ name: 'a-1' }, { name: 'a-2' }] },
      beta: { widgets: [{ name: 'b-1' }] },
      own: { gadgets: [{ label: 'own-1' }] },
    });
  });

  it('GET /health is 200 with every database UP', async () => {
    const { status, body } = await gw.get('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('UP');
    expect(body.databases.map((d: { name: string; status: string }) => `${d.name}:${d.status}`).sort()).toEqual(['alpha:UP', 'beta:UP', 'own:UP']);
  });

  it('a stopped cluster is DOWN (health 503, no password) while the others answer, and comes back UP by itself when restarted', async () => {
    await own.stop();

    // NOTE: lost idle clients say nothing; the refused probe (or the next connect) marks it DOWN, and that is the state to check.
    const down = await waitFor(async () => {
      const d = (await databases(gw)).own;
      return d.status === 'DOWN' && d.error?.includes('ECONNREFUSED') && d;
    });
    expect(down.error).toMatch(/^\[connections:own\] connect ECONNREFUSED 127\.0\.0\.1:\d+ \(hint: nothing is listening/);
    expect(down.error).not.toContain(ownPassword);
    expect(down.latencyMs).toBeNull();

    const health = await gw.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('DOWN');
    expect(JSON.stringify(health.body)).not.toContain(ownPassword);
    expect(health.body.databases.map((d: { name: string; status: string }) => `${d.name}:${d.status}`).sort()).toEqual(['alpha:UP', 'beta:UP', 'own:DOWN']);

    const others = await gw.graphql(`{ alpha { widgets { name } } beta { widgets { name } } }`);
    expect(others.body.errors).toBeUndefined();
    expect(others.body.data.alpha.widgets).toHaveLength(2);

    const failed = await gw.graphql(`{ own { gadgets { label } } }`);
    expect(failed.status).toBe(200);
    expect(failed.body.errors?.[0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'own' });
    expect(failed.body.errors?.[0].extensions?.hint).toMatch(/nothing is listening on 127\.0\.0\.1:\d+/);
    expect(JSON.stringify(failed.body)).not.toContain(ownPassword);

    await own.restart();
    const back = await waitFor(async () => {
      const r = await gw.graphql(`{ own { gadgets { label } } }`);
      return !r.body.errors && r.body.data;
    });
    expect(back).toEqual({ own: { gadgets: [{ label: 'own-1' }] } });
    expect((await databases(gw)).own).toMatchObject({ status: 'UP', error: null });
    expect((await gw.get('/health')).status).toBe(200);
  });
});

describe('start-up with an unreachable database', () => {
  const password = 'ghost-Secret-pw-42';
  let alpha: TestDatabase;
  let gw: TestGateway;
  let ghostPort: number;

  beforeAll(async () => {
    alpha = await createTestDatabase('gw_start', 'a');
    await withWidgets(alpha, ['w']);
    ghostPort = await freePort();
    gw = await startTestGateway({
      databases: [
        { name: 'alpha', url: alpha.url },
        { name: 'ghost', url: `postgres://postgres:${password}@127.0.0.1:${ghostPort}/nothing` },
      ],
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await alpha?.drop();
  });

  it('the gateway starts and serves the reachable database', async () => {
    const { status, body } = await gw.graphql(`{ alpha { widgets { name } } }`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { alpha: { widgets: [{ name: 'w' }] } } });
  });

  it('the unreachable database is listed DOWN, naming the refused address, without its password', async () => {
    const ghost = (await databases(gw)).ghost;
    expect(ghost).toMatchObject({ status: 'DOWN', serverVersion: null, latencyMs: null, pool: { total: 0 } });
    expect(ghost.error).toBe(`[connections:ghost] connect ECONNREFUSED 127.0.0.1:${ghostPort} (hint: nothing is listening on 127.0.0.1:${ghostPort}; is the server running?)`);
    expect(ghost.error).not.toContain(password);
    const health = await gw.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.databases.find((d: { name: string }) => d.name === 'ghost')?.status).toBe('DOWN');
    expect(JSON.stringify(health.body)).not.toContain(password);
  });

  // NOTE: known gap in src: Connection.markDown keeps only the message of unavailableError(), so the
  // hint ("nothing is listening on …") never reaches `databases { error }` or /health. Remove `.fails` once fixed.
  it('the unreachable database\'s error carries a hint', async () => {
    const ghost = (await databases(gw)).ghost;
    expect(ghost.error).toContain(`nothing is listening on 127.0.0.1:${ghostPort}`);
  });
});

describe('a killed idle connection', () => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTestDatabase('gw_kill', 'b');
    await withWidgets(db, ['k']);
    // NOTE: no periodic probe during these tests, so none can hide what the killed connection did.
    gw = await startTestGateway({ probeIntervalMs: 60_000, databases: [{ name: 'k', url: db.url }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
  });

  const query = `{ k { widgets { name } } }`;

  /** Runs a query so the pool holds an idle client, kills it from another session, waits for the pool to drop it. */
  async function killIdleClients(): Promise<void> {
    expect((await gw.graphql(query)).body.errors).toBeUndefined();
    const connection = gw.gateway.registry.get('k')!;
    expect(connection.poolStats().idle).toBeGreaterThanOrEqual(1);
    const killed = await db.sql<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard'",
      [db.name],
    );
    expect(killed.length).toBeGreaterThanOrEqual(1);
    await waitFor(() => connection.poolStats().total === 0);
  }

  it('pg_terminate_backend on an idle pool client does not crash the process; after the next probe queries work', async () => {
    await killIdleClients();
    expect([200, 503]).toContain((await gw.get('/health')).status);
    await gw.gateway.registry.probeAll();
    const { status, body } = await gw.graphql(query);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { k: { widgets: [{ name: 'k' }] } } });
  });

  // NOTE: known bug in src: the pool's 'error' handler (Connection) calls markDown, so one lost idle
  // client makes the whole database DOWN and request-context's fail-fast rejects every request with
  // DB_UNAVAILABLE until the next probe (5 s by default). Remove `.fails` once fixed.
  it('the query right after an idle client is killed works without waiting for a probe', async () => {
    await killIdleClients();
    const { body } = await gw.graphql(query);
    expect(body).toEqual({ data: { k: { widgets: [{ name: 'k' }] } } });
  });
});

/** POSTs a GraphQL query on a connection of its own that closes after the response (no keep-alive). */
function postWithoutKeepAlive(url: string, query: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

describe('graceful shutdown', () => {
  const query = `{ s { widgets(orderBy: [{ id: ASC }]) { name } } }`;
  let db: TestDatabase;
  const lockers: pg.Client[] = [];
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('gw_stop', 'a');
    await withWidgets(db, ['s-1', 's-2']);
  });

  afterAll(async () => {
    await Promise.all(lockers.map((c) => c.end().catch(() => {})));
    await Promise.all(gateways.map((g) => g.stop()));
    await db?.drop();
  });

  async function startGateway(): Promise<TestGateway> {
    const gw = await startTestGateway({ databases: [{ name: 's', url: db.url }] });
    gateways.push(gw);
    expect((await gw.graphql(query)).status).toBe(200);
    return gw;
  }

  /** Locks the table from another session, so the next read waits inside Postgres until `release()`. */
  async function lockWidgets(): Promise<{ release(): Promise<void> }> {
    const locker = new pg.Client({ connectionString: db.url });
    lockers.push(locker);
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE widgets IN ACCESS EXCLUSIVE MODE');
    return { release: async () => void (await locker.query('COMMIT')) };
  }

  const gatewayIsWaitingOnLock = async () =>
    (await db.sql("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard' AND wait_event_type = 'Lock'", [db.name]))
      .length > 0;

  it('stop() lets an in-flight request finish, then refuses connections and closes every pool', async () => {
    const gw = await startGateway();
    const lock = await lockWidgets();
    const inFlight = postWithoutKeepAlive(gw.url, query);
    await waitFor(gatewayIsWaitingOnLock);

    let stopped = false;
    const stopping = gw.stop().then(() => {
      stopped = true;
    });
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
    expect(stopped).toBe(false);

    await lock.release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { s: { widgets: [{ name: 's-1' }, { name: 's-2' }] } } });

    await stopping;
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
    expect(await waitFor(async () => (await gatewayBackends(db, db.name)).length === 0, 3_000)).toBe(true);
  });

  // NOTE: known bug in src: stop() calls server.closeIdleConnections() once, before in-flight requests end;
  // a keep-alive connection that turns idle afterwards holds server.close() until the client or the
  // server's keepAliveTimeout (5 s) drops it. Remove `.fails` once fixed.
  it('stop() returns promptly after the last in-flight response even when the client keeps the connection alive', async () => {
    const gw = await startGateway();
    const lock = await lockWidgets();
    const inFlight = gw.graphql(query);
    await waitFor(gatewayIsWaitingOnLock);
    const stopping = gw.stop();
    await lock.release();
    expect((await inFlight).status).toBe(200);
    const outcome = await Promise.race([stopping.then(() => 'stopped'), new Promise((r) => setTimeout(r, 1_000, 'still stopping'))]);
    // NOTE: when the bug bites, end the lingering socket so cleanup does not wait for it.
    gw.gateway.server.closeAllConnections();
    expect(outcome).toBe('stopped');
  });
});
