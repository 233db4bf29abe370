import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLE, startDemo } from '../../src/demo.js';
import type { EmbeddedCluster } from '../../src/embedded/index.js';
import { createGateway, type Gateway } from '../../src/server/index.js';

// The zero-config demo as `npm start` builds it (own embedded cluster, anonymous admin), on a free port.
let stateDir: string;
let cluster: EmbeddedCluster;
let gateway: Gateway;

async function startDemoGateway(): Promise<void> {
  const demo = await startDemo({ stateDir, persistent: true, pgPort: 0 });
  cluster = demo.cluster;
  gateway = createGateway({ ...demo.config, port: 0, logLevel: 'silent' }, { anonymous: { name: 'anonymous', role: 'admin' }, secretKey: demo.secretKey });
  await gateway.start();
}

async function stopDemoGateway(): Promise<void> {
  await gateway?.stop();
  await cluster?.stop();
}

/** Runs SQL on the demo cluster as its superuser (not through the gateway). */
async function asSuperuser<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.url(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function graphql(query: string) {
  const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

const ddl = (database: string, sql: string) => graphql(`mutation { executeDDL(database: "${database}", sql: ${JSON.stringify(sql)}) { statements } }`);

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'switchyard-demo-role-'));
  // NOTE: the server runs as the `postgres` user when the tests run as root; it must reach the data directory.
  await chmod(stateDir, 0o755);
  await startDemoGateway();
}, 120_000);

afterAll(async () => {
  await stopDemoGateway();
  await rm(stateDir, { recursive: true, force: true });
});

describe('the demo connects through a role that is not a superuser', () => {
  it('every database of the demo, the control database included, is reached as that role', async () => {
    expect(gateway.config.databases.map((d) => d.user)).toEqual([DEMO_ROLE, DEMO_ROLE]);
    expect(new URL(gateway.config.control!.url).username).toBe(DEMO_ROLE);
    const rows = await gateway.crossDatabaseQuery({
      app: { sql: 'SELECT current_user AS who, rolsuper AS super FROM pg_roles WHERE rolname = current_user' },
      engineer: { sql: 'SELECT current_user AS who, rolsuper AS super FROM pg_roles WHERE rolname = current_user' },
    });
    expect(rows).toEqual({ app: [{ who: DEMO_ROLE, super: false }], engineer: [{ who: DEMO_ROLE, super: false }] });
  });

  it('the role may not create roles or databases and holds no server-program or server-file role', async () => {
    const [role] = await asSuperuser<Record<string, boolean>>(
      'postgres',
      `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
              pg_has_role('${DEMO_ROLE}', 'pg_execute_server_program', 'MEMBER') AS program,
              pg_has_role('${DEMO_ROLE}', 'pg_read_server_files', 'MEMBER') AS read_files,
              pg_has_role('${DEMO_ROLE}', 'pg_write_server_files', 'MEMBER') AS write_files
         FROM pg_roles WHERE rolname = '${DEMO_ROLE}'`,
    );
    expect(Object.values(role).every((v) => v === false)).toBe(true);
  });

  it('executeDDL cannot run COPY … TO PROGRAM, and the program never runs', async () => {
    const marker = path.join(stateDir, 'pwned');
    const result = await ddl('app', `COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`);
    expect(result.errors![0].extensions?.code).toBe('DDL_FAILED');
    expect(result.errors![0].message).toContain('permission denied to COPY to or from an external program');
    expect(existsSync(marker)).toBe(false);
  });

  it('executeDDL cannot make the role a superuser or write server files', async () => {
    expect((await ddl('app', `ALTER ROLE ${DEMO_ROLE} SUPERUSER`)).errors![0].extensions?.code).toBe('DDL_FAILED');
    expect((await ddl('app', `COPY (SELECT 1) TO '${path.join(stateDir, 'file')}'`)).errors![0].extensions?.code).toBe('DDL_FAILED');
    expect(existsSync(path.join(stateDir, 'file'))).toBe(false);
    const [role] = await asSuperuser<{ rolsuper: boolean }>('postgres', `SELECT rolsuper FROM pg_roles WHERE rolname = '${DEMO_ROLE}'`);
    expect(role.rolsuper).toBe(false);
  });

  it('DDL still works: a table created with executeDDL is queryable at once, next to the migrated demo data', async () => {
    const created = await ddl('app', 'CREATE TABLE tasks (id serial PRIMARY KEY, title text NOT NULL); ALTER TABLE projects ADD COLUMN note text');
    expect(created.errors).toBeUndefined();
    const read = await graphql('{ app { tasks { id } projects(orderBy: [{ id: ASC }]) { id note } } }');
    expect(read.errors).toBeUndefined();
    expect(read.data.app).toEqual({ tasks: [], projects: [{ id: 1, note: null }, { id: 2, note: null }] });
  });
});

describe('a demo made before the role existed', () => {
  it('on the next start its databases and the superuser tables in them become the role\'s, so DDL on them works', async () => {
    // The state of an older install: databases and tables owned by the superuser.
    await asSuperuser(
      'app',
      `CREATE TABLE legacy (id int PRIMARY KEY); CREATE TYPE legacy_mood AS ENUM ('ok');
       CREATE SCHEMA legacy_s; CREATE TABLE legacy_s.counter (id serial PRIMARY KEY); CREATE SEQUENCE legacy_s.free_seq;
       CREATE FUNCTION legacy_s.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'`,
    );
    await asSuperuser('postgres', 'ALTER DATABASE app OWNER TO postgres');
    await stopDemoGateway();
    await startDemoGateway();

    const owners = await asSuperuser<{ name: string; owner: string }>(
      'app',
      `SELECT 'database' AS name, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'app'
       UNION ALL SELECT 'legacy', pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'legacy'
       UNION ALL SELECT 'legacy_mood', pg_get_userbyid(typowner) FROM pg_type WHERE typname = 'legacy_mood'
       UNION ALL SELECT 'legacy_s', pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'legacy_s'
       UNION ALL SELECT 'legacy_s.' || relname, pg_get_userbyid(relowner) FROM pg_class
                 WHERE relnamespace = 'legacy_s'::regnamespace AND relkind IN ('r', 'S')
       UNION ALL SELECT 'legacy_s.answer()', pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'answer'
       ORDER BY 1`,
    );
    expect(owners).toEqual([
      { name: 'database', owner: DEMO_ROLE },
      { name: 'legacy', owner: DEMO_ROLE },
      { name: 'legacy_mood', owner: DEMO_ROLE },
      { name: 'legacy_s', owner: DEMO_ROLE },
      { name: 'legacy_s.answer()', owner: DEMO_ROLE },
      { name: 'legacy_s.counter', owner: DEMO_ROLE },
      { name: 'legacy_s.counter_id_seq', owner: DEMO_ROLE },
      { name: 'legacy_s.free_seq', owner: DEMO_ROLE },
    ]);
    expect((await ddl('app', 'ALTER TABLE legacy ADD COLUMN mood legacy_mood')).errors).toBeUndefined();
  }, 120_000);
});
