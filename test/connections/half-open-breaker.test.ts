import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HALF_OPEN_INTERVAL_MS } from '../../src/connections/index.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { startTestGateway, waitFor, type TestGateway } from '../helpers/gateway.js';

// Issue #12 item 7: a DOWN database lets one real attempt through every HALF_OPEN_INTERVAL_MS
// (half-open), so it is used again about a second after it accepts connections, whatever the
// probe interval, and a database that stays down sees a bounded number of connection attempts.

const READ = `{ own { gadgets { label } } }`;

async function statusOf(gw: TestGateway, name: string): Promise<string> {
  const { body } = await gw.graphql<{ databases: { name: string; status: string }[] }>(`{ databases { name status } }`);
  return body.data!.databases.find((d) => d.name === name)!.status;
}

describe('a stopped cluster with a 30 s probe interval', () => {
  let dir: string;
  let own: EmbeddedCluster;
  let gw: TestGateway;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-breaker-'));
    own = await startEmbeddedCluster({ dataDir: dir, password: 'breaker-pw', persistent: true, serverFlags: ['-c', 'fsync=off'] });
    await own.ensureDatabase('gw_own');
    const client = new pg.Client({ connectionString: own.url('gw_own') });
    await client.connect();
    await client.query("CREATE TABLE gadgets (id int PRIMARY KEY, label text); INSERT INTO gadgets VALUES (1, 'own-1')");
    await client.end();
    gw = await startTestGateway({ probeIntervalMs: 30_000, databases: [{ name: 'own', url: own.url('gw_own') }] });
  });

  afterAll(async () => {
    await gw?.stop();
    await own?.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('is used again within about a second of accepting connections, long before the next probe', async () => {
    expect((await gw.graphql(READ)).body.data).toEqual({ own: { gadgets: [{ label: 'own-1' }] } });
    await own.stop();

    // The first read after the stop fails to connect, which opens the breaker.
    const failed = await gw.graphql(READ);
    expect(failed.body.errors?.[0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'own', retryable: true });
    expect(await statusOf(gw, 'own')).toBe('DOWN');
    expect((await gw.get('/health')).status).toBe(503);

    // Steady traffic, as a busy gateway would see; each read is one real request over HTTP.
    let firstSuccessAt: number | undefined;
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const r = await gw.graphql(READ);
        if (!r.body.errors && firstSuccessAt === undefined) firstSuccessAt = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const restartCalledAt = performance.now();
    await own.restart();
    const acceptingAt = performance.now();
    await waitFor(() => firstSuccessAt !== undefined, 10_000, 10);
    stop = true;
    await traffic;

    const afterAccepting = Math.round(firstSuccessAt! - acceptingAt);
    console.info(`[half-open] restart() took ${Math.round(acceptingAt - restartCalledAt)} ms; first successful query ${afterAccepting} ms after the server accepted connections`);
    // One half-open interval (500 ms) plus one request, with room for a loaded machine.
    expect(afterAccepting).toBeLessThan(1_500);
    expect(await statusOf(gw, 'own')).toBe('UP');
    expect((await gw.get('/health')).status).toBe(200);
  });

  it('comes back on the first request after the outage even without steady traffic', async () => {
    await own.stop();
    expect((await gw.graphql(READ)).body.errors?.[0].extensions?.code).toBe('DB_UNAVAILABLE');
    await own.restart();
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_INTERVAL_MS));
    const started = performance.now();
    const back = await gw.graphql(READ);
    expect(back.body).toEqual({ data: { own: { gadgets: [{ label: 'own-1' }] } } });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await statusOf(gw, 'own')).toBe('UP');
  });
});

describe('a database that stays down', () => {
  let server: Server;
  let port: number;
  let attempts = 0;
  const sockets = new Set<Socket>();
  let gw: TestGateway;

  beforeAll(async () => {
    // Accepts TCP connections and hangs up at once: every attempt to connect is counted and fails.
    server = createServer((socket) => {
      attempts++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    gw = await startTestGateway({ probeIntervalMs: 30_000, databases: [{ name: 'gone', url: `postgres://u:p@127.0.0.1:${port}/gone` }] });
  });

  afterAll(async () => {
    await gw?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sees at most one connection attempt per half-open interval however many requests arrive, and each request fails fast', async () => {
    expect(await statusOf(gw, 'gone')).toBe('DOWN');
    const before = attempts;
    const started = performance.now();
    let failedFast = 0;
    let requests = 0;
    while (performance.now() - started < 2_000) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const t = performance.now();
          const code = await gw.gateway.crossDatabaseQuery({ gone: { sql: 'SELECT 1' } }).then(
            () => 'none',
            (e: { extensions?: { code?: string } }) => e.extensions?.code,
          );
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { ms: performance.now() - t, code };
        }),
      );
      requests += batch.length;
      failedFast += batch.filter((b) => b.code === 'DB_UNAVAILABLE' && b.ms < 250).length;
    }
    const elapsed = performance.now() - started;
    const made = attempts - before;
    console.info(`[half-open] ${requests} requests to a down database in ${Math.round(elapsed)} ms made ${made} connection attempts`);
    expect(requests).toBeGreaterThan(50);
    expect(made).toBeLessThanOrEqual(Math.ceil(elapsed / HALF_OPEN_INTERVAL_MS) + 1);
    expect(failedFast).toBeGreaterThan(requests * 0.9);
    expect(await statusOf(gw, 'gone')).toBe('DOWN');
  });
});
