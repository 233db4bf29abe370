import type { DocumentNode, ExecutionArgs, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * PERF: executes queries and mutations with graphql-jit (compiled once per document and
 * schema); subscriptions keep graphql-js. Keyed by schema first so that a schema swap never
 * runs a document compiled against the previous schema's resolvers.
 */
export function useJit(): Plugin {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CompiledQuery>>>();
  const compiled = (args: ExecutionArgs): CompiledQuery | undefined => {
    let byDocument = bySchema.get(args.schema);
    if (!byDocument) bySchema.set(args.schema, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(args.document);
    if (!byOperation) byDocument.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? '';
    let entry = byOperation.get(name);
    if (!entry) {
      const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
      if (!isCompiledQuery(result)) return undefined;
      byOperation.set(name, (entry = result));
    }
    return entry;
  };
  return {
    onExecute({ args, setExecuteFn }) {
      const query = compiled(args);
      if (!query) return; // graphql-js reports whatever the compiler could not handle
      setExecuteFn(async (a) => {
        const result = await query.query(a.rootValue, a.contextValue, a.variableValues ?? {});
        return Object.assign(result, { stringify: query.stringify });
      });
    },
  };
}
