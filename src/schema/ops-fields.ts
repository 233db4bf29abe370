import { authorize } from './authorize.js';
import type { Builder } from './builder.js';
import type { GatewayContext } from './context.js';

type FieldsFn = (t: any) => Record<string, unknown>;
type Ctx = GatewayContext;

/** DDL, createTable, migrations and their progress: fields over `ctx.admin`, admins only. */
export function declareOpsFields(builder: Builder): { query: FieldsFn; mutation: FieldsFn; subscription: FieldsFn } {
  const b = builder as any;
  const direction = b.enumType('MigrationDirection', { values: { UP: { value: 'up' }, DOWN: { value: 'down' } } });
  const runStatus = b.enumType('MigrationRunStatus', { values: ['RUNNING', 'SUCCEEDED', 'FAILED'] as const });
  const eventType = b.enumType('MigrationEventType', {
    values: ['RUN_STARTED', 'MIGRATION_PLANNED', 'MIGRATION_STARTED', 'MIGRATION_APPLIED', 'MIGRATION_FAILED', 'RUN_FINISHED'] as const,
  });
  const ddlResult = b.objectType('DDLResult', {
    fields: (t: any) => ({
      database: t.exposeString('database'),
      dryRun: t.exposeBoolean('dryRun', { description: 'True when the statements ran and were rolled back.' }),
      statements: t.exposeInt('statements'),
      durationMs: t.exposeFloat('durationMs'),
      notices: t.exposeStringList('notices'),
      sql: t.exposeString('sql', { nullable: true, description: 'The SQL that ran (createTable).' }),
    }),
  });
  const event = b.objectType('MigrationEvent', {
    description: 'One step of a migration run, in the order of docs/PROTOCOL.md.',
    fields: (t: any) => ({
      type: t.field({ type: eventType, resolve: (e: any) => e.type }),
      runId: t.exposeID('runId'),
      seq: t.exposeInt('seq'),
      at: t.field({ type: 'DateTime', resolve: (e: any) => e.at }),
      database: t.exposeString('database', { nullable: true }),
      databases: t.exposeStringList('databases', { nullable: true }),
      name: t.exposeString('name', { nullable: true, description: 'Migration name.' }),
      index: t.exposeInt('index', { nullable: true }),
      total: t.exposeInt('total', { nullable: true }),
      durationMs: t.exposeFloat('durationMs', { nullable: true }),
      error: t.exposeString('error', { nullable: true }),
      status: t.field({ type: runStatus, nullable: true, resolve: (e: any) => e.status ?? null }),
    }),
  });
  const run = b.objectType('MigrationRun', {
    fields: (t: any) => ({
      id: t.exposeID('id'),
      databases: t.exposeStringList('databases'),
      direction: t.field({ type: direction, resolve: (r: any) => r.direction }),
      dryRun: t.exposeBoolean('dryRun'),
      status: t.field({ type: runStatus, resolve: (r: any) => r.status }),
      error: t.exposeString('error', { nullable: true }),
      startedBy: t.exposeString('startedBy', { nullable: true }),
      startedAt: t.field({ type: 'DateTime', resolve: (r: any) => new Date(r.startedAt).toISOString() }),
      finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r: any) => (r.finishedAt ? new Date(r.finishedAt).toISOString() : null) }),
      events: t.field({ type: [event], resolve: (r: any) => r.events }),
    }),
  });
  const applied = b.objectType('AppliedMigration', {
    fields: (t: any) => ({
      name: t.exposeString('name'),
      runOn: t.field({ type: 'DateTime', resolve: (m: any) => new Date(m.runOn).toISOString() }),
    }),
  });
  const pending = b.objectType('PendingMigration', { fields: (t: any) => ({ name: t.exposeString('name') }) });
  const status = b.objectType('MigrationStatus', {
    fields: (t: any) => ({
      database: t.exposeString('database'),
      applied: t.field({ type: [applied], resolve: (s: any) => s.applied }),
      pending: t.field({ type: [pending], resolve: (s: any) => s.pending }),
    }),
  });
  const schemaChanged = b.objectType('SchemaChangedEvent', {
    fields: (t: any) => ({
      databases: t.exposeStringList('databases'),
      at: t.field({ type: 'DateTime', resolve: (e: any) => e.at }),
    }),
  });
  const reference = b.inputType('ColumnReferenceInput', {
    fields: (t: any) => ({ table: t.string({ required: true }), column: t.string({ required: true }), schema: t.string() }),
  });
  const defaultFn = b.enumType('ColumnDefaultFunction', {
    values: { NOW: { value: 'now()' }, GEN_RANDOM_UUID: { value: 'gen_random_uuid()' }, CURRENT_TIMESTAMP: { value: 'current_timestamp' }, CURRENT_DATE: { value: 'current_date' } },
  });
  const column = b.inputType('ColumnInput', {
    fields: (t: any) => ({
      name: t.string({ required: true }),
      type: t.string({ required: true, description: 'int4, int8, text, varchar(80), numeric(10,2), jsonb, timestamptz, uuid, …; `[]` for arrays.' }),
      nullable: t.boolean({ description: 'Default true; primary key columns are never nullable.' }),
      default: t.field({ type: 'JSON', description: 'A literal default (string, number or boolean).' }),
      defaultFunction: t.field({ type: defaultFn, description: 'A function default instead of a literal.' }),
      primaryKey: t.boolean(),
      unique: t.boolean(),
      references: t.field({ type: reference }),
    }),
  });
  const createTable = b.inputType('CreateTableInput', {
    fields: (t: any) => ({
      name: t.string({ required: true }),
      schema: t.string(),
      columns: t.field({ type: [column], required: true }),
      ifNotExists: t.boolean(),
    }),
  });

  return {
    query: (t) => ({
      migrationStatus: t.field({
        type: status,
        args: { database: t.arg.string({ required: true }) },
        resolve: (_p: unknown, a: { database: string }, ctx: Ctx) => (authorize(ctx, 'admin', a.database), ctx.admin.migrationStatus(a.database)),
      }),
      migrationRuns: t.field({
        type: [run],
        description: 'Recent migration runs, newest first.',
        args: { database: t.arg.string(), limit: t.arg.int({ defaultValue: 20 }) },
        resolve: (_p: unknown, a: { database?: string; limit: number }, ctx: Ctx) => (authorize(ctx, 'admin', a.database ?? undefined), ctx.admin.migrationRuns(a.database ?? undefined, a.limit)),
      }),
      migrationRun: t.field({
        type: run,
        nullable: true,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_p: unknown, a: { id: string }, ctx: Ctx) => (authorize(ctx, 'admin'), ctx.admin.migrationRun(String(a.id)) ?? null),
      }),
    }),
    mutation: (t) => ({
      executeDDL: t.field({
        type: ddlResult,
        description: 'Runs DDL in one transaction (lock_timeout applies); any error rolls it all back. The schema is swapped on success.',
        args: {
          database: t.arg.string({ required: true }),
          sql: t.arg.string({ required: true }),
          dryRun: t.arg.boolean({ defaultValue: false }),
          transactional: t.arg.boolean({ defaultValue: true, description: 'false for CREATE INDEX CONCURRENTLY and other statements that cannot run in a transaction.' }),
          lockTimeoutMs: t.arg.int({ defaultValue: 5000, description: 'How long a statement may wait for a lock (0: forever).' }),
        },
        resolve: (_p: unknown, a: any, ctx: Ctx) => (authorize(ctx, 'admin', a.database), ctx.admin.executeDDL(a, ctx.identity)),
      }),
      createTable: t.field({
        type: ddlResult,
        description: 'Creates a table from a structured description (identifiers quoted, types checked).',
        args: { database: t.arg.string({ required: true }), input: t.arg({ type: createTable, required: true }), dryRun: t.arg.boolean({ defaultValue: false }) },
        resolve: (_p: unknown, a: any, ctx: Ctx) => (authorize(ctx, 'admin', a.database), ctx.admin.createTable(a, ctx.identity)),
      }),
      runMigrations: t.field({
        type: run,
        description: 'Starts a migration run in the background and returns it at once; follow it with migrationProgress.',
        args: {
          databases: t.arg.stringList({ description: 'Default: every registered database.' }),
          direction: t.arg({ type: direction, defaultValue: 'up' }),
          count: t.arg.int(),
          dryRun: t.arg.boolean({ defaultValue: false }),
        },
        resolve: (_p: unknown, a: any, ctx: Ctx) => {
          for (const d of a.databases ?? []) authorize(ctx, 'admin', d);
          authorize(ctx, 'admin');
          return ctx.admin.runMigrations(a, ctx.identity);
        },
      }),
    }),
    subscription: (t) => ({
      migrationProgress: t.field({
        type: event,
        description: 'Events of one run: those so far first, then live ones, completing after RUN_FINISHED.',
        args: { runId: t.arg.id({ required: true }) },
        subscribe: (_p: unknown, a: { runId: string }, ctx: Ctx) => {
          authorize(ctx, 'reader');
          // A reader limited to some databases only sees runs over those.
          for (const database of ctx.admin.migrationRun(String(a.runId))?.databases ?? []) authorize(ctx, 'reader', database);
          return ctx.admin.subscribeRun(String(a.runId));
        },
        resolve: (e: unknown) => e,
      }),
      schemaChanged: t.field({
        type: schemaChanged,
        description: 'Fires after the schema was rebuilt and swapped (registration, DDL, migrations, reloadCatalog).',
        subscribe: (_p: unknown, _a: unknown, ctx: Ctx) => (authorize(ctx, 'reader'), ctx.admin.subscribeSchemaChanged()),
        resolve: (e: unknown) => e,
      }),
    }),
  };
}
