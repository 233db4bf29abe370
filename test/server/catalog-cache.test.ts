import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';

let dir: string;
let own: EmbeddedCluster;
let control: TestDatabase;
let other: TestDatabase;
let doc: Record<string, unknown>;
const secretKey = randomBytes(32);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'switchyard-cache-'));
  [own, control, other] = await Promise.all([
    startEmbeddedCluster({ dataDir: dir, password: 'cache-test-pw', persistent: true, serverFlags: ['-c', 'fsync=off'] }),
    createTestDatabase('control'),
    createTestDatabase('other'),
  ]);
  await own.ensureDatabase('flaky');
  const client = new pg.Client({ connectionString: own.url('flaky') });
  await client.connect();
  await client.query(`CREATE TABLE readings (id int PRIMARY KEY, value text); INSERT INTO readings VALUES (1, 'one')`);
  await client.end();
  await other.sql(`CREATE TABLE notes (id int PRIMARY KEY); INSERT INTO notes VALUES (7)`);
  doc = {
    control: { url: control.url },
    databases: [
      { name: 'flaky', url: own.url('flaky'), pool: { connectionTimeoutMillis: 1000 } },
      { name: 'other', url: other.url },
    ],
  };
});

afterAll(async () => {
  await own?.stop();
  await Promise.all([control?.drop(), other?.drop(), rm(dir, { recursive: true, force: true })]);
});

it('a database that is down at start keeps its last catalog: only its own namespace fails, and it recovers by itself', async () => {
  const first = await startTestGateway(doc, { secretKey });
  await first.stop();
  await own.stop();

  const gw = await startTestGateway(doc, { secretKey });
  try {
    const { body } = await gw.graphql(`{ flaky { readings { id value } } other { notes { id } } }`);
    // Root fields are nullable: the failure stays at flaky.readings.
    expect(body.data).toEqual({ flaky: { readings: null }, other: { notes: [{ id: 7 }] } });
    expect(body.errors?.[0]).toMatchObject({ path: ['flaky', 'readings'], extensions: { code: 'DB_UNAVAILABLE' } });

    await own.restart();
    // Back UP, the database's catalog is read afresh and its error clears.
    await waitFor(async () => {
      const r = await gw.graphql(`{ databases { name status error } }`);
      const flaky = r.body.data?.databases.find((d: { name: string }) => d.name === 'flaky');
      return flaky?.status === 'UP' && flaky.error === null;
    });
    expect((await gw.graphql(`{ flaky { readings { id value } } }`)).body).toEqual({ data: { flaky: { readings: [{ id: 1, value: 'one' }] } } });
  } finally {
    await gw.stop();
  }
});
