import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { createLogger } from '../../src/server/index.js';
import { databaseUrl, type TestDatabase } from '../helpers/databases.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';

export type SecureGatewayOptions = TestGatewayOptions;

/** A test gateway with slow probes (registration tests reconnect on purpose), a logger and a key. */
export function startSecureGateway(doc: Record<string, unknown>, options: SecureGatewayOptions = {}): Promise<TestGateway> {
  return startTestGateway({ probeIntervalMs: 60_000, ...doc }, options);
}

/** 32 random bytes, as SWITCHYARD_SECRET_KEY would give. */
export const newSecretKey = (): Uint8Array => randomBytes(32);

export interface CapturedLog {
  logger: Logger;
  /** Every line pino wrote, as JSON text. */
  lines: string[];
}

/**
 * A debug-level gateway logger whose output is kept in memory. `secrets` plays the part of the
 * list createGateway gives its own logger (the passwords of the databases it knows).
 */
export function captureLogs(secrets: () => Iterable<string>): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger('debug', secrets, {
    write: (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
    },
  });
  return { logger, lines };
}

export interface LoginRole {
  user: string;
  password: string;
  /** URL of `db` logging in as this role. */
  url: string;
  /** Changes the role's password (for rotation tests); `url` keeps the old one. */
  setPassword(password: string): Promise<void>;
  /** Drops the role; call after `db` was dropped. */
  drop(): Promise<void>;
}

async function onPostgres(db: TestDatabase, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(db.cluster, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A login role with a distinctive password that owns `db` and may use its tables, so tests can
 * look for that password in logs, responses and the control database.
 */
export async function createLoginRole(db: TestDatabase, prefix = 'sec'): Promise<LoginRole> {
  const tag = randomBytes(4).toString('hex');
  const user = `${prefix}_${tag}`;
  const password = `Pw-${prefix}-${randomBytes(9).toString('hex')}`;
  await onPostgres(db, `CREATE ROLE "${user}" LOGIN PASSWORD '${password}'`);
  await db.sql(`ALTER DATABASE "${db.name}" OWNER TO "${user}"`);
  await db.sql(`GRANT ALL ON ALL TABLES IN SCHEMA public TO "${user}"; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "${user}"; GRANT ALL ON SCHEMA public TO "${user}"`);
  return {
    user,
    password,
    url: roleUrl(db, user, password),
    setPassword: (next) => onPostgres(db, `ALTER ROLE "${user}" PASSWORD '${next}'`),
    drop: () => onPostgres(db, `DROP ROLE IF EXISTS "${user}"`),
  };
}

export function roleUrl(db: TestDatabase, user: string, password: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@${db.cluster.host}:${db.cluster.port}/${db.name}`;
}

/** Names every secret found in `text` (verbatim or percent-encoded). */
export function leakedSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)));
}
