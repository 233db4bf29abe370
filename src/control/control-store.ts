import { randomUUID } from 'node:crypto';
import { configSchema, databaseSchema, redactSecrets, type DatabaseEntry, type RelationshipConfig } from '../config/index.js';
import type { Connection } from '../connections/index.js';
import { GatewayError } from '../errors/index.js';
import {
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  validateApiKeyInput,
  type ApiKeyGrant,
  type ApiKeyInfo,
  type ApiKeyRole,
  type CreateApiKeyInput,
} from './api-key.js';
import {
  AUDIT_SUMMARY_MAX,
  clampLimit,
  RUN_COLUMNS,
  runFromRow,
  truncate,
  type AuditEntry,
  type AuditRecord,
  type MigrationRunInput,
  type MigrationRunRecord,
} from './control-records.js';
import { open, seal } from './secret-box.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The gateway's own tables (schema `switchyard`, see migrations/control): registered databases
 * with their credentials sealed (AES-256-GCM), relationships, migration runs, the audit log and
 * API keys. The caller owns `connection` and closes it; the store holds no other resources.
 *
 * @example
 * const store = new ControlStore(new Connection(controlConfig), loadSecretKey(process.env));
 * await store.saveDatabase(databaseSchema.parse({ name: 'app', url: 'postgres://…' }));
 */
