import { authorize } from './authorize.js';
import type { Builder } from './builder.js';
import type { DatabaseInfo, GatewayContext } from './context.js';
import { declareOpsFields } from './ops-fields.js';
import { declareRegistryFields } from './registry-fields.js';

type FieldsFn = (t: any) => Record<string, unknown>;

export interface AdminTypes {
  query: FieldsFn;
  mutation: FieldsFn;
  subscription?: FieldsFn;
}

/** Status of the registered databases, and the admin operations (registry, DDL, migrations). */
export function declareAdminFields(builder: Builder): AdminTypes {
  const b = builder as any;
  const status = b.enumType('DatabaseStatus', { values: ['UP', 'DOWN', 'DEGRADED'] as const });
  const mode = b.enumType('ConnectionMode', {
    values: { SESSION: { value: 'session' }, TRANSACTION: { value: 'transaction', description: 'A transaction-mode pooler (Supabase port 6543): no DDL, no session state.' } },
  });
  const poolStats = b.objectType('PoolStats', {
    fields: (t: any) => ({
      total: t.exposeInt('total'),
      idle: t.exposeInt('idle'),
      waiting: t.exposeInt('waiting'),
      max: t.exposeInt('max'),
    }),
  });
  const database = b.objectRef('Database').implement({
    description: 'A registered database and its health. Credentials are never exposed.',
    fields: (t: any) => ({
      name: t.exposeString('name'),
      purpose: t.exposeString('purpose'),
      status: t.field({ type: status, resolve: (d: DatabaseInfo) => d.status }),
      serverVersion: t.exposeString('serverVersion', { nullable: true }),
      mode: t.field({ type: mode, resolve: (d: DatabaseInfo) => d.mode }),
      readOnly: t.exposeBoolean('readOnly'),
      latencyMs: t.exposeFloat('latencyMs', { nullable: true, description: 'Round trip of the last health probe.' }),
      error: t.exposeString('error', { nullable: true, description: 'Why the database is DOWN (or its catalog could not be read).' }),
      pool: t.field({ type: poolStats, resolve: (d: DatabaseInfo) => d.pool }),
      tables: t.exposeInt('tables', { description: 'Tables and views exposed in the schema.' }),
    }),
  });

  const ops = declareOpsFields(builder);
  const registryFields = declareRegistryFields(builder, database);
  return {
    subscription: ops.subscription,
    query: (t) => ({
      ...ops.query(t),
      ...registryFields.query(t),
      databases: t.field({
        type: [database],
        description: 'Every registered database with its status.',
        resolve: (_p: unknown, _a: unknown, ctx: GatewayContext) => {
          authorize(ctx, 'reader');
          return ctx.admin.databases().filter((d) => !ctx.identity.databases || ctx.identity.databases.includes(d.name));
        },
      }),
    }),
    mutation: (t) => ({
      ...ops.mutation(t),
      ...registryFields.mutation(t),
      reloadCatalog: t.field({
        type: database,
        description: 'Re-reads one database\'s catalog and swaps the schema.',
        args: { database: t.arg.string({ required: true }) },
        resolve: (_p: unknown, args: { database: string }, ctx: GatewayContext) => {
          authorize(ctx, 'admin', args.database);
          return ctx.admin.reloadCatalog(args.database);
        },
      }),
    }),
  };
}
