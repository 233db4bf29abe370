import { authorize } from './authorize.js';
import type { Builder } from './builder.js';
import type { GatewayContext } from './context.js';

type FieldsFn = (t: any) => Record<string, unknown>;
type Ctx = GatewayContext;

/** Registration, relationships, API keys and the audit log (admins only). */
export function declareRegistryFields(builder: Builder, database: unknown): { query: FieldsFn; mutation: FieldsFn } {
  const b = builder as any;
  const role = b.enumType('GatewayRole', { values: { ADMIN: { value: 'admin' }, WRITER: { value: 'writer' }, READER: { value: 'reader' } } });
  const relType = b.enumType('RelationshipType', { values: { OBJECT: { value: 'object' }, ARRAY: { value: 'array' } } });
  const end = b.objectType('RelationshipEnd', {
    fields: (t: any) => ({ database: t.exposeString('database'), schema: t.exposeString('schema'), table: t.exposeString('table'), columns: t.exposeStringList('columns') }),
  });
  const relationship = b.objectType('Relationship', {
    fields: (t: any) => ({
      name: t.exposeString('name'),
      type: t.field({ type: relType, resolve: (r: any) => r.type }),
      from: t.field({ type: end, resolve: (r: any) => r.from }),
      to: t.field({ type: end, resolve: (r: any) => r.to }),
    }),
  });
  const endInput = b.inputType('RelationshipEndInput', {
    fields: (t: any) => ({ database: t.string({ required: true }), schema: t.string(), table: t.string({ required: true }), columns: t.stringList({ required: true }) }),
  });
  const relationshipInput = b.inputType('RelationshipInput', {
    fields: (t: any) => ({
      name: t.string({ required: true, description: 'Field name on the `from` type.' }),
      type: t.field({ type: relType, required: true }),
      from: t.field({ type: endInput, required: true }),
      to: t.field({ type: endInput, required: true }),
    }),
  });
  const poolInput = b.inputType('PoolInput', {
    fields: (t: any) => ({ max: t.int(), idleTimeoutMillis: t.int(), connectionTimeoutMillis: t.int() }),
  });
  const supabaseInput = b.inputType('SupabaseInput', {
    fields: (t: any) => ({
      projectRef: t.string({ required: true }),
      region: t.string({ required: true }),
      password: t.string({ required: true }),
      mode: t.string({ description: 'session (5432, default) or transaction (6543).' }),
      host: t.string(),
      database: t.string(),
    }),
  });
  const registerInput = b.inputType('RegisterDatabaseInput', {
    description: 'One of url, host (+ user, password, database) or supabase. Credentials are stored encrypted and never returned.',
    fields: (t: any) => ({
      name: t.string({ required: true }),
      purpose: t.string(),
      url: t.string(),
      host: t.string(),
      port: t.int(),
      user: t.string(),
      password: t.string(),
      database: t.string(),
      ssl: t.string({ description: 'on | off | verify' }),
      supabase: t.field({ type: supabaseInput }),
      pool: t.field({ type: poolInput }),
      statementTimeoutMs: t.int(),
      readOnly: t.boolean(),
      mode: t.string({ description: 'session | transaction' }),
      schemas: t.stringList(),
      migrationsDir: t.string(),
    }),
  });
  const apiKey = b.objectType('ApiKey', {
    fields: (t: any) => ({
      id: t.exposeID('id'),
      label: t.exposeString('label'),
      role: t.field({ type: role, resolve: (k: any) => k.role }),
      databases: t.exposeStringList('databases', { nullable: true }),
      createdAt: t.field({ type: 'DateTime', resolve: (k: any) => new Date(k.createdAt).toISOString() }),
      revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (k: any) => (k.revokedAt ? new Date(k.revokedAt).toISOString() : null) }),
    }),
  });
  const createdKey = b.objectType('CreatedApiKey', {
    description: 'The key is shown once; only its hash is stored.',
    fields: (t: any) => ({ id: t.exposeID('id'), key: t.exposeString('key'), label: t.exposeString('label'), role: t.field({ type: role, resolve: (k: any) => k.role }) }),
  });
  const auditEntry = b.objectType('AuditEntry', {
    fields: (t: any) => ({
      at: t.field({ type: 'DateTime', resolve: (e: any) => new Date(e.at).toISOString() }),
      actor: t.exposeString('actor'),
      action: t.exposeString('action'),
      database: t.exposeString('database', { nullable: true }),
      summary: t.exposeString('summary'),
      outcome: t.exposeString('outcome'),
    }),
  });
  const admin = (fn: (a: any, ctx: Ctx) => unknown, db?: (a: any) => string | undefined) => (_p: unknown, a: any, ctx: Ctx) => {
    authorize(ctx, 'admin', db?.(a));
    return fn(a, ctx);
  };
  return {
    query: (t) => ({
      relationships: t.field({ type: [relationship], resolve: admin((_a, ctx) => ctx.admin.relationships()) }),
      apiKeys: t.field({ type: [apiKey], resolve: admin((_a, ctx) => ctx.admin.apiKeys()) }),
      auditLog: t.field({
        type: [auditEntry],
        description: 'DDL, migration runs, registration and key changes, newest first.',
        args: { database: t.arg.string(), limit: t.arg.int({ defaultValue: 50 }) },
        resolve: admin((a, ctx) => ctx.admin.auditLog(a.database ?? undefined, a.limit), (a) => a.database ?? undefined),
      }),
    }),
    mutation: (t) => ({
      registerDatabase: t.field({
        type: database,
        description: 'Tests the connection, stores the entry (encrypted), introspects it and adds its namespace.',
        args: { input: t.arg({ type: registerInput, required: true }) },
        resolve: admin((a, ctx) => ctx.admin.registerDatabase(a.input, ctx.identity)),
      }),
      updateDatabase: t.field({
        type: database,
        description: 'Replaces a registered database\'s entry (e.g. a rotated password).',
        args: { input: t.arg({ type: registerInput, required: true }) },
        resolve: admin((a, ctx) => ctx.admin.updateDatabase(a.input, ctx.identity), (a) => a.input.name),
      }),
      unregisterDatabase: t.boolean({
        args: { name: t.arg.string({ required: true }) },
        resolve: admin((a, ctx) => ctx.admin.unregisterDatabase(a.name, ctx.identity), (a) => a.name),
      }),
      defineRelationship: t.field({
        type: relationship,
        description: 'Adds (or replaces) a relationship between tables of any databases; the schema is swapped at once.',
        args: { input: t.arg({ type: relationshipInput, required: true }) },
        resolve: admin((a, ctx) => ctx.admin.defineRelationship(a.input, ctx.identity)),
      }),
      dropRelationship: t.boolean({
        args: { database: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
        resolve: admin((a, ctx) => ctx.admin.dropRelationship(a.database, a.name, ctx.identity), (a) => a.database),
      }),
      createApiKey: t.field({
        type: createdKey,
        args: { label: t.arg.string({ required: true }), role: t.arg({ type: role, required: true }), databases: t.arg.stringList() },
        resolve: admin((a, ctx) => ctx.admin.createApiKey(a, ctx.identity)),
      }),
      revokeApiKey: t.boolean({ args: { id: t.arg.id({ required: true }) }, resolve: admin((a, ctx) => ctx.admin.revokeApiKey(String(a.id), ctx.identity)) }),
    }),
  };
}
