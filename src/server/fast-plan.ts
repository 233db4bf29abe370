import {
  getNamedType,
  getOperationAST,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { collectFields } from '../compile/index.js';
import type { DatabaseModel, TableModel } from '../naming/index.js';

/** A field inside a database namespace the fast path answers: a root list or `tByPk`. */
export interface FastTableField {
  kind: 'list' | 'byPk';
  /** Response name, already a JSON string with its colon: `"alias":`. */
  prefix: string;
  table: TableModel;
  /** Every node selected under this response name (merged like the executor does). */
  nodes: readonly FieldNode[];
  field: GraphQLField<unknown, unknown>;
}

/** `__typename` somewhere the fast path answers: a constant. */
export interface FastConstant {
  kind: 'constant';
  prefix: string;
  /** The value as JSON text. */
  json: string;
}

/** `Query.<database> { … }`: the guarded namespace resolver runs (authorization), then its fields. */
export interface FastNamespace {
  kind: 'namespace';
  prefix: string;
  database: string;
  resolve: GraphQLFieldResolver<unknown, unknown>;
  fields: readonly (FastTableField | FastConstant)[];
}

/**
 * What the fast path keeps per (schema, document text, operation name): everything that does
 * not depend on the request. A document is only planned once it has parsed and validated
 * through yoga's own parse / validate (so through every limit plugin) without an error.
 */
export interface DocumentPlan {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** The operation declares variables, so statements depend on the request's values. */
  hasVariables: boolean;
  roots: readonly (FastNamespace | FastConstant)[];
}

const key = (name: string) => `${JSON.stringify(name)}:`;

/** True when a selection set (and the fragments it spreads, at this level) carries a directive. */
function hasDirectives(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): boolean {
  for (const selection of set.selections) {
    if (selection.directives?.length) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT && hasDirectives(selection.selectionSet, fragments, seen)) return true;
    if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (!fragment || fragment.directives?.length || hasDirectives(fragment.selectionSet, fragments, seen)) return true;
    }
  }
  return false;
}

function namespaceFields(
  nodes: readonly FieldNode[],
  model: DatabaseModel,
  type: GraphQLObjectType,
  fragments: Record<string, FragmentDefinitionNode>,
): (FastTableField | FastConstant)[] | undefined {
  const out: (FastTableField | FastConstant)[] = [];
  const sets = nodes.map((n) => n.selectionSet);
  if (sets.some((s) => !s || hasDirectives(s, fragments))) return undefined;
  for (const [alias, group] of collectFields(sets, { variables: {}, fragments })) {
    const name = group[0].name.value;
    if (name === '__typename') {
      out.push({ kind: 'constant', prefix: key(alias), json: JSON.stringify(type.name) });
      continue;
    }
    const field = type.getFields()[name];
    const list = model.tables.find((t) => t.ops.list === name);
    const byPk = list ? undefined : model.tables.find((t) => t.ops.byPk === name && t.primaryKey.length > 0);
    const table = list ?? byPk;
    if (!field || !table) return undefined; // connections, aggregates, other layers' fields: the full pipeline
    out.push({ kind: list ? 'list' : 'byPk', prefix: key(alias), table, nodes: group, field: field as GraphQLField<unknown, unknown> });
  }
  return out;
}

/**
 * Plans an already parsed and validated document, or returns undefined when the fast path
 * cannot prove it answers it exactly as the full pipeline does. It can for queries whose root
 * fields are database namespaces (or `__typename`) holding only root list and `tByPk` fields,
 * without directives at those two levels. Pure: reads the schema and models only.
 */
export function planDocument(
  schema: GraphQLSchema,
  models: readonly DatabaseModel[],
  document: DocumentNode,
  operationName: string | undefined,
): DocumentPlan | undefined {
  const operation = getOperationAST(document, operationName);
  const query = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !query) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  if (hasDirectives(operation.selectionSet, fragments) || operation.directives?.length) return undefined;
  const roots: (FastNamespace | FastConstant)[] = [];
  for (const [alias, nodes] of collectFields([operation.selectionSet], { variables: {}, fragments })) {
    const name = nodes[0].name.value;
    if (name === '__typename') {
      roots.push({ kind: 'constant', prefix: key(alias), json: JSON.stringify(query.name) });
      continue;
    }
    const field = query.getFields()[name];
    const model = models.find((m) => m.database === name);
    const type = field && getNamedType(field.type);
    if (!field?.resolve || !model || !type || type.name !== model.queryType) return undefined;
    const fields = namespaceFields(nodes, model, type as GraphQLObjectType, fragments);
    if (!fields) return undefined;
    roots.push({ kind: 'namespace', prefix: key(alias), database: name, resolve: field.resolve, fields });
  }
  return {
    schema,
    document,
    operationName,
    operation,
    fragments,
    hasVariables: (operation.variableDefinitions?.length ?? 0) > 0,
    roots,
  };
}
