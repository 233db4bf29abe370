import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  getVariableValues,
  isInputObjectType,
  isScalarType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/** The scalar that stands in for input-object variables in the document graphql-jit compiles. */
const OPAQUE_SCALAR = 'JSON';

interface Compiled {
  query: CompiledQuery;
  /** Variables graphql-js coerces (their types hold input objects); graphql-jit parses the rest. */
  opaque: readonly VariableDefinitionNode[];
}

/**
 * PERF: executes queries and mutations with graphql-jit (compiled once per document and
 * schema); subscriptions keep graphql-js. Keyed by schema first so that a schema swap never
 * runs a document compiled against the previous schema's resolvers. Entries are weakly held by
 * the document, so the bounded document cache (see `createDocumentCache`) bounds them too.
 *
 * NOTE: graphql-jit compiles a variable parser by inlining every input type a variable can
 * reach; input types that refer to themselves (filters' `and` / `or` / `not`, relation
 * filters) make it recurse until the heap is gone. So a variable whose type holds an input
 * object is coerced here by graphql-js (work bounded by the value, whose nesting the request
 * limits bound), and graphql-jit compiles a copy of the document that declares it as the
 * identity scalar `JSON`. Scalar, enum and list-of-scalar variables stay with graphql-jit.
 */
export function useJit(): Plugin {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Compiled | null>>>();
  const compiled = (args: ExecutionArgs): Compiled | null => {
    let byDocument = bySchema.get(args.schema);
    if (!byDocument) bySchema.set(args.schema, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(args.document);
    if (!byOperation) byDocument.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? '';
    let entry = byOperation.get(name);
    if (entry === undefined) byOperation.set(name, (entry = compile(args.schema, args.document, args.operationName ?? undefined)));
    return entry;
  };
  return {
    onExecute({ args, setExecuteFn }) {
      const entry = compiled(args);
      if (!entry) return; // graphql-js executes (and reports) whatever graphql-jit cannot take
      setExecuteFn(async (a) => {
        const variables = jitVariables(a, entry.opaque);
        if ('errors' in variables) return { errors: variables.errors.map(badVariable) };
        const result = await entry.query.query(a.rootValue, a.contextValue, variables.values);
        // NOTE: a result without `data` failed before execution: a variable graphql-jit could not coerce.
        if (!('data' in result) && result.errors) return { errors: result.errors.map(badVariable) };
        return Object.assign(result, { stringify: entry.query.stringify });
      });
    },
  };
}

/** A variable coercion error as a request error: BAD_USER_INPUT, HTTP 400 for graphql-response+json. */
function badVariable(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400, spec: true } },
  });
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): Compiled | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const opaque = (operation.variableDefinitions ?? []).filter((definition) => {
    const type = typeFromAST(schema, definition.type as never);
    return type !== undefined && isInputObjectType(getNamedType(type));
  });
  let target = document;
  if (opaque.length) {
    if (!hasIdentityScalar(schema)) return null;
    target = withOpaqueVariables(document, operation, new Set(opaque));
  }
  const query = compileQuery(schema, target, operationName);
  return isCompiledQuery(query) ? { query, opaque } : null;
}

/** True when the schema's `JSON` scalar hands variable values through unchanged. */
function hasIdentityScalar(schema: GraphQLSchema): boolean {
  const type = schema.getType(OPAQUE_SCALAR);
  const probe = {};
  return isScalarType(type) && type.parseValue(probe) === probe;
}

/** A shallow copy of `document` whose `opaque` variables are declared `JSON` (no default, nullable). */
function withOpaqueVariables(document: DocumentNode, operation: OperationDefinitionNode, opaque: Set<VariableDefinitionNode>): DocumentNode {
  const variableDefinitions = operation.variableDefinitions!.map((definition) =>
    opaque.has(definition)
      ? { ...definition, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: OPAQUE_SCALAR } } as const, defaultValue: undefined }
      : definition,
  );
  const copy: OperationDefinitionNode = { ...operation, variableDefinitions };
  return { ...document, definitions: document.definitions.map((d) => (d === operation ? copy : d)) };
}

/** Raw values for graphql-jit, with the opaque ones replaced by graphql-js's coerced values. */
function jitVariables(
  args: ExecutionArgs,
  opaque: readonly VariableDefinitionNode[],
): { values: Record<string, unknown> } | { errors: NonNullable<ExecutionResult['errors']> } {
  const raw = args.variableValues ?? {};
  if (!opaque.length) return { values: raw };
  const coerced = getVariableValues(args.schema, opaque, raw, { maxErrors: 10 });
  if (coerced.errors) return { errors: coerced.errors };
  const values: Record<string, unknown> = { ...raw };
  for (const definition of opaque) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(coerced.coerced, name)) values[name] = coerced.coerced[name];
    else delete values[name];
  }
  return { values };
}
