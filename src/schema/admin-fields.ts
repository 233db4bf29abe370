import type { MutationFieldsShape, QueryFieldsShape, SubscriptionFieldsShape } from '@pothos/core';
import type { DatabaseInfo } from './admin-api.js';
import type { Builder, SchemaTypes } from './builder.js';
import { declareOpsFields } from './ops-fields.js';
import { declareRegistryFields } from './registry-fields.js';

type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;

/** Root fields, typed by Pothos: resolvers see `GatewayContext` and their declared argument types. */
export interface AdminTypes {
  query: QueryFieldsShape<Types>;
  mutation: MutationFieldsShape<Types>;
  subscription: SubscriptionFieldsShape<Types>;
}

/**
 * Status of the registered databases, and the admin operations (registry, DDL, migrations).
 * Access is not decided here: every root field is checked against src/auth's table.
 */
export function declareAdminFields(builder: Builder): AdminTypes {
  const status = builder.enumType('DatabaseStatus', { values: ['UP', 'DOWN', 'DEGRADED'] as const });
  const mode = builder.enumType('ConnectionMode', {
    values: {
      SESSION: { value: 'session' },
      TRANSACTION: { value: 'transaction', description: 'A transaction-mode pooler (Supabase port 6543): no DDL, no session state.' },
    } as const,
  });
  const poolStats = builder.objectRef<DatabaseInfo['pool']>('PoolStats').implement({
    fields: (t) => ({ total: t.exposeInt('total'), idle: t.exposeInt('idle'), waiting: t.exposeInt('waiting'), max: t.exposeInt('max') }),
  });
  const database = builder.objectRef<DatabaseInfo>('Database').implement({
    description: 'A registered database and its health. Credentials are never exposed.',
    fields: (t) => ({
      name: t.exposeString('name'),
      purpose: t.exposeString('purpose'),
      status: t.field({ type: status, resolve: (d) => d.status }),
      serverVersion: t.exposeString('serverVersion', { nullable: true }),
      mode: t.field({ type: mode, resolve: (d) => d.mode }),
      readOnly: t.exposeBoolean('readOnly'),
      latencyMs: t.exposeFloat('latencyMs', { nullable: true, description: 'Round trip of the last health probe.' }),
      error: t.exposeString('error', { nullable: true, description: 'Why the database is DOWN (or its catalog could not be read).' }),
      hint: t.exposeString('hint', { nullable: true, description: 'What to do about `error`, when known.' }),
      pool: t.field({ type: poolStats, resolve: (d) => d.pool }),
      tables: t.exposeInt('tables', { description: 'Tables and views exposed in the schema.' }),
    }),
  });

  const ops = declareOpsFields(builder);
  const registryFields = declareRegistryFields(builder, database);
  return {
    subscription: (t) => ({
      ...ops.subscription(t),
      databaseStatus: t.field({
        type: [database],
        description: 'The databases the caller has a grant on, as `databases` lists them: at once, then on every status change or schema rebuild and every probe interval.',
        subscribe: (_p, _a, ctx) => ctx.admin.subscribeDatabases(ctx.identity.databases),
        resolve: (list) => list,
      }),
    }),
    query: (t) => ({
      ...ops.query(t),
      ...registryFields.query(t),
      databases: t.field({
        type: [database],
        description: 'Every registered database the caller has a grant on, with its status.',
        resolve: (_p, _a, ctx) => ctx.admin.databases(),
      }),
    }),
    mutation: (t) => ({
      ...ops.mutation(t),
      ...registryFields.mutation(t),
      reloadCatalog: t.field({
        type: database,
        description: "Re-reads one database's catalog and swaps the schema.",
        args: { database: t.arg.string({ required: true }) },
        resolve: (_p, args, ctx) => ctx.admin.reloadCatalog(args.database),
      }),
    }),
  };
}
