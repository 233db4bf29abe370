import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/embedded/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import type { GraphQLResponse, TestGateway } from '../helpers/gateway.js';
import { captureLogs, createLoginRole, leakedSecrets, roleUrl, startSecureGateway, type CapturedLog, type LoginRole } from './security-helpers.js';

// Every password the gateway is given in this file; none may come back in a response or a log line.
const downPassword = `Pw-down-${randomBytes(9).toString('hex')}`;
const wrongPassword = `Pw-wrong-${randomBytes(9).toString('hex')}`;
const unreachablePassword = `Pw-unreachable-${randomBytes(9).toString('hex')}`;
const badUrlPassword = `Pw-badurl-${randomBytes(9).toString('hex')}`;

let live: TestDatabase;
let role: LoginRole;
let downPort: number;
let logs: CapturedLog;
let gw: TestGateway;
const responses: GraphQLResponse[] = [];

const secrets = () => [downPassword, wrongPassword, unreachablePassword, badUrlPassword, role.password];

beforeAll(async () => {
  live = await createTestDatabase('live');
  await live.sql('CREATE TABLE items (id int PRIMARY KEY)');
  role = await createLoginRole(live, 'leak');
  downPort = await freePort();
  // NOTE: createGateway gives its own logger the passwords of the databases it knows (config and
  // registry); this logger gets the same list, so what is tested is the gateway's own scrubbing.
  logs = captureLogs(() => [downPassword, role.password, ...(gw?.gateway.registry.list().map((c) => c.config.password) ?? [])]);
  gw = await startSecureGateway(
    {
      databases: [
        { name: 'down', url: `postgres://ghost:${downPassword}@127.0.0.1:${downPort}/nowhere` },
        { name: 'live', url: role.url },
      ],
      logLevel: 'debug',
    },
    { logger: logs.logger },
  );
});

afterAll(async () => {
  await gw?.stop();
  await live?.drop();
  await role?.drop();
});

async function send(query: string, variables?: Record<string, unknown>) {
  const response = await gw.graphql(query, variables);
  responses.push(response);
  expect(leakedSecrets(JSON.stringify(response.body), secrets())).toEqual([]);
  return response.body;
}

const REGISTER = `mutation($input: RegisterDatabaseInput!) { registerDatabase(input: $input) { name } }`;

describe('passwords never leave the gateway', () => {
  it('a database that is down at start shows why in databases { error }, without its password', async () => {
    const body = await send(`{ databases { name status error } }`);
    const down = body.data.databases.find((d: { name: string }) => d.name === 'down');
    expect(down).toMatchObject({ status: 'DOWN', error: expect.stringMatching(/^\[connections:down\] .*ECONNREFUSED/) });
    const health = await gw.get('/health');
    expect(health.status).toBe(503);
    expect(leakedSecrets(JSON.stringify(health.body), secrets())).toEqual([]);
  });

  it('a failing registerDatabase answers without the password it was given', async () => {
    const wrongUrl = await send(REGISTER, { input: { name: 'wrongurl', url: roleUrl(live, role.user, wrongPassword) } });
    expect(wrongUrl.errors![0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'wrongurl' });
    const wrongFields = await send(REGISTER, {
      input: { name: 'wrongfields', host: live.cluster.host, port: live.cluster.port, user: role.user, password: wrongPassword, database: live.name },
    });
    expect(wrongFields.errors![0].message).toMatch(/password authentication failed/);
    const unreachable = await send(REGISTER, { input: { name: 'unreachable', url: `postgres://ghost:${unreachablePassword}@127.0.0.1:${downPort}/x` } });
    expect(unreachable.errors![0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', hint: expect.stringMatching(/nothing is listening/) });
    const badUrl = await send(REGISTER, { input: { name: 'badurl', url: `postgres://ghost:${badUrlPassword}@127.0.0.1:99999/x` } });
    expect(badUrl.errors).toHaveLength(1);
  });

  it('a failing executeDDL answers without a password, on a live and on a down database', async () => {
    const failed = await send(`mutation { executeDDL(database: "live", sql: "ALTER TABLE missing ADD COLUMN x int") { statements } }`);
    expect(failed.errors![0].extensions).toMatchObject({ code: 'DDL_FAILED' });
    const down = await send(`mutation { executeDDL(database: "down", sql: "CREATE TABLE t (id int)") { statements } }`);
    expect(down.errors![0].extensions).toMatchObject({ code: 'DB_UNAVAILABLE', database: 'down' });
  });

  it('no log line carries a password, at any level', () => {
    const text = logs.lines.join('\n');
    // The captured log covers the failures above; otherwise the check below would prove nothing.
    expect(text).toMatch(/"msg":"database is down"/);
    expect(text).toMatch(/"action":"DDL".*"outcome":"FAILED"/);
    expect(logs.lines.some((l) => l.includes('"level":20'))).toBe(true);
    expect(leakedSecrets(text, secrets())).toEqual([]);
    expect(responses.length).toBeGreaterThanOrEqual(7);
    expect(leakedSecrets(JSON.stringify(responses), secrets())).toEqual([]);
  });
});
