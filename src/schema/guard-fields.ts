import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { checkAccess, rootFieldRule, type AccessRule, type FieldArgs } from '../auth/index.js';
import type { GatewayContext } from './context.js';
import { endWithCredentials, SubscriptionEnded } from './end-with-credentials.js';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext>;

/** Keeps only what the rule lets the caller see: items of a list, or null for a single item. */
function narrowed(rule: AccessRule, ctx: GatewayContext, value: unknown): unknown {
  const visible = rule.visible!;
  if (Array.isArray(value)) return value.filter((item) => visible(item, ctx.identity));
  return value == null || visible(value, ctx.identity) ? value : null;
}

/** `resolve` behind the rule's check (and its visibility filter). */
export function guardResolver<S, A>(rule: AccessRule, resolve: GraphQLFieldResolver<S, GatewayContext, A>): GraphQLFieldResolver<S, GatewayContext, A> {
  const finish = (value: unknown, ctx: GatewayContext) =>
    rule.visible ? (value instanceof Promise ? value.then((v) => narrowed(rule, ctx, v)) : narrowed(rule, ctx, value)) : value;
  return (source, args, ctx, info) => {
    const pending = checkAccess(rule, ctx.identity, args as FieldArgs, ctx.admin);
    if (pending) return pending.then(() => finish(resolve(source, args, ctx, info), ctx));
    return finish(resolve(source, args, ctx, info), ctx);
  };
}

function guardSubscription(rule: AccessRule, subscribe: Resolver, resolve: Resolver, live: boolean): { subscribe: Resolver; resolve: Resolver } {
  return {
    subscribe: async (source, args, ctx, info) => {
      await checkAccess(rule, ctx.identity, args as FieldArgs, ctx.admin);
      const stream = (await subscribe(source, args, ctx, info)) as AsyncIterableIterator<unknown>;
      // PERF: a live query gets an event every interval; its credentials are checked on the key's
      // revocation, at the token's exp and every CREDENTIALS_RECHECK_MS rather than at each refresh.
      return endWithCredentials(stream, ctx, undefined, { everyEvent: !live });
    },
    // The last event of a subscription whose credentials ended carries the error; the stream then completes.
    resolve: (event, args, ctx, info) => {
      if (event instanceof SubscriptionEnded) throw event.error;
      return resolve(event, args, ctx, info);
    },
  };
}

/**
 * SECURITY: the one authorization wrapper. Every root field of the freshly built `schema`
 * (before it is published) gets its rule from the authorization table (src/auth) checked
 * before its resolver runs; subscriptions are checked when they start and end when their
 * credentials do. A root field without an entry fails the build, so no field ships unguarded.
 */
export function guardRootFields(schema: GraphQLSchema, databases: ReadonlySet<string>): GraphQLSchema {
  const roots: ['Query' | 'Mutation' | 'Subscription', GraphQLObjectType | null | undefined][] = [
    ['Query', schema.getQueryType()],
    ['Mutation', schema.getMutationType()],
    ['Subscription', schema.getSubscriptionType()],
  ];
  for (const [operation, type] of roots) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const rule = rootFieldRule(operation, field.name, databases);
      if (!rule) throw new Error(`[schema] ${operation}.${field.name} has no entry in the authorization table (src/auth/access-table.ts)`);
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      if (operation === 'Subscription' && field.subscribe) Object.assign(field, guardSubscription(rule, field.subscribe as Resolver, resolve, databases.has(field.name)));
      else field.resolve = guardResolver(rule, resolve);
    }
  }
  return schema;
}