export class ControlStore {
  /** Passwords of the entries this store has sealed or opened; redacted from audit summaries. */
  private readonly knownSecrets = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly secretKey: Uint8Array,
  ) {}

  // ── databases ────────────────────────────────────────────────────────────

  /**
   * Registers `entry` or replaces the entry of the same name (bumping updated_at).
   * SECURITY: the whole entry is sealed, so url, password and Supabase password are never
   * stored in clear; only name and purpose are readable columns.
   */
  async saveDatabase(entry: DatabaseEntry): Promise<void> {
    const valid = validEntry(entry);
    this.remember(valid);
    await this.connection.query(
      `INSERT INTO switchyard.databases (name, purpose, sealed_config) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET purpose = excluded.purpose, sealed_config = excluded.sealed_config, updated_at = now()`,
      [valid.name, valid.purpose, seal(JSON.stringify(valid), this.secretKey, sealContext(valid.name))],
    );
  }

  /** Every registered entry, opened, ordered by name. Throws BAD_CONFIG naming the database whose entry cannot be opened. */
  async listDatabases(): Promise<DatabaseEntry[]> {
    const { rows } = await this.connection.query<{ name: string; sealed_config: string }>(
      'SELECT name, sealed_config FROM switchyard.databases ORDER BY name',
    );
    return rows.map((row) => {
      let text: string;
      try {
        text = open(row.sealed_config, this.secretKey, sealContext(row.name));
      } catch (cause) {
        throw new GatewayError('BAD_CONFIG', `[control:${row.name}] cannot open the stored connection entry: wrong secret key, or the row was changed`, {
          database: row.name,
          hint: 'start the gateway with the SWITCHYARD_SECRET_KEY the database was registered with',
          cause,
        });
      }
      const entry = databaseSchema.parse(JSON.parse(text));
      this.remember(entry);
      return entry;
    });
  }

  /** Removes a registration; false when there was none. Relationships naming it are left to the caller. */
  async deleteDatabase(name: string): Promise<boolean> {
    const { rowCount } = await this.connection.query('DELETE FROM switchyard.databases WHERE name = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  // ── relationships ────────────────────────────────────────────────────────

  /** Adds a cross-database relationship or replaces the one with the same `from.database` and name. */
  async saveRelationship(definition: RelationshipConfig): Promise<void> {
    const parsed = configSchema.safeParse({ relationships: [definition] });
    if (!parsed.success) throw badInput('relationships', `relationship "${String(definition?.name)}" is invalid: ${formatIssues(parsed.error.issues, 2)}`);
    const valid = parsed.data.relationships[0];
    await this.connection.query(
      `INSERT INTO switchyard.relationships (name, from_database, definition) VALUES ($1, $2, $3)
       ON CONFLICT (from_database, name) DO UPDATE SET definition = excluded.definition`,
      [valid.name, valid.from.database, JSON.stringify(valid)],
    );
  }

  /** False when there was no such relationship. */
  async deleteRelationship(fromDatabase: string, name: string): Promise<boolean> {
    const { rowCount } = await this.connection.query('DELETE FROM switchyard.relationships WHERE from_database = $1 AND name = $2', [
      fromDatabase,
      name,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** Every relationship, ordered by source database and name. */
  async listRelationships(): Promise<RelationshipConfig[]> {
    const { rows } = await this.connection.query<{ definition: RelationshipConfig }>(
      'SELECT definition FROM switchyard.relationships ORDER BY from_database, name',
    );
    return rows.map((r) => r.definition);
  }

  // ── migration runs ───────────────────────────────────────────────────────

  /** Inserts a run or updates the stored one with the same id (status, error, events, finish time). */
  async saveMigrationRun(run: MigrationRunInput): Promise<void> {
    await this.connection.query(
      `INSERT INTO switchyard.migration_runs
         (id, databases, direction, status, error, events, started_by, started_at, finished_at, count, dry_run)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET databases = excluded.databases, direction = excluded.direction,
         status = excluded.status, error = excluded.error, events = excluded.events, started_by = excluded.started_by,
         started_at = excluded.started_at, finished_at = excluded.finished_at, count = excluded.count, dry_run = excluded.dry_run`,
      [
        run.id,
        [...run.databases],
        run.direction,
        run.status,
        run.error,
        // NOTE: pg sends JS arrays as Postgres arrays; jsonb needs the JSON text.
        JSON.stringify(run.events),
        run.startedBy,
        run.startedAt,
        run.finishedAt ?? null,
        run.count ?? null,
        run.dryRun ?? false,
      ],
    );
  }

  /**
   * Runs newest first; with `database`, only runs that touched it; with `within`, only runs whose
   * databases all lie in that list (what a database-limited caller may see). `limit` defaults to 50 (max 1000).
   */
  async listMigrationRuns(database?: string, limit?: number, within?: readonly string[]): Promise<MigrationRunRecord[]> {
    const { rows } = await this.connection.query(
      `SELECT ${RUN_COLUMNS},
         coalesce((SELECT jsonb_agg(e.event ORDER BY e.seq) FROM switchyard.migration_run_events e WHERE e.run_id = r.id), r.events) AS events
       FROM switchyard.migration_runs r
       WHERE ($1::text IS NULL OR $1 = ANY (databases)) AND ($3::text[] IS NULL OR databases <@ $3::text[])
       ORDER BY started_at DESC, id
       LIMIT $2`,
      [database ?? null, clampLimit(limit, 50), within ? [...within] : null],
    );
    return rows.map((r) => runFromRow(r, r.events));
  }

  // ── audit log ────────────────────────────────────────────────────────────

  /**
   * Appends one audit row.
   * SECURITY: summaries often quote inputs (URLs, SQL, error messages); URL passwords and the
   * passwords of databases this store has seen are redacted before storing, then the text is cut.
   */
  async audit(entry: AuditEntry): Promise<void> {
    const summary = truncate(redactSecrets(entry.summary, this.knownSecrets), AUDIT_SUMMARY_MAX);
    await this.connection.query(
      'INSERT INTO switchyard.audit_log (actor, action, database, summary, outcome) VALUES ($1, $2, $3, $4, $5)',
      [entry.actor, entry.action, entry.database ?? null, summary, entry.outcome],
    );
  }

  /**
   * Audit rows newest first; `limit` defaults to 100 (max 1000). With `within`, only rows about one
   * of those databases (rows about no database, such as key changes, are left out).
   */
  async listAudit(options: { database?: string; limit?: number; within?: readonly string[] } = {}): Promise<AuditRecord[]> {
    const { rows } = await this.connection.query<AuditRecord>(
      `SELECT id, at, actor, action, database, summary, outcome FROM switchyard.audit_log
       WHERE ($1::text IS NULL OR database = $1) AND ($3::text[] IS NULL OR database = ANY ($3::text[]))
       ORDER BY at DESC, id DESC
       LIMIT $2`,
      [options.database ?? null, clampLimit(options.limit, 100), options.within ? [...options.within] : null],
    );
    return rows;
  }

  // ── API keys ─────────────────────────────────────────────────────────────

  /**
   * Issues a key. The plaintext `key` is returned this once and never stored: only its
   * sha256 is, so a lost key cannot be recovered, only revoked and reissued.
   */
  async createApiKey(input: CreateApiKeyInput): Promise<{ id: string; key: string }> {
    const { label, role, databases } = validateApiKeyInput(input);
    const id = randomUUID();
    const key = generateApiKey();
    await this.connection.query('INSERT INTO switchyard.api_keys (id, label, key_hash, role, databases) VALUES ($1, $2, $3, $4, $5)', [
      id,
      label,
      hashApiKey(key),
      role,
      databases,
    ]);
    return { id, key };
  }

  /** What `key` grants, or undefined when it is unknown, revoked or not a key at all. */
  async verifyApiKey(key: string): Promise<ApiKeyGrant | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const { rows } = await this.connection.query<{ id: string; label: string; role: ApiKeyRole; databases: string[] | null }>(
      'SELECT id, label, role, databases FROM switchyard.api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(key)],
    );
    return rows[0] && toGrant(rows[0]);
  }

  /** Revokes a key at once; false when no active key has this id. */
  async revokeApiKey(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const { rowCount } = await this.connection.query(
      'UPDATE switchyard.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /** One key's grant (revoked or not), or undefined when there is no key with this id. */
  async getApiKey(id: string): Promise<ApiKeyGrant | undefined> {
    if (!UUID.test(id)) return undefined;
    const { rows } = await this.connection.query<{ id: string; label: string; role: ApiKeyRole; databases: string[] | null }>(
      'SELECT id, label, role, databases FROM switchyard.api_keys WHERE id = $1',
      [id],
    );
    return rows[0] && toGrant(rows[0]);
  }

  /** Every key, revoked ones included, oldest first; never the key or its hash. */
  async listApiKeys(): Promise<ApiKeyInfo[]> {
    const { rows } = await this.connection.query(
      'SELECT id, label, role, databases, created_at, revoked_at FROM switchyard.api_keys ORDER BY created_at, id',
    );
    return rows.map((r) => ({ ...toGrant(r), createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  private remember(entry: DatabaseEntry): void {
    for (const secret of entrySecrets(entry)) this.knownSecrets.add(secret);
  }
}

/**
 * SECURITY: the name is bound to the ciphertext as associated data, so a sealed config copied
 * onto another row does not open there (no swapping credentials between databases).
 */
function sealContext(name: string): string {
  return `switchyard.databases:${name}`;
}

function validEntry(entry: DatabaseEntry): DatabaseEntry {
  const parsed = databaseSchema.safeParse(entry);
  // SECURITY: zod issues name paths and rules, not values, so no credential reaches the message.
  if (!parsed.success) throw badInput('databases', `database entry "${String(entry?.name)}" is invalid: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

function entrySecrets(entry: DatabaseEntry): string[] {
  const secrets = [entry.password, entry.supabase?.password];
  if (entry.url) {
    try {
      secrets.push(decodeURIComponent(new URL(entry.url).password));
    } catch {
      // NOTE: an unparsable URL fails later, when the connection is resolved; nothing to remember.
    }
  }
  return secrets.filter((s): s is string => !!s);
}

function toGrant(row: { id: string; label: string; role: ApiKeyRole; databases: string[] | null }): ApiKeyGrant {
  return { id: row.id, label: row.label, role: row.role, ...(row.databases ? { databases: row.databases } : {}) };
}

/** `skip` drops leading path segments (the `relationships.0` of a wrapped parse). */
function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], skip = 0): string {
  return issues.map((i) => `${i.path.slice(skip).map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

function badInput(area: string, message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `[control:${area}] ${message}`);
}
