import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSchema } from '../../src/config/index.js';
import { bearer, subscribe, wsClient, type Subscription } from '../auth/authz-helpers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { waitFor, type GraphQLResponse, type TestGateway } from '../helpers/gateway.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

/**
 * Two gateway processes on one control database (README "Running several instances"). The
 * processes are shared by the tests of this file, which run in order: the last ones kill A.
 */
const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
const secretKey = randomBytes(32).toString('hex');
const PROPAGATION_MS = 2000;
let control: TestDatabase;
let shared: TestDatabase;
let target: TestDatabase;
let migrationsDir: string;
let a: GatewayProcess;
let b: GatewayProcess;
const clients: { dispose(): Promise<void> | void }[] = [];

const migration = (up: string) => `-- Up Migration\n${up}\n-- Down Migration\nSELECT 1;\n`;

beforeAll(async () => {
  [control, shared, target] = await Promise.all([createTestDatabase('inst_control'), createTestDatabase('inst_shared'), createTestDatabase('inst_target')]);
  await shared.sql('CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, $$hello$$)');
  // The slow migration sleeps only while the marker table exists, so the run after the kill is quick.
  await target.sql('CREATE TABLE slow_marker (id int)');
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-instances-'));
  migrationsDir = path.join(dir, 'migrations');
  mkdirSync(migrationsDir);
  writeFileSync(path.join(migrationsDir, '1700000000001_first.sql'), migration('CREATE TABLE first (id int);\nINSERT INTO first VALUES (1);'));
  writeFileSync(path.join(migrationsDir, '1700000000002_second.sql'), migration('SELECT pg_sleep(0.3);\nCREATE TABLE second (id int);'));
  const config = {
    host: '127.0.0.1',
    logLevel: 'info',
    probeIntervalMs: 60_000,
    control: { url: control.url, leaseMs: 1500 },
    auth: { adminApiKey },
    migrationProgress: { sampleMs: 100, heartbeatMs: 1000 },
    databases: [{ name: 'target', url: target.url, migrationsDir }],
  };
  const env = { SWITCHYARD_SECRET_KEY: secretKey };
  // Started together on a fresh control database: one creates the control tables, the other waits for it.
  [a, b] = await Promise.all([startGatewayProcess(dir, 'a', config, env), startGatewayProcess(dir, 'b', config, env)]);
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([control?.drop(), shared?.drop(), target?.drop()]);
}, 30_000);

