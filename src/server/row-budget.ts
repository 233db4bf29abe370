import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** The page sizes the planner applies (config `limits`). */
export interface RowBudgetLimits {
  defaultLimit: number;
  maxLimit: number;
  /** The budget: estimates above it are refused. */
  maxRows: number;
}

/** What {@link estimateRows} found. */
export interface RowEstimate {
  /** Sum over every paged field of the product of the page sizes along its path. */
  rows: number;
  /** Fields visited in the expanded selection (fragments inlined); the walk stops past `maxRows`. */
  fields: number;
}

type ParentType = GraphQLObjectType | GraphQLInterfaceType;
type FieldGroup = { nodes: FieldNode[]; type: ParentType };

/** Arguments that set a page size; a field taking any of them is a page. */
const PAGE_ARGS = ['limit', 'first', 'last'] as const;

interface Walk {
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
  limits: RowBudgetLimits;
  estimate: RowEstimate;
}

function included(node: { readonly directives?: readonly DirectiveNode[] }, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** Fields of `sets` by response name, fragments followed once per level, each with the type it is selected on. */
function collect(walk: Walk, sets: readonly SelectionSetNode[], type: ParentType): Map<string, FieldGroup> {
  const out = new Map<string, FieldGroup>();
  const seen = new Set<string>();
  const typeOf = (name: string | undefined): ParentType => {
    const found = name ? walk.schema.getType(name) : undefined;
    return found && (isObjectType(found) || isInterfaceType(found)) ? found : type;
  };
  const visit = (set: SelectionSetNode, on: ParentType) => {
    for (const selection of set.selections) {
      if (!included(selection, walk.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const group = out.get(key);
        if (group) group.nodes.push(selection);
        else out.set(key, { nodes: [selection], type: on });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, typeOf(selection.typeCondition?.name.value));
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = walk.fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, typeOf(fragment.typeCondition.name.value));
      }
    }
  };
  for (const set of sets) visit(set, type);
  return out;
}

/** The page size of a field: `limit`, `first`/`last` (the larger) or `defaultLimit`, clamped to [0, maxLimit]; undefined when not a page. */
function pageSize(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined {
  if (!field.args.some((a) => (PAGE_ARGS as readonly string[]).includes(a.name))) return undefined;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(field, node, walk.variables);
  } catch {
    return walk.limits.defaultLimit; // NOTE: execution reports the bad argument itself
  }
  const asked = PAGE_ARGS.map((name) => args[name]).filter((v): v is number => typeof v === 'number');
  const size = asked.length ? Math.max(...asked) : walk.limits.defaultLimit;
  return Math.min(Math.max(0, Math.floor(size)), walk.limits.maxLimit);
}

function walkSelection(walk: Walk, sets: readonly SelectionSetNode[], type: ParentType, multiplier: number): void {
  for (const { nodes, type: on } of collect(walk, sets, type).values()) {
    const name = nodes[0].name.value;
    if (name.startsWith('__')) continue; // introspection reads the schema, not a database
    const field = on.getFields()[name];
    if (!field) continue; // execution reports unknown fields
    if (++walk.estimate.fields > walk.limits.maxRows) return;
    const named = getNamedType(field.type);
    if (!isCompositeType(named)) continue;
    const size = pageSize(walk, field, nodes[0]);
    let rows = multiplier;
    if (size !== undefined) {
      rows = multiplier * size;
      walk.estimate.rows += rows;
    }
    const children = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    // NOTE: unions have no fields of their own; their members are reached through typed fragments.
    const next: ParentType = isObjectType(named) || isInterfaceType(named) ? named : on;
    walkSelection(walk, children, next, rows);
    if (walk.estimate.fields > walk.limits.maxRows) return;
  }
}

/**
 * Upper bound of the rows an operation can make the gateway read and send: every field with a
 * `limit`, `first` or `last` argument is a page of that many rows (`defaultLimit` when not given,
 * clamped to `maxLimit`), for each row of its parent page; `tByPk`, many-to-one and other object
 * fields, aggregates, `edges` and `nodes` multiply by 1. Variables are coerced against the
 * operation's definitions, so `limit: $n` counts as the value sent. Pure: reads no database.
 *
 * @example
 * // 4 nested levels at limit 1000 → 1000 + 1000² + 1000³ + 1000⁴ rows
 * estimateRows(schema, parse('{ db { a(limit: 1000) { b(limit: 1000) { … } } } }'), undefined, {}, limits)
 */
export function estimateRows(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  limits: RowBudgetLimits,
): RowEstimate {
  const estimate: RowEstimate = { rows: 0, fields: 0 };
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return estimate; // execution reports the missing operation
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return estimate; // execution reports bad variables before reading anything
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  walkSelection({ schema, variables: coerced.coerced, fragments, limits, estimate }, [operation.selectionSet], root, 1);
  return estimate;
}

