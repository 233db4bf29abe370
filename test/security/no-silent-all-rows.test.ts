import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let app: TestDatabase;
let gw: TestGateway;

beforeAll(async () => {
  app = await createTestDatabase('allrows');
  await app.sql(`CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, nickname text)`);
  gw = await startTestGateway({ databases: [{ name: 'app', url: app.url }], probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await app?.drop();
});

beforeEach(async () => {
  await app.sql(`TRUNCATE users; INSERT INTO users VALUES (1, 'ana@example.com', 'ana'), (2, 'ben@example.com', NULL), (3, 'cy@example.com', 'cy')`);
  await app.resetStatements();
});

const users = async () => (await app.sql<{ n: number }>('SELECT count(*)::int AS n FROM users'))[0].n;

/** Expects one BAD_USER_INPUT error matching `message`, no statement on the database and all 3 rows still there. */
async function refused(query: string, variables: Record<string, unknown> | undefined, message: RegExp) {
  const { status, body } = await gw.graphql(query, variables);
  expect(body.errors?.[0].message).toMatch(message);
  expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(body.errors?.[0].extensions?.hint).toBeTruthy();
  const statements = await app.statementCount();
  expect(await users()).toBe(3);
  return { status, statements };
}

describe('no silent "all rows"', () => {
  it('a delete whose comparison variable was not sent is refused naming the variable, and deletes nothing', async () => {
    const { status, statements } = await refused(`mutation($e: String) { app { deleteUsers(where: { email: { eq: $e } }) { id } } }`, {}, /Variable "\$e" was not provided/);
    expect(status).toBe(400);
    expect(statements).toBe(0);
  });

  it('a read whose comparison variable was not sent is refused too, instead of returning every row', async () => {
    const { status, body } = await gw.graphql(`query($e: String) { app { users(where: { email: { eq: $e } }) { id } } }`, {});
    expect(status).toBe(400);
    expect(body.errors?.[0].message).toMatch(/Variable "\$e" was not provided/);
    expect(body.data).toBeUndefined();
  });

  it('a variable inside insert objects must be sent as well, and nothing is written', async () => {
    await refused(`mutation($n: String) { app { insertUsers(objects: [{ id: 4, email: "d@example.com", nickname: $n }]) { id } } }`, {}, /"\$n" was not provided, but argument "objects" of "insertUsers"/);
  });

  it('a nested variable with a default in the document may be left out', async () => {
    const { body } = await gw.graphql(`query($e: String = "ben@example.com") { app { users(where: { email: { eq: $e } }) { id } } }`, {});
    expect(body).toEqual({ data: { app: { users: [{ id: 2 }] } } });
  });

  it('an empty comparison object is an error, in reads and in writes', async () => {
    await refused(`mutation { app { deleteUsers(where: { email: {} }) { id } } }`, undefined, /where\.email has no comparison/);
    const { body } = await gw.graphql(`{ app { users(where: { email: {} }) { id } } }`);
    expect(body.errors?.[0].message).toMatch(/where\.email has no comparison/);
  });

  it('null as a column filter or as isNull is an error, not "no condition"', async () => {
    await refused(`mutation { app { deleteUsers(where: { email: null }) { id } } }`, undefined, /where\.email is null/);
    await refused(`mutation { app { deleteUsers(where: { nickname: { isNull: null } }) { id } } }`, undefined, /isNull: null is not a value|nickname\.isNull/);
  });

  it('an update or delete whose where arrives empty through a variable is refused', async () => {
    await refused(`mutation($w: App_UsersFilter!) { app { deleteUsers(where: $w) { id } } }`, { w: {} }, /deleteUsers: where matches every row/);
    await refused(`mutation($w: App_UsersFilter!) { app { updateUsers(where: $w, set: { nickname: "x" }) { id } } }`, { w: { and: [] } }, /updateUsers: where matches every row/);
  });

  it('where: {} written in the document still means every row', async () => {
    const { body } = await gw.graphql(`mutation { app { updateUsers(where: {}, set: { nickname: "all" }) { id } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.app.updateUsers).toHaveLength(3);
    const deleted = await gw.graphql(`mutation { app { deleteUsers(where: {}) { id } } }`);
    expect(deleted.body.data.app.deleteUsers).toHaveLength(3);
    expect(await users()).toBe(0);
  });

  it('a provided variable, and an explicit null for a whole optional argument, keep their meaning', async () => {
    const { body } = await gw.graphql(`mutation($e: String) { app { deleteUsers(where: { email: { eq: $e } }) { id } } }`, { e: 'cy@example.com' });
    expect(body).toEqual({ data: { app: { deleteUsers: [{ id: 3 }] } } });
    const read = await gw.graphql(`query($w: App_UsersFilter) { app { users(where: $w, orderBy: [{ id: ASC }]) { id } } }`, {});
    expect(read.body).toEqual({ data: { app: { users: [{ id: 1 }, { id: 2 }] } } });
  });
});
