import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type GatewayConfig } from './config/index.js';
import { Connection } from './connections/index.js';
import { startEmbeddedCluster, type EmbeddedCluster } from './embedded/index.js';
import { migrate } from './ops/index.js';

/** The demo databases and what they are for. */
export const DEMO_DATABASES = [
  { name: 'engineer', purpose: 'LEO protocol: strategic directives and their backlog' },
  { name: 'app', purpose: 'Application data: projects and users' },
] as const;

/** The demo's cross-database joins: a directive's project in `app`, and back. */
export const DEMO_RELATIONSHIPS = [
  {
    name: 'project',
    type: 'object',
    from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] },
    to: { database: 'app', table: 'projects', columns: ['id'] },
  },
  {
    name: 'directives',
    type: 'array',
    from: { database: 'app', table: 'projects', columns: ['id'] },
    to: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] },
  },
];

export interface DemoOptions {
  /** Where the cluster's data and the generated secrets live (default .switchyard/). */
  stateDir?: string;
  port?: number;
  /** Fixed PostgreSQL port (default: free port, remembered across restarts). */
  pgPort?: number;
  persistent?: boolean;
  migrationsRoot?: string;
}

/**
 * The role the demo gateway connects as: it owns the demo and control databases, so DDL and
 * migrations work, but it is no superuser. SECURITY: `executeDDL` runs arbitrary SQL, and as a
 * superuser `COPY … TO PROGRAM` would run shell commands on the host.
 */
export const DEMO_ROLE = 'switchyard';

interface DemoState {
  /** The cluster superuser's password: used only to create the role and the databases. */
  password: string;
  /** DEMO_ROLE's password (added on first start after an upgrade). */
  rolePassword?: string;
  pgPort: number;
  secretKey: string;
}

function loadState(dir: string, pgPort?: number): DemoState & { rolePassword: string } {
  const file = path.join(dir, 'demo.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoState) : undefined;
  if (stored?.rolePassword) return stored as DemoState & { rolePassword: string };
  mkdirSync(dir, { recursive: true });
  const state = {
    password: stored?.password ?? randomBytes(12).toString('base64url'),
    rolePassword: randomBytes(12).toString('base64url'),
    pgPort: stored?.pgPort ?? pgPort ?? 54329,
    secretKey: stored?.secretKey ?? randomBytes(32).toString('base64'),
  };
  // SECURITY: the demo's own generated secrets, kept out of git (.switchyard/ is ignored) and readable by the owner only.
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

/** The demo's migrations, shipped with the package (`migrations/` next to `src/` and `dist/`). */
export const DEMO_MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

/** Runs every pending migration of `migrations/<name>` on one database. */
export async function migrateDatabase(config: GatewayConfig['databases'][number]): Promise<void> {
  const connection = new Connection(config);
  try {
    await migrate(connection, { direction: 'up' });
  } finally {
    await connection.close();
  }
}

/**
 * Zero-config start: an embedded PostgreSQL under `.switchyard/`, the control database and
 * the demo databases created (owned by {@link DEMO_ROLE}) and migrated. Returns the config to
 * serve them; every URL in it logs in as DEMO_ROLE, never as the superuser.
 */
export async function startDemo(options: DemoOptions = {}): Promise<{ config: GatewayConfig; cluster: EmbeddedCluster; secretKey: Buffer }> {
  const stateDir = path.resolve(options.stateDir ?? '.switchyard');
  const state = loadState(stateDir, options.pgPort);
  const cluster = await startEmbeddedCluster({
    dataDir: path.join(stateDir, 'pg'),
    port: state.pgPort || undefined,
    password: state.password,
    persistent: options.persistent ?? true,
  });
  const migrationsRoot = options.migrationsRoot ?? DEMO_MIGRATIONS;
  const login = { user: DEMO_ROLE, password: state.rolePassword };
  await cluster.ensureLoginRole(login);
  await Promise.all(['switchyard_control', ...DEMO_DATABASES.map((d) => d.name)].map((name) => cluster.ensureDatabase(name, DEMO_ROLE)));
  const config = parseConfig(
    {
      port: options.port ?? 4000,
      databases: DEMO_DATABASES.map((d) => ({
        name: d.name,
        purpose: d.purpose,
        url: cluster.url(d.name, login),
        migrationsDir: path.join(migrationsRoot, d.name),
      })),
      control: { url: cluster.url('switchyard_control', login) },
      relationships: DEMO_RELATIONSHIPS,
    },
    {},
  );
  // The control database is migrated by the gateway itself when it opens it.
  for (const database of config.databases) await migrateDatabase(database);
  return { config, cluster, secretKey: Buffer.from(state.secretKey, 'base64') };
}
