import type { MutationFieldsShape, ObjectRef, QueryFieldsShape } from '@pothos/core';
import { ROLES, type Role } from '../auth/index.js';
import type { RelationshipConfig } from '../config/index.js';
import type { ApiKeyInfo, AuditEntryInfo, CreatedApiKeyInfo, DatabaseInfo, RegisterDatabaseArgs } from './admin-api.js';
import type { Builder, SchemaTypes } from './builder.js';
import type { GatewayContext } from './context.js';

type Types = PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>;
const iso = (value: Date | string) => new Date(value).toISOString();
const scope = (ctx: GatewayContext) => ({ databases: ctx.identity.databases });

/** Registration, relationships, API keys and the audit log (access: src/auth's table). */
export function declareRegistryFields(builder: Builder, database: ObjectRef<Types, DatabaseInfo>): { query: QueryFieldsShape<Types>; mutation: MutationFieldsShape<Types> } {
  const role = builder.enumType('GatewayRole', {
    values: Object.fromEntries(ROLES.map((r) => [r.toUpperCase(), { value: r }])) as Record<Uppercase<Role>, { value: Role }>,
  });
  const viewer = builder.objectRef<{ name: string; role: Role; databases: readonly string[] | null }>('Viewer').implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      role: t.field({ type: role, resolve: (v) => v.role }),
      databases: t.stringList({ nullable: true, resolve: (v) => (v.databases ? [...v.databases] : null) }),
    }),
  });
  const relType = builder.enumType('RelationshipType', { values: { OBJECT: { value: 'object' }, ARRAY: { value: 'array' } } as const });
  const end = builder.objectRef<RelationshipConfig['from']>('RelationshipEnd').implement({
    fields: (t) => ({ database: t.exposeString('database'), schema: t.exposeString('schema'), table: t.exposeString('table'), columns: t.exposeStringList('columns') }),
  });
  const relationship = builder.objectRef<RelationshipConfig>('Relationship').implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      type: t.field({ type: relType, resolve: (r) => r.type }),
      from: t.field({ type: end, resolve: (r) => r.from }),
      to: t.field({ type: end, resolve: (r) => r.to }),
    }),
  });
  const endInput = builder.inputType('RelationshipEndInput', {
    fields: (t) => ({ database: t.string({ required: true }), schema: t.string(), table: t.string({ required: true }), columns: t.stringList({ required: true }) }),
  });
  const relationshipInput = builder.inputType('RelationshipInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: 'Field name on the `from` type; names starting with __ are reserved.' }),
      type: t.field({ type: relType, required: true }),
      from: t.field({ type: endInput, required: true }),
      to: t.field({ type: endInput, required: true }),
    }),
  });
  const poolInput = builder.inputType('PoolInput', { fields: (t) => ({ max: t.int(), idleTimeoutMillis: t.int(), connectionTimeoutMillis: t.int() }) });
  const supabaseInput = builder.inputType('SupabaseInput', {
    fields: (t) => ({
      projectRef: t.string({ required: true }),
      region: t.string({ required: true }),
      password: t.string({ required: true }),
      mode: t.string({ description: 'session (5432, default) or transaction (6543).' }),
      host: t.string(),
      database: t.string(),
    }),
  });
  const registerInput = builder.inputType('RegisterDatabaseInput', {
    description: 'One of url, host (+ user, password, database) or supabase. Credentials are stored encrypted and never returned.',
    fields: (t) => ({
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
      migrationsDir: t.string({ description: 'Must lie under the configured migrationsRoot (node-pg-migrate imports code from it).' }),
    }),
  });
  const apiKey = builder.objectRef<ApiKeyInfo>('ApiKey').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      label: t.exposeString('label'),
      role: t.field({ type: role, resolve: (k) => k.role }),
      databases: t.stringList({ nullable: true, resolve: (k) => (k.databases ? [...k.databases] : null) }),
      createdAt: t.field({ type: 'DateTime', resolve: (k) => iso(k.createdAt) }),
      revokedAt: t.field({ type: 'DateTime', nullable: true, resolve: (k) => (k.revokedAt ? iso(k.revokedAt) : null) }),
    }),
  });
  const createdKey = builder.objectRef<CreatedApiKeyInfo>('CreatedApiKey').implement({
    description: 'The key is shown once; only its hash is stored.',
    fields: (t) => ({
      id: t.exposeID('id'),
      key: t.exposeString('key'),
      label: t.exposeString('label'),
      role: t.field({ type: role, resolve: (k) => k.role }),
      databases: t.stringList({ nullable: true, description: 'Databases the key may touch; null: every one.', resolve: (k) => (k.databases ? [...k.databases] : null) }),
    }),
  });
  const auditEntry = builder.objectRef<AuditEntryInfo>('AuditEntry').implement({
    fields: (t) => ({
      at: t.field({ type: 'DateTime', resolve: (e) => iso(e.at) }),
      actor: t.exposeString('actor'),
      action: t.exposeString('action'),
      database: t.exposeString('database', { nullable: true }),
      summary: t.exposeString('summary'),
      outcome: t.exposeString('outcome'),
    }),
  });
  return {
    query: (t) => ({
      viewer: t.field({
        type: viewer,
        description: 'Who the caller is: name, role and database grant (null: every database). Lets a client offer only what the role may do.',
        resolve: (_p, _a, ctx) => ({ name: ctx.identity.name, role: ctx.identity.role!, databases: ctx.identity.databases ?? null }),
      }),
      relationships: t.field({ type: [relationship], resolve: (_p, _a, ctx) => [...ctx.admin.relationships()] }),
      apiKeys: t.field({ type: [apiKey], resolve: async (_p, _a, ctx) => [...(await ctx.admin.apiKeys(scope(ctx)))] }),
      auditLog: t.field({
        type: [auditEntry],
        description: 'DDL, migration runs, registration and key changes on databases the caller has grants on, newest first.',
        args: { database: t.arg.string(), limit: t.arg.int({ defaultValue: 50 }) },
        resolve: async (_p, a, ctx) => [...(await ctx.admin.auditLog(a.database ?? undefined, { ...scope(ctx), limit: a.limit ?? 50 }))],
      }),
    }),
    mutation: (t) => ({
      registerDatabase: t.field({
        type: database,
        description: 'Tests the connection, builds the schema with it, then stores the entry (encrypted) and adds its namespace.',
        args: { input: t.arg({ type: registerInput, required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.registerDatabase(a.input as RegisterDatabaseArgs, ctx.identity),
      }),
      updateDatabase: t.field({
        type: database,
        description: "Replaces a registered database's entry (e.g. a rotated password).",
        args: { input: t.arg({ type: registerInput, required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.updateDatabase(a.input as RegisterDatabaseArgs, ctx.identity),
      }),
      unregisterDatabase: t.boolean({
        description: 'Removes a run-time registration and the relationships that reach it.',
        args: { name: t.arg.string({ required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.unregisterDatabase(a.name, ctx.identity),
      }),
      defineRelationship: t.field({
        type: relationship,
        description: 'Adds (or replaces) a relationship between tables of any databases; the schema is swapped at once.',
        args: { input: t.arg({ type: relationshipInput, required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.defineRelationship(a.input, ctx.identity),
      }),
      dropRelationship: t.boolean({
        args: { database: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
        resolve: (_p, a, ctx) => ctx.admin.dropRelationship(a.database, a.name, ctx.identity),
      }),
      createApiKey: t.field({
        type: createdKey,
        description: "Never grants more than the caller holds: without databases the key gets the caller's.",
        args: { label: t.arg.string({ required: true }), role: t.arg({ type: role, required: true }), databases: t.arg.stringList() },
        resolve: (_p, a, ctx) => ctx.admin.createApiKey({ label: a.label, role: a.role, databases: a.databases }, ctx.identity),
      }),
      revokeApiKey: t.boolean({ args: { id: t.arg.id({ required: true }) }, resolve: (_p, a, ctx) => ctx.admin.revokeApiKey(String(a.id), ctx.identity) }),
    }),
  };
}
