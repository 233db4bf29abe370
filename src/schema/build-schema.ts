import { validateSchema, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { GatewayError } from '../errors/index.js';
import type { DatabaseModel } from '../naming/index.js';
import { declareAdminFields, type AdminTypes } from './admin-fields.js';
import { createBuilder, type AnyRef, type Builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { guardRootFields } from './guard-fields.js';
import { implementMutationNamespace, runMutations } from './namespace-mutation.js';
import { implementQueryNamespace } from './namespace-query.js';
import { declareTableTypes, type DatabaseRefs } from './table-types.js';

/** A hook that adds fields to generated types after they exist (federation uses it). */
export type SchemaExtension = (builder: Builder, databases: Map<string, DatabaseRefs>) => void;

export interface SchemaInput {
  /** One model per database whose catalog is known, in the order they should appear. */
  models: DatabaseModel[];
  extensions?: SchemaExtension[];
}

/**
 * Builds the whole gateway schema: `databases` and admin fields, one namespace field per
 * database under Query and (when it has writable tables) Mutation. Pure: no I/O, so a failed
 * build leaves the previous schema in place.
 *
 * @throws Error `[schema] invalid: …` when the result breaks GraphQL's rules, so a schema that
 * would fail every request is never served.
 */
export function buildGatewaySchema(input: SchemaInput): GraphQLSchema {
  const { builder, shared } = createBuilder();
  const b = builder as any;
  const pageInfo = b.objectRef('PageInfo').implement({
    description: 'Where a page sits in the whole list (Relay).',
    fields: (t: any) => ({
      hasNextPage: t.boolean({ resolve: (p: any) => p.hasNextPage }),
      hasPreviousPage: t.boolean({ resolve: (p: any) => p.hasPreviousPage }),
      startCursor: t.string({ nullable: true, resolve: (p: any) => p.startCursor }),
      endCursor: t.string({ nullable: true, resolve: (p: any) => p.endCursor }),
    }),
  });
  const databases = new Map<string, DatabaseRefs>();
  const queryFields: [string, AnyRef, string][] = [];
  const mutationFields: [string, AnyRef, ReturnType<typeof implementMutationNamespace>][] = [];
  for (const model of input.models) {
    const refs = declareTableTypes(builder, shared, pageInfo, model);
    databases.set(model.database, refs);
    const queryRef = b.objectRef(model.queryType);
    implementQueryNamespace(refs, queryRef);
    queryFields.push([model.database, queryRef, model.tables.length ? '' : 'no tables']);
    const mutationRef = b.objectRef(model.mutationType);
    const ops = implementMutationNamespace(refs, mutationRef);
    if (ops) mutationFields.push([model.database, mutationRef, ops]);
  }
  for (const extend of input.extensions ?? []) extend(builder, databases);
  const admin: AdminTypes = declareAdminFields(builder);

  // NOTE: databases without tables get no namespace: an object type needs a field.
  const namespaces = queryFields.filter(([, , empty]) => !empty);
  /** One nullable field per database namespace, built by `field`. */
  const perDatabase = (field: (name: string, ref: AnyRef) => unknown) => Object.fromEntries(namespaces.map(([name, ref]) => [name, field(name, ref)]));
  b.queryType({
    fields: (t: any) => ({
      ...admin.query(t),
      ...perDatabase((name, ref) => t.field({ type: ref, nullable: true, description: `The database "${name}".`, resolve: () => ({}) })),
    }),
  });
  b.mutationType({
    fields: (t: any) => ({
      ...admin.mutation(t),
      ...Object.fromEntries(
        mutationFields.map(([name, ref, ops]) => [
          name,
          t.field({
            type: ref,
            nullable: true,
            description: `Writes to "${name}", all in one transaction.`,
            resolve: (_p: unknown, _a: unknown, ctx: GatewayContext, info: GraphQLResolveInfo) => runMutations(name, ops!, ctx, info),
          }),
        ]),
      ),
    }),
  });
  b.subscriptionType({
    fields: (t: any) => ({
      ...admin.subscription(t),
      ...perDatabase((name, ref) =>
        t.field({
          type: ref,
          nullable: true,
          description: `Live queries on "${name}": the fields of Query.${name}, pushed at once and again each time the result changes.`,
          subscribe: (_p: unknown, _a: unknown, ctx: GatewayContext) => {
            if (!ctx.liveQuery) throw new GatewayError('BAD_USER_INPUT', `[${name}] this server does not serve live queries`);
            return ctx.liveQuery(name);
          },
          resolve: () => ({}),
        }),
      ),
    }),
  });
  // SECURITY: access to every root field is decided by src/auth's table, applied here.
  const schema = guardRootFields(builder.toSchema({ sortSchema: false }), new Set(input.models.map((m) => m.database)));
  const problems = validateSchema(schema);
  if (problems.length > 0) throw new Error(`[schema] invalid: ${problems.map((p) => p.message).join('; ')}`);
  return schema;
}
