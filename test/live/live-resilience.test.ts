import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type TestGateway } from '../helpers/gateway.js';
import { newSecretKey, startSecureGateway } from '../security/security-helpers.js';
import { live, liveClient, until } from './live-helpers.js';

/** A TCP proxy to the test cluster that can refuse connections (the database goes DOWN) and accept them again. */
class Switch {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const adminApiKey = `sy_${randomBytes(30).toString('base64url')}`;
let db: TestDatabase;
let control: TestDatabase;
let proxy: Switch;
let gw: TestGateway;
const clients: { dispose(): Promise<void> | void }[] = [];

beforeAll(async () => {
  [db, control] = await Promise.all([createTestDatabase('live_down'), createTestDatabase('live_ctl')]);
  await db.sql(`CREATE TABLE gauges (id int PRIMARY KEY, value int NOT NULL); INSERT INTO gauges VALUES (1, 10), (2, 20);`);
  proxy = new Switch({ host: db.cluster.host, port: db.cluster.port });
  await proxy.open();
  const url = db.url.replace(`:${db.cluster.port}/`, `:${proxy.port}/`);
  gw = await startSecureGateway(
    { live: { intervalMs: 150, maxPerConnection: 2 }, probeIntervalMs: 200, databases: [{ name: 'plant', url }], control: { url: control.url }, auth: { adminApiKey } },
    { anonymous: null, secretKey: newSecretKey() },
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gw?.stop();
  await proxy?.cut();
  await Promise.all([db?.drop(), control?.drop()]);
});

function client(token = adminApiKey, onConnected?: () => void) {
  const c = liveClient(gw, token);
  if (onConnected) c.on('connected', onConnected);
  clients.push(c);
  return c;
}

const GAUGE = `subscription { plant { gaugesByPk(id: 1) { value } } }`;
const valueOf = (r: { data?: any }) => r.data?.plant?.gaugesByPk?.value;

describe('live queries when things go wrong', () => {
  it('when its database goes DOWN, a live query receives a result with the error at its field and stays open, and it resumes by itself on the same socket when the database is back', async () => {
    let connections = 0;
    const sub = live(client(adminApiKey, () => connections++), GAUGE);
    await until(() => sub.results.length > 0, 5000, 'first result');
    expect(valueOf(sub.results[0])).toBe(10);

    await proxy.cut();
    await until(() => sub.results.some((r) => r.errors), 5000, 'an error event');
    const failed = sub.results.find((r) => r.errors)!;
    expect(failed.errors![0].extensions?.code).toBe('DB_UNAVAILABLE');

    await db.sql(`UPDATE gauges SET value = 11 WHERE id = 1`);
    await proxy.open();
    await until(() => valueOf(sub.results.at(-1)!) === 11, 10_000, 'the live query to resume');
    expect(sub.results.at(-1)!.errors).toBeUndefined();
    expect(connections).toBe(1);
    sub.stop();
  });

  it('a live query beyond live.maxPerConnection receives one LIMIT_EXCEEDED error and completes; the others keep running', async () => {
    const c = client();
    const subs = [live(c, GAUGE), live(c, GAUGE)];
    await until(() => subs.every((s) => s.results.length > 0), 5000, 'first results');
    const extra = live(c, GAUGE);
    expect(await extra.done).toBe('complete');
    expect(extra.results).toHaveLength(1);
    expect(extra.results[0].errors?.[0]).toMatchObject({ message: expect.stringContaining('live.maxPerConnection'), extensions: { code: 'LIMIT_EXCEEDED' } });
    const other = live(client(), GAUGE);
    await until(() => other.results.length > 0, 5000, 'a live query on another connection');
    await db.sql(`UPDATE gauges SET value = value + 1 WHERE id = 1`);
    await until(() => subs.every((s) => s.results.length > 1), 5000, 'the others to keep running');
    [...subs, other].forEach((s) => s.stop());
  });

  it('a live query ends with one UNAUTHENTICATED error and then complete when its API key is revoked', async () => {
    const created = await gw.graphql(`mutation { createApiKey(label: "dash", role: READER) { id key } }`, {}, { authorization: `Bearer ${adminApiKey}` });
    const { id, key } = created.body.data.createApiKey;
    const sub = live(client(key), GAUGE);
    await until(() => sub.results.length > 0, 5000, 'first result');
    await gw.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id }, { authorization: `Bearer ${adminApiKey}` });
    expect(await sub.done).toBe('complete');
    expect(sub.results.at(-1)!.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(sub.results.filter((r) => r.errors)).toHaveLength(1);
  });
});
