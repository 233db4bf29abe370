import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Issue #12 item 5: adding a table, column or constraint never renames one that exists
// (inflect.ts rule 6: the older keeps the name, the newer gets its own SQL name as suffix).
let lower: TestDatabase; // the lower-case / snake_case spelling is created first
let upper: TestDatabase; // the capitalised / camelCase spelling is created first
let gw: TestGateway;

beforeAll(async () => {
  [lower, upper] = await Promise.all([createTestDatabase('stablelo'), createTestDatabase('stableup')]);
  await Promise.all([lower.sql('CREATE TABLE seed (id int)'), upper.sql('CREATE TABLE seed (id int)')]);
  gw = await startTestGateway({ databases: [{ name: 'lower', url: lower.url }, { name: 'upper', url: upper.url }] });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([lower?.drop(), upper?.drop()]);
});

async function data(query: string) {
  const { body } = await gw.graphql(query);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

/** Runs SQL directly, then reloads the catalog the way an operator would. */
async function change(db: TestDatabase, name: string, sql: string) {
  await db.sql(sql);
  const reloaded = await data(`mutation { reloadCatalog(database: "${name}") { error } }`);
  expect(reloaded.reloadCatalog.error).toBeNull();
}

describe('tables: the older keeps its GraphQL names', () => {
  it('projects then Projects: lower.projects stays on "projects"; the new table is projects_Projects', async () => {
    await change(lower, 'lower', `CREATE TABLE projects (id int PRIMARY KEY, tag text); INSERT INTO projects VALUES (1, 'snake')`);
    expect(await data('{ lower { projects { tag } } }')).toEqual({ lower: { projects: [{ tag: 'snake' }] } });
    await change(lower, 'lower', `CREATE TABLE "Projects" (id int PRIMARY KEY, tag text); INSERT INTO "Projects" VALUES (1, 'Capital')`);
    expect(await data('{ lower { projects { tag } projects_Projects { tag } projectsByPk(id: 1) { tag } } }')).toEqual({
      lower: { projects: [{ tag: 'snake' }], projects_Projects: [{ tag: 'Capital' }], projectsByPk: { tag: 'snake' } },
    });
    const types = await data('{ a: __type(name: "Lower_Projects") { name } b: __type(name: "Lower_Projects_Projects") { name } }');
    expect(types).toEqual({ a: { name: 'Lower_Projects' }, b: { name: 'Lower_Projects_Projects' } });
    const written = await data('mutation { lower { insertProjects_Projects(objects: [{ id: 2, tag: "C2" }]) { tag } } }');
    expect(written.lower.insertProjects_Projects).toEqual([{ tag: 'C2' }]);
    expect(await lower.sql('SELECT tag FROM "Projects" ORDER BY id')).toEqual([{ tag: 'Capital' }, { tag: 'C2' }]);
  });

  it('Projects then projects: upper.projects stays on "Projects" although "projects" sorts after it; the new table is projects_projects', async () => {
    await change(upper, 'upper', `CREATE TABLE "Projects" (id int PRIMARY KEY, tag text); INSERT INTO "Projects" VALUES (1, 'Capital')`);
    expect(await data('{ upper { projects { tag } } }')).toEqual({ upper: { projects: [{ tag: 'Capital' }] } });
    await change(upper, 'upper', `CREATE TABLE projects (id int PRIMARY KEY, tag text); INSERT INTO projects VALUES (1, 'snake')`);
    expect(await data('{ upper { projects { tag } projects_projects { tag } } }')).toEqual({
      upper: { projects: [{ tag: 'Capital' }], projects_projects: [{ tag: 'snake' }] },
    });
  });

  it('dropping the newer of two colliding tables renames nothing', async () => {
    await change(upper, 'upper', 'DROP TABLE projects');
    expect(await data('{ upper { projects { tag } } }')).toEqual({ upper: { projects: [{ tag: 'Capital' }] } });
  });
});

describe('columns: the older (lower position) keeps its field name', () => {
  it('user_id then userId: userId stays on user_id; the new column is userId_userId, everywhere (output, filter, order, input)', async () => {
    await change(lower, 'lower', `CREATE TABLE member (id int PRIMARY KEY, user_id int); INSERT INTO member VALUES (1, 10)`);
    await change(lower, 'lower', `ALTER TABLE member ADD COLUMN "userId" int; UPDATE member SET "userId" = 20`);
    expect(await data('{ lower { member(where: { userId_userId: { eq: 20 } }, orderBy: [{ userId_userId: ASC }]) { userId userId_userId } } }')).toEqual({
      lower: { member: [{ userId: 10, userId_userId: 20 }] },
    });
  });

  it('userId then user_id: userId stays on "userId"; the new column is userId_user_id', async () => {
    await change(upper, 'upper', `CREATE TABLE member (id int PRIMARY KEY, "userId" int); INSERT INTO member VALUES (1, 20)`);
    await change(upper, 'upper', `ALTER TABLE member ADD COLUMN user_id int; UPDATE member SET user_id = 10`);
    expect(await data('{ lower: upper { member { userId userId_user_id } } }')).toEqual({ lower: { member: [{ userId: 20, userId_user_id: 10 }] } });
  });
});

describe('constraints: the older foreign key keeps the relation name', () => {
  it('owner_id then reviewer_id: the first key keeps "person" on both sides whichever sorts first', async () => {
    const setup = `CREATE TABLE person (id int PRIMARY KEY, name text);
      INSERT INTO person VALUES (1, 'owner'), (2, 'reviewer');
      CREATE TABLE task (id int PRIMARY KEY, owner_id int, reviewer_id int);
      INSERT INTO task VALUES (1, 1, 2);`;
    await change(lower, 'lower', `${setup} ALTER TABLE task ADD CONSTRAINT z_owner FOREIGN KEY (owner_id) REFERENCES person`);
    await change(lower, 'lower', 'ALTER TABLE task ADD CONSTRAINT a_reviewer FOREIGN KEY (reviewer_id) REFERENCES person');
    await change(upper, 'upper', `${setup} ALTER TABLE task ADD CONSTRAINT a_reviewer FOREIGN KEY (reviewer_id) REFERENCES person`);
    await change(upper, 'upper', 'ALTER TABLE task ADD CONSTRAINT z_owner FOREIGN KEY (owner_id) REFERENCES person');
    const q = (db: string, byCol: string) => `{ ${db} { task { person { name } ${byCol} { name } } person(orderBy: [{ id: ASC }]) { task { id } } } }`;
    expect(await data(q('lower', 'personByReviewerId'))).toEqual({
      lower: { task: [{ person: { name: 'owner' }, personByReviewerId: { name: 'reviewer' } }], person: [{ task: [{ id: 1 }] }, { task: [] }] },
    });
    expect(await data(q('upper', 'personByOwnerId'))).toEqual({
      upper: { task: [{ person: { name: 'reviewer' }, personByOwnerId: { name: 'owner' } }], person: [{ task: [] }, { task: [{ id: 1 }] }] },
    });
  });

  it('unique constraints that sanitise alike keep their onConflict values in creation order', async () => {
    await change(lower, 'lower', 'CREATE TABLE tagged (id int PRIMARY KEY, a int CONSTRAINT "uq_a" UNIQUE)');
    await change(lower, 'lower', 'ALTER TABLE tagged ADD COLUMN b int CONSTRAINT "uq-a" UNIQUE');
    await change(upper, 'upper', 'CREATE TABLE tagged (id int PRIMARY KEY, b int CONSTRAINT "uq-a" UNIQUE)');
    await change(upper, 'upper', 'ALTER TABLE tagged ADD COLUMN a int CONSTRAINT "uq_a" UNIQUE');
    const values = async (type: string) =>
      (await data(`{ __type(name: "${type}") { enumValues { name description } } }`)).__type.enumValues.map((v: { name: string; description: string }) => `${v.name} ${v.description}`);
    expect(await values('Lower_TaggedConstraint')).toEqual(expect.arrayContaining(['uq_a unique (a)', expect.stringMatching(/^uq_a_uq_a_[0-9a-z]+ unique \(b\)$/)]));
    expect(await values('Upper_TaggedConstraint')).toEqual(expect.arrayContaining(['uq_a unique (b)', 'uq_a_uq_a unique (a)']));
  });
});

describe('enums and tables share type names: the older keeps it', () => {
  // A table and an enum cannot share a Postgres name (a table has a row type), but "Status" and status meet in Pascal case.
  it('enum "Status" then table status: Lower_Status stays the enum', async () => {
    await change(lower, 'lower', `CREATE TYPE "Status" AS ENUM ('on', 'off')`);
    await change(lower, 'lower', 'CREATE TABLE status (id int PRIMARY KEY, s "Status")');
    const types = await data('{ e: __type(name: "Lower_Status") { kind } t: __type(name: "Lower_Status_status") { kind } }');
    expect(types).toEqual({ e: { kind: 'ENUM' }, t: { kind: 'OBJECT' } });
  });

  it('table status then enum "Status": Upper_Status stays the table', async () => {
    await change(upper, 'upper', 'CREATE TABLE status (id int PRIMARY KEY)');
    await change(upper, 'upper', `CREATE TYPE "Status" AS ENUM ('on', 'off'); ALTER TABLE status ADD COLUMN s "Status"`);
    const types = await data('{ t: __type(name: "Upper_Status") { kind } e: __type(name: "Upper_Status_Status") { kind } }');
    expect(types).toEqual({ t: { kind: 'OBJECT' }, e: { kind: 'ENUM' } });
  });
});