async function gql(on: GatewayProcess, query: string, variables?: Record<string, unknown>, token = adminApiKey): Promise<GraphQLResponse['body']> {
  const res = await fetch(`${on.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...bearer(token) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

async function ok(on: GatewayProcess, query: string, variables?: Record<string, unknown>) {
  const body = await gql(on, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** Milliseconds until `check` holds on the other instance (polled every 20 ms), failing after PROPAGATION_MS. */
async function propagation(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  await waitFor(async () => (await check()) || undefined, PROPAGATION_MS, 20);
  return Math.round(performance.now() - started);
}

function client(on: GatewayProcess, token = adminApiKey) {
  const c = wsClient({ url: on.url } as TestGateway, token);
  clients.push(c);
  return c;
}

const PROGRESS = `subscription($id: ID!) { migrationProgress(runId: $id) { type seq at database name status error statement statements firstLine durationMs elapsedMs lastEvent { type seq } } }`;

/** With SWITCHYARD_MEASURE set, prints a run's events one per line (for the closing note). */
function printLog(title: string, seen: Record<string, unknown>[]): void {
  if (!process.env.SWITCHYARD_MEASURE) return;
  const line = (e: Record<string, unknown>) => Object.entries(e).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
  console.info(`${title}\n${seen.map(line).join('\n')}`);
}

function events(sub: Subscription) {
  return sub.results.map((r) => r.data?.migrationProgress);
}

const registered = (on: GatewayProcess, name: string) => async () => ((await gql(on, `{ databases { name } }`)).data?.databases ?? []).some((d: { name: string }) => d.name === name);

describe('several instances on one control database', () => {
  it('two instances started together on a fresh control database both come up', async () => {
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    expect((await fetch(`${b.url}/health`)).status).toBe(200);
  });

  it('registering, updating and unregistering a database and defining and dropping a relationship on A reach B within 2 s each', async () => {
    const times: Record<string, number> = {};
    await ok(a, `mutation($url: String!) { registerDatabase(input: { name: "notes", url: $url }) { name } }`, { url: shared.url });
    times.register = await propagation(async () => (await gql(b, `{ notes { notes { body } } }`)).data?.notes?.notes?.[0]?.body === 'hello');
    await ok(a, `mutation($url: String!) { updateDatabase(input: { name: "notes", url: $url, purpose: "moved" }) { name } }`, { url: shared.url });
    times.update = await propagation(async () => (await ok(b, `{ databases { name purpose } }`)).databases.some((d: { purpose: string }) => d.purpose === 'moved'));
    const self = { name: 'self', type: 'OBJECT', from: { database: 'notes', table: 'notes', columns: ['id'] }, to: { database: 'notes', table: 'notes', columns: ['id'] } };
    await ok(a, `mutation($input: RelationshipInput!) { defineRelationship(input: $input) { name } }`, { input: self });
    times.define = await propagation(async () => (await gql(b, `{ notes { notes { self { body } } } }`)).data?.notes?.notes?.[0]?.self?.body === 'hello');
    await ok(a, `mutation { dropRelationship(database: "notes", name: "self") }`);
    times.drop = await propagation(async () => !!(await gql(b, `{ notes { notes { self { body } } } }`)).errors);
    await ok(a, `mutation { unregisterDatabase(name: "notes") }`);
    times.unregister = await propagation(async () => !(await registered(b, 'notes')()));
    console.info('propagation A → B (ms):', times);
    expect(Math.max(...Object.values(times))).toBeLessThanOrEqual(PROPAGATION_MS);
  });

  it.runIf(process.env.SWITCHYARD_MEASURE)('measure: propagation of 20 registration changes from A to B', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      await ok(a, `mutation($url: String!) { registerDatabase(input: { name: "measured", url: $url }) { name } }`, { url: shared.url });
      times.push(await propagation(registered(b, 'measured')));
      await ok(a, `mutation { unregisterDatabase(name: "measured") }`);
      times.push(await propagation(async () => !(await registered(b, 'measured')())));
    }
    const sorted = [...times].sort((x, y) => x - y);
    console.info(`propagation over ${times.length} changes: median ${(sorted[9] + sorted[10]) / 2} ms, max ${sorted.at(-1)} ms; all: ${times.join(' ')}`);
  }, 60_000);

  it('a catalog change after DDL on A is served by B within 2 s', async () => {
    await ok(a, `mutation { executeDDL(database: "target", sql: "CREATE TABLE ddl_made (id int PRIMARY KEY)") { statements } }`);
    await propagation(async () => !(await gql(b, `{ target { ddlMade { id } } }`)).errors);
  });

  it('a key revoked on A is refused on B within 2 s, and ends its open subscription on B at once', async () => {
    const { createApiKey } = await ok(a, `mutation { createApiKey(label: "temp", role: READER) { id key } }`);
    expect((await gql(b, `{ databases { name } }`, undefined, createApiKey.key)).errors).toBeUndefined();
    const sub = subscribe(client(b, createApiKey.key), `subscription { schemaChanged { databases } }`);
    // The subscription is live once the server has accepted it: wait for B to see one schema change.
    await waitFor(async () => {
      if (sub.results.length) return true;
      await ok(b, `mutation { reloadCatalog(database: "target") { name } }`);
      return false;
    }, 5000, 100);
    await ok(a, `mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: createApiKey.id });
    await propagation(async () => (await gql(b, `{ databases { name } }`, undefined, createApiKey.key)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED');
    await propagation(async () => sub.results.at(-1)?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED');
    expect(await sub.done).toBe('complete');
  });

  it('a run started on A is followed over graphql-ws on B: every event in order, the same as on A; a subscriber leaving early changes nothing', async () => {
    const { runMigrations } = await ok(a, `mutation { runMigrations(databases: ["target"]) { id } }`);
    const onB = subscribe(client(b), PROGRESS, { id: runMigrations.id });
    const onA = subscribe(client(a), PROGRESS, { id: runMigrations.id });
    // A subscriber that leaves after the first event changes nothing for the run.
    const quitter = client(b);
    const leaving = subscribe(quitter, PROGRESS, { id: runMigrations.id });
    await waitFor(() => leaving.results.length > 0, 5000, 20);
    await quitter.dispose();
    expect(await onB.done).toBe('complete');
    expect(await onA.done).toBe('complete');
    const seen = events(onB);
    printLog('run started on A, watched on B:', seen);
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen).toEqual(events(onA));
    expect(seen.map((e) => e.type).filter((t) => t !== 'HEARTBEAT')).toEqual([
      'RUN_STARTED',
      'MIGRATION_STARTED', 'STATEMENT_STARTED', 'STATEMENT_FINISHED', 'STATEMENT_STARTED', 'STATEMENT_FINISHED', 'MIGRATION_APPLIED',
      'MIGRATION_STARTED', 'STATEMENT_STARTED', 'STATEMENT_FINISHED', 'STATEMENT_STARTED', 'STATEMENT_FINISHED', 'MIGRATION_APPLIED',
      'RUN_FINISHED',
    ]);
    expect(seen.at(-1)).toMatchObject({ status: 'SUCCEEDED' });
    const run = await ok(b, `query($id: ID!) { migrationRun(id: $id) { status events { seq } } }`, { id: runMigrations.id });
    expect(run.migrationRun).toEqual({ status: 'SUCCEEDED', events: seen.map((e) => ({ seq: e.seq })) });
    // The catalog reload after the run reached B too.
    await propagation(async () => !(await gql(b, `{ target { second { id } } }`)).errors);
  });

  it('after its listening connection drops, an instance re-reads the tables and catches up on what it missed', async () => {
    const { ControlStore } = await import('../../src/control/index.js');
    const { Connection } = await import('../../src/connections/index.js');
    const { resolveDatabase } = await import('../../src/config/index.js');
    const connection = new Connection(resolveDatabase(databaseSchema.parse({ name: 'control', url: control.url }), 0, process.cwd()));
    try {
      // Stored behind every instance's back: no announcement is sent.
      await new ControlStore(connection, Buffer.from(secretKey, 'hex')).saveDatabase(databaseSchema.parse({ name: 'quiet', url: shared.url }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await registered(b, 'quiet')()).toBe(false);
      await control.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchyard-bus' AND datname = current_database()`);
      await propagation(registered(b, 'quiet'));
    } finally {
      await connection.close();
    }
  });

  it('kill -9 of A in the middle of a slow migration: B reports ABANDONED with the last event, no lock is left, and a new run succeeds', async () => {
    writeFileSync(path.join(migrationsDir, '1700000000003_slow.sql'), migration(`SELECT pg_sleep(CASE WHEN to_regclass('slow_marker') IS NULL THEN 0 ELSE 60 END);`));
    const { runMigrations } = await ok(a, `mutation { runMigrations(databases: ["target"]) { id } }`);
    const onB = subscribe(client(b), PROGRESS, { id: runMigrations.id });
    await waitFor(() => events(onB).some((e) => e.type === 'STATEMENT_STARTED'), 10_000, 50);
    // While A's run holds the database, a run started on B is refused up front.
    const refused = await gql(b, `mutation { runMigrations(databases: ["target"]) { id } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'MIGRATION_LOCKED', runId: runMigrations.id });
    a.kill9();
    expect(await onB.done).toBe('complete');
    printLog('run abandoned by kill -9 of A, watched on B:', events(onB));
    const last = events(onB).at(-1);
    expect(last).toMatchObject({ type: 'RUN_FINISHED', status: 'ABANDONED', lastEvent: { type: 'STATEMENT_STARTED' } });
    expect(last.error).toMatch(/stopped renewing its lease; last event seen: #\d+ STATEMENT_STARTED target 1700000000003_slow statement 1\/1/);
    // The dead session's advisory lock goes with it (Postgres checks the vanished client every second).
    await waitFor(async () => (await target.sql(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`))[0].n === 0, 5000, 100);
    await target.sql('DROP TABLE slow_marker');
    const { runMigrations: again } = await ok(b, `mutation { runMigrations(databases: ["target"]) { id } }`);
    const rerun = subscribe(client(b), PROGRESS, { id: again.id });
    expect(await rerun.done).toBe('complete');
    expect(events(rerun).at(-1)).toMatchObject({ type: 'RUN_FINISHED', status: 'SUCCEEDED' });
    const stored = await ok(b, `query($id: ID!) { migrationRun(id: $id) { status } }`, { id: runMigrations.id });
    expect(stored.migrationRun.status).toBe('ABANDONED');
  });

  it('a migration blocked by a lock held from the test streams LOCK_WAIT on B and ends at its lock timeout', async () => {
    writeFileSync(path.join(migrationsDir, '1700000000004_alter.sql'), migration('ALTER TABLE first ADD COLUMN blocked int;'));
    const holder = new pg.Client({ connectionString: target.url });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE first IN ACCESS EXCLUSIVE MODE');
      const { runMigrations } = await ok(b, `mutation { runMigrations(databases: ["target"], lockTimeoutMs: 800) { id } }`);
      const sub = subscribe(client(b), `subscription($id: ID!) { migrationProgress(runId: $id) { seq at type statement firstLine waitedMs blockingPid blockingQuery status error } }`, { id: runMigrations.id });
      expect(await sub.done).toBe('complete');
      const seen = sub.results.map((r) => r.data.migrationProgress);
      printLog('run blocked by a lock:', seen);
      const waits = seen.filter((e) => e.type === 'LOCK_WAIT');
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect(waits[0].blockingQuery).toMatch(/LOCK TABLE first/);
      expect(seen.at(-1)).toMatchObject({ type: 'RUN_FINISHED', status: 'FAILED' });
      expect(seen.at(-1).error).toMatch(/lock timeout/);
    } finally {
      await holder.end();
    }
  });
});
