import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, DEFAULT_STATEMENT_TIMEOUT_MS, type DatabaseEntry, type ParsedConfig, type RelationshipConfig, type RlsConfig, type DatabaseLiveConfig } from './config-schema.js';
import { supabasePoolerEndpoint } from './supabase.js';

export type ConnectionMode = 'session' | 'transaction';
export type SslMode = 'on' | 'off' | 'verify';

/** Everything needed to open one database, after env expansion and shorthand resolution. */
export interface DatabaseConfig {
  name: string;
  purpose: string;
  host: string;
  port: number;
  user: string;
  /** SECURITY: never logged or returned; redaction keys on it. */
  password: string;
  database: string;
  ssl: SslMode;
  pool: { max: number; idleTimeoutMillis: number; connectionTimeoutMillis: number };
  /** statement_timeout of the pool (ms; 0: none). */
  statementTimeoutMs: number;
  /** statement_timeout of DDL statements (ms; 0: none). */
  ddlStatementTimeoutMs: number;
  /** statement_timeout of migration statements (ms; 0: none). */
  migrationStatementTimeoutMs: number;
  readOnly: boolean;
  mode: ConnectionMode;
  schemas: string[];
  migrationsDir: string;
  rls?: RlsConfig;
  /** Live query overrides (interval, batch size); the global `live` applies where unset. */
  live?: DatabaseLiveConfig;
}

export interface GatewayConfig extends Omit<ParsedConfig, 'databases'> {
  databases: DatabaseConfig[];
  relationships: RelationshipConfig[];
}

/** A config that failed validation; `message` names every key path at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed document. */
export function expandEnv(value: unknown, env: Record<string, string | undefined>, at = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_, name: string, fallback: string | undefined) => {
      const found = env[name] ?? fallback;
      if (found === undefined) throw new ConfigError(`${at || '(root)'}: environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, at ? `${at}.${k}` : k)]),
    );
  }
  return value;
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const where = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `  ${where || '(root)'}: ${i.message}`;
    })
    .join('\n');
}

function fromUrl(entry: DatabaseEntry, url: string, index: number) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // SECURITY: the URL holds a password; the message must not echo it.
    throw new ConfigError(`databases[${index}].url: not a valid postgres:// URL`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new ConfigError(`databases[${index}].url: must start with postgres://`);
  const sslmode = parsed.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || entry.name,
    ssl: sslmode === 'require' ? ('on' as const) : sslmode === 'verify-full' ? ('verify' as const) : undefined,
  };
}

/** Turns one validated entry into connection parameters (url, discrete fields or the Supabase shorthand). */
export function resolveDatabase(entry: DatabaseEntry, index: number, baseDir: string): DatabaseConfig {
  let endpoint: { host: string; port: number; user: string; password: string; database: string; ssl?: SslMode };
  let mode: ConnectionMode = entry.mode ?? 'session';
  if (entry.supabase) {
    endpoint = { ...supabasePoolerEndpoint(entry.supabase), ssl: 'on' };
    mode = entry.mode ?? entry.supabase.mode;
  } else if (entry.url) {
    endpoint = fromUrl(entry, entry.url, index);
    // NOTE: 6543 is the Supabase transaction pooler's port; assume transaction mode unless told.
    if (!entry.mode && endpoint.port === 6543) mode = 'transaction';
  } else {
    if (!entry.user || !entry.database) throw new ConfigError(`databases[${index}]: host needs user and database too`);
    endpoint = { host: entry.host!, port: entry.port ?? 5432, user: entry.user, password: entry.password ?? '', database: entry.database };
  }
  const ssl: SslMode = entry.ssl === true ? 'on' : entry.ssl === false ? 'off' : (entry.ssl ?? endpoint.ssl ?? 'off');
  return {
    name: entry.name,
    purpose: entry.purpose,
    ...endpoint,
    ssl,
    pool: entry.pool,
    statementTimeoutMs: entry.statementTimeoutMs ?? (mode === 'transaction' ? 0 : DEFAULT_STATEMENT_TIMEOUT_MS),
    ddlStatementTimeoutMs: entry.ddlStatementTimeoutMs,
    migrationStatementTimeoutMs: entry.migrationStatementTimeoutMs,
    readOnly: entry.readOnly,
    mode,
    schemas: entry.schemas,
    migrationsDir: path.resolve(baseDir, entry.migrationsDir ?? path.join('migrations', entry.name)),
    rls: entry.rls,
    live: entry.live,
  };
}

/**
 * Validates a parsed config document (after `${ENV}` expansion) into a GatewayConfig.
 * Throws ConfigError naming each offending key path.
 */
export function parseConfig(doc: unknown, env: Record<string, string | undefined> = process.env, baseDir = process.cwd()): GatewayConfig {
  const expanded = expandEnv(doc ?? {}, env);
  const result = configSchema.safeParse(expanded);
  if (!result.success) throw new ConfigError(`invalid config:\n${formatIssues(result.error.issues)}`);
  const parsed = result.data;
  return { ...parsed, databases: parsed.databases.map((d, i) => resolveDatabase(d, i, baseDir)) };
}

/** Reads a YAML or JSON config file and validates it. */
export function loadConfigFile(file: string, env: Record<string, string | undefined> = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(doc, env);
}
