import type { Connection, Listener } from '../connections/index.js';

/** The channel the triggers notify on; the payload is `schema.table`. */
export const NOTIFY_CHANNEL = 'switchyard_live';
/** The name of the trigger (on every table) and of its function (in `public`). */
export const NOTIFY_TRIGGER = 'switchyard_live_notify';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The DDL `installLiveNotify` runs (and shows first): one function, and on each table one
 * statement-level trigger that notifies {@link NOTIFY_CHANNEL} with the table's name after any
 * INSERT, UPDATE, DELETE or TRUNCATE. Statement-level, so a bulk write costs one notification.
 */
export function notifyDdl(tables: readonly { schema: string; name: string }[]): string[] {
  const fn = `public.${NOTIFY_TRIGGER}`;
  return [
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${NOTIFY_CHANNEL}', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; END $$`,
    ...tables.flatMap((t) => {
      const table = `${quote(t.schema)}.${quote(t.name)}`;
      return [
        `DROP TRIGGER IF EXISTS ${NOTIFY_TRIGGER} ON ${table}`,
        `CREATE TRIGGER ${NOTIFY_TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      ];
    }),
  ];
}

const TABLE_REF = /\bfrom\s+"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/gi;

/** The relations a statement compiled by compile/ reads (`from "schema"."name"`), as `schema.name`. */
export function tablesOf(sql: string): string[] {
  const found = new Set<string>();
  for (const m of sql.matchAll(TABLE_REF)) found.add(`${m[1].replace(/""/g, '"')}.${m[2].replace(/""/g, '"')}`);
  return [...found];
}

/** What is known of one database's changes. */
export interface ChangeWatch {
  /** Listening, and the watched tables are known: cached results may be used. */
  readonly active: boolean;
  /** Tables with the trigger. */
  readonly watched: ReadonlySet<string>;
  /** Bumped when the listener was lost: every result cached before is stale. */
  readonly epoch: number;
  /** The sequence number of each table's last notification. */
  readonly changed: ReadonlyMap<string, number>;
}

interface Watch extends ChangeWatch {
  active: boolean;
  watched: Set<string>;
  epoch: number;
  changed: Map<string, number>;
  listener?: Listener;
  starting?: Promise<void>;
  retryAt: number;
}

export interface NotifyOptions {
  /** Opens the LISTEN (connections/listen). */
  listen(connection: Connection, channel: string, onNotify: (payload: string) => void, onLost: (error: unknown) => void): Promise<Listener>;
  /** Whether `database` asked for notify mode (`live.notify`). */
  wanted(connection: Connection): boolean;
  /** Told when a listener fails or is lost (it is retried). */
  onProblem?(database: string, error: unknown): void;
}

const RETRY_MS = 1000;

/**
 * Notify mode: for each database with `live.notify`, a LISTEN on {@link NOTIFY_CHANNEL} and the
 * set of tables that carry the trigger. A global sequence orders notifications and refreshes: a
 * cached result fetched at sequence s is fresh while none of its tables was notified after s.
 * Until the listener is up and the triggers are found (or while it is lost), the database is
 * polled as usual. Owns the listeners: `close()` ends them.
 */
export class ChangeNotifications {
  private readonly watches = new Map<Connection, Watch>();
  private closed = false;
  seq = 0;

  constructor(private readonly options: NotifyOptions) {}

  /** The watch of `connection` when cached results may be used, else undefined (and a listener is started if wanted). */
  active(connection: Connection): ChangeWatch | undefined {
    if (this.closed || connection.config.mode !== 'session' || !this.options.wanted(connection)) return undefined;
    let watch = this.watches.get(connection);
    if (!watch) this.watches.set(connection, (watch = { active: false, watched: new Set(), epoch: 0, changed: new Map(), retryAt: 0 }));
    if (!watch.active && !watch.starting && Date.now() >= watch.retryAt) watch.starting = this.start(connection, watch);
    return watch.active ? watch : undefined;
  }

  /** Reads again which tables carry the trigger (after installLiveNotify). */
  async rewatch(connection: Connection): Promise<void> {
    const watch = this.watches.get(connection);
    if (watch?.active) watch.watched = await watchedTables(connection);
  }

  private async start(connection: Connection, watch: Watch): Promise<void> {
    try {
      watch.listener = await this.options.listen(
        connection,
        NOTIFY_CHANNEL,
        (table) => void watch.changed.set(table, ++this.seq),
        (error) => {
          watch.active = false;
          watch.epoch++;
          watch.listener = undefined;
          watch.retryAt = Date.now() + RETRY_MS;
          this.options.onProblem?.(connection.name, error);
        },
      );
      if (this.closed) return void (await watch.listener.close());
      watch.watched = await watchedTables(connection);
      watch.epoch++;
      watch.active = true;
    } catch (error) {
      await watch.listener?.close();
      watch.listener = undefined;
      watch.retryAt = Date.now() + RETRY_MS;
      this.options.onProblem?.(connection.name, error);
    } finally {
      watch.starting = undefined;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.watches.values()].map((w) => w.listener?.close()));
    this.watches.clear();
  }
}

/** Tables that carry the trigger, as `schema.name`. */
async function watchedTables(connection: Connection): Promise<Set<string>> {
  const { rows } = await connection.query(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.tgname = $1 AND NOT t.tgisinternal`,
    [NOTIFY_TRIGGER],
  );
  return new Set(rows.map((r: { name: string }) => r.name));
}
