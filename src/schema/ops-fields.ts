import type { MutationFieldsShape, QueryFieldsShape, SubscriptionFieldsShape } from '@pothos/core';
import { GatewayError } from '../errors/index.js';
import type { CreateTableArgs, DatabaseOutcomeInfo, DDLResultInfo, LiveNotifyInfo, MigrationEventInfo, MigrationRunInfo, MigrationStatusInfo, SchemaChangedInfo } from './admin-api.js';
import type { Builder, SchemaTypes } from './builder.js';
import type { GatewayContext } from './context.js';

type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;
const iso = (value: Date | string) => new Date(value).toISOString();
const scope = (ctx: GatewayContext) => ({ databases: ctx.identity.databases });

/** DDL, createTable, migrations and their progress: fields over `ctx.admin` (access: src/auth's table). */
export function declareOpsFields(builder: Builder): { query: QueryFieldsShape<Types>; mutation: MutationFieldsShape<Types>; subscription: SubscriptionFieldsShape<Types> } {
  const direction = builder.enumType('MigrationDirection', { values: { UP: { value: 'up' }, DOWN: { value: 'down' } } as const });
  const runStatus = builder.enumType('MigrationRunStatus', { values: ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABANDONED'] as const });
  const onError = builder.enumType('MigrationOnError', {
    description: 'What a run over several databases does when one fails: STOP starts no further database, CONTINUE carries on.',
    values: ['STOP', 'CONTINUE'] as const,
  });
  const eventType = builder.enumType('MigrationEventType', {
    values: [
      'RUN_STARTED',
      'MIGRATION_PLANNED',
      'MIGRATION_STARTED',
      'STATEMENT_STARTED',
      'LOCK_WAIT',
      'INDEX_PROGRESS',
      'HEARTBEAT',
      'STATEMENT_FINISHED',
      'MIGRATION_APPLIED',
      'MIGRATION_FAILED',
      'RUN_FINISHED',
    ] as const,
  });
  const outcomeStatus = builder.enumType('MigrationDatabaseStatus', { values: ['SUCCEEDED', 'FAILED', 'SKIPPED'] as const });
  const outcome = builder.objectRef<DatabaseOutcomeInfo>('MigrationDatabaseOutcome').implement({
    description: 'How one database of a finished run ended (SKIPPED: never started).',
    fields: (t) => ({
      database: t.exposeString('database'),
      status: t.field({ type: outcomeStatus, resolve: (o) => o.status }),
      error: t.exposeString('error', { nullable: true }),
      applied: t.exposeInt('applied', { description: 'Migrations applied (planned, in a dry run).' }),
    }),
  });
  const ddlResult = builder.objectRef<DDLResultInfo>('DDLResult').implement({
    fields: (t) => ({
      database: t.exposeString('database'),
      dryRun: t.exposeBoolean('dryRun', { description: 'True when the statements ran and were rolled back.' }),
      statements: t.exposeInt('statements'),
      durationMs: t.exposeFloat('durationMs'),
      notices: t.exposeStringList('notices'),
      sql: t.exposeString('sql', { nullable: true, description: 'The SQL that ran (createTable).' }),
    }),
  });
  const liveNotify = builder.objectRef<LiveNotifyInfo>('LiveNotifyInstall').implement({
    description: 'The trigger DDL of live-query notify mode for one database, and whether it ran.',
    fields: (t) => ({
      database: t.exposeString('database'),
      statements: t.exposeStringList('statements', { description: 'Every statement, in order; run in one transaction when confirmed.' }),
      tables: t.exposeInt('tables', { description: 'Tables that get the statement-level trigger.' }),
      installed: t.exposeBoolean('installed', { description: 'False: nothing ran (confirm was not given).' }),
    }),
  });
  const event = builder.objectRef<MigrationEventInfo>('MigrationEvent');
  const num = (value: number | undefined) => value ?? null;
  event.implement({
    description: 'One step of a migration run, in the order of docs/PROTOCOL.md.',
    fields: (t) => ({
      type: t.field({ type: eventType, resolve: (e) => e.type as (typeof eventType)['$inferType'] }),
      runId: t.exposeID('runId'),
      seq: t.exposeInt('seq'),
      at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
      database: t.string({ nullable: true, resolve: (e) => e.database ?? null }),
      databases: t.stringList({ nullable: true, resolve: (e) => e.databases ?? null }),
      name: t.string({ nullable: true, description: 'Migration name.', resolve: (e) => e.name ?? null }),
      index: t.int({ nullable: true, resolve: (e) => e.index ?? null }),
      total: t.int({ nullable: true, resolve: (e) => e.total ?? null }),
      durationMs: t.float({ nullable: true, resolve: (e) => e.durationMs ?? null }),
      error: t.string({ nullable: true, resolve: (e) => e.error ?? null }),
      status: t.field({ type: runStatus, nullable: true, resolve: (e) => e.status ?? null }),
      parallel: t.int({ nullable: true, resolve: (e) => num(e.parallel) }),
      onError: t.field({ type: onError, nullable: true, resolve: (e) => e.onError ?? null }),
      statement: t.int({ nullable: true, description: '1-based number of the statement within its migration.', resolve: (e) => num(e.statement) }),
      statements: t.int({ nullable: true, description: 'Statements in the migration.', resolve: (e) => num(e.statements) }),
      firstLine: t.string({ nullable: true, description: "The statement's first line.", resolve: (e) => e.firstLine ?? null }),
      waitedMs: t.float({ nullable: true, description: 'LOCK_WAIT: how long the statement has waited for its lock.', resolve: (e) => num(e.waitedMs) }),
      blockingPid: t.int({ nullable: true, description: 'LOCK_WAIT: the backend holding the lock (0: unknown).', resolve: (e) => num(e.blockingPid) }),
      blockingQuery: t.string({ nullable: true, description: "LOCK_WAIT: first line of the blocking backend's query.", resolve: (e) => e.blockingQuery ?? null }),
      phase: t.string({ nullable: true, description: 'INDEX_PROGRESS: phase from pg_stat_progress_create_index.', resolve: (e) => e.phase ?? null }),
      blocksDone: t.float({ nullable: true, resolve: (e) => num(e.blocksDone) }),
      blocksTotal: t.float({ nullable: true, resolve: (e) => num(e.blocksTotal) }),
      tuplesDone: t.float({ nullable: true, resolve: (e) => num(e.tuplesDone) }),
      tuplesTotal: t.float({ nullable: true, resolve: (e) => num(e.tuplesTotal) }),
      elapsedMs: t.float({ nullable: true, description: 'HEARTBEAT: how long the statement has run.', resolve: (e) => num(e.elapsedMs) }),
      outcomes: t.field({ type: [outcome], nullable: true, description: 'RUN_FINISHED: one per database, in run order.', resolve: (e) => (e.outcomes ? [...e.outcomes] : null) }),
      lastEvent: t.field({ type: event, nullable: true, description: 'RUN_FINISHED of an ABANDONED run: the last event its instance stored.', resolve: (e) => e.lastEvent ?? null }),
    }),
  });
  const run = builder.objectRef<MigrationRunInfo>('MigrationRun').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      databases: t.stringList({ resolve: (r) => [...r.databases] }),
      direction: t.field({ type: direction, resolve: (r) => r.direction }),
      dryRun: t.exposeBoolean('dryRun'),
      status: t.field({ type: runStatus, resolve: (r) => r.status }),
      error: t.exposeString('error', { nullable: true }),
      startedBy: t.exposeString('startedBy', { nullable: true }),
      startedAt: t.field({ type: 'DateTime', resolve: (r) => iso(r.startedAt) }),
      finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => (r.finishedAt ? iso(r.finishedAt) : null) }),
      events: t.field({ type: [event], resolve: (r) => r.events as MigrationEventInfo[] }),
      parallel: t.int({ resolve: (r) => r.parallel ?? 1 }),
      onError: t.field({ type: onError, resolve: (r) => r.onError ?? 'STOP' }),
      outcomes: t.field({ type: [outcome], description: 'Per database once the run has finished; empty while it runs.', resolve: (r) => (r.outcomes ?? []) as DatabaseOutcomeInfo[] }),
    }),
  });
  const applied = builder.objectRef<MigrationStatusInfo['applied'][number]>('AppliedMigration').implement({
    fields: (t) => ({ name: t.exposeString('name'), runOn: t.field({ type: 'DateTime', resolve: (m) => iso(m.runOn) }) }),
  });
  const pending = builder.objectRef<{ name: string }>('PendingMigration').implement({ fields: (t) => ({ name: t.exposeString('name') }) });
  const status = builder.objectRef<MigrationStatusInfo>('MigrationStatus').implement({
    fields: (t) => ({
      database: t.exposeString('database'),
      applied: t.field({ type: [applied], resolve: (s) => s.applied }),
      pending: t.field({ type: [pending], resolve: (s) => s.pending }),
    }),
  });
  const schemaChanged = builder.objectRef<SchemaChangedInfo>('SchemaChangedEvent').implement({
    fields: (t) => ({ databases: t.exposeStringList('databases'), at: t.field({ type: 'DateTime', resolve: (e) => e.at }) }),
  });
  const reference = builder.inputType('ColumnReferenceInput', {
    fields: (t) => ({ table: t.string({ required: true }), column: t.string({ required: true }), schema: t.string() }),
  });
  const defaultFn = builder.enumType('ColumnDefaultFunction', {
    values: {
      NOW: { value: 'now()' },
      GEN_RANDOM_UUID: { value: 'gen_random_uuid()' },
      CURRENT_TIMESTAMP: { value: 'current_timestamp' },
      CURRENT_DATE: { value: 'current_date' },
    } as const,
  });
  const column = builder.inputType('ColumnInput', {
    fields: (t) => ({
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
  const createTable = builder.inputType('CreateTableInput', {
    fields: (t) => ({ name: t.string({ required: true }), schema: t.string(), columns: t.field({ type: [column], required: true }), ifNotExists: t.boolean() }),
  });

  return {
    query: (t) => ({
      migrationStatus: t.field({
        type: status,
        args: { database: t.arg.string({ required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.migrationStatus(a.database),
      }),
      migrationRuns: t.field({
        type: [run],
        description: 'Recent migration runs over databases the caller has grants on, newest first.',
        args: { database: t.arg.string(), limit: t.arg.int({ defaultValue: 20 }) },
        resolve: async (_p, a, ctx) => [...(await ctx.admin.migrationRuns(a.database ?? undefined, { ...scope(ctx), limit: a.limit ?? 20 }))],
      }),
      migrationRun: t.field({
        type: run,
        nullable: true,
        description: 'One run; null when there is none or it touches a database outside the caller\'s grant.',
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_p, a, ctx) => (await ctx.admin.migrationRun(String(a.id))) ?? null,
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
        resolve: (_p, a, ctx) =>
          ctx.admin.executeDDL({ database: a.database, sql: a.sql, dryRun: !!a.dryRun, transactional: a.transactional ?? true, lockTimeoutMs: a.lockTimeoutMs ?? 5000 }, ctx.identity),
      }),
      createTable: t.field({
        type: ddlResult,
        description: 'Creates a table from a structured description (identifiers quoted, types checked).',
        args: { database: t.arg.string({ required: true }), input: t.arg({ type: createTable, required: true }), dryRun: t.arg.boolean({ defaultValue: false }) },
        resolve: (_p, a, ctx) => ctx.admin.createTable({ database: a.database, input: a.input as CreateTableArgs['input'], dryRun: !!a.dryRun }, ctx.identity),
      }),
      installLiveNotify: t.field({
        type: liveNotify,
        description:
          'Notify mode for live queries (live.notify): statement-level triggers that pg_notify the changed table, so cohorts whose tables did not change are not polled. Without confirm: true it only shows the DDL.',
        args: { database: t.arg.string({ required: true }), confirm: t.arg.boolean({ defaultValue: false, description: 'true runs the statements shown.' }) },
        resolve: (_p, a, ctx) => ctx.admin.installLiveNotify(a.database, a.confirm === true, ctx.identity),
      }),
      runMigrations: t.field({
        type: run,
        description: "Starts a migration run in the background and returns it at once; follow it with migrationProgress.",
        args: {
          databases: t.arg.stringList({ description: "Default: every database the caller has a grant on." }),
          direction: t.arg({ type: direction, defaultValue: 'up' }),
          count: t.arg.int(),
          dryRun: t.arg.boolean({ defaultValue: false }),
          parallel: t.arg.int({ defaultValue: 1, description: 'Databases migrated at a time.' }),
          onError: t.arg({ type: onError, defaultValue: 'STOP' }),
          lockTimeoutMs: t.arg.int({ description: "lock_timeout of each migration's session (default: the database's)." }),
        },
        resolve: (_p, a, ctx) =>
          ctx.admin.runMigrations(
            { databases: a.databases, direction: a.direction ?? 'up', count: a.count, dryRun: !!a.dryRun, parallel: a.parallel, onError: a.onError, lockTimeoutMs: a.lockTimeoutMs },
            ctx.identity,
          ),
      }),
    }),
    subscription: (t) => ({
      migrationProgress: t.field({
        type: event,
        args: { runId: t.arg.id({ required: true }) },
        description: 'Events of one run, started on any instance: those so far first, then live ones, completing after RUN_FINISHED.',
        subscribe: async (_p, a, ctx) => {
          if (!(await ctx.admin.migrationRun(String(a.runId)))) throw new GatewayError('NOT_FOUND', `no migration run ${String(a.runId)}`, { hint: 'runMigrations returns the id' });
          return ctx.admin.subscribeRun(String(a.runId));
        },
        resolve: (e) => e,
      }),
      schemaChanged: t.field({
        type: schemaChanged,
        description: 'Fires after the schema was rebuilt and swapped (registration, DDL, migrations, reloadCatalog) for a database the caller has a grant on.',
        subscribe: (_p, _a, ctx) => ctx.admin.subscribeSchemaChanged(ctx.identity.databases),
        resolve: (e) => e,
      }),
    }),
  };
}
