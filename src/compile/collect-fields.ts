import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What the planner needs from the operation besides the selection itself. */
export interface OperationInput {
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
}

function included(node: { directives?: readonly unknown[] } & Parameters<typeof getDirectiveValues>[1], vars: Record<string, unknown>): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, vars)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, vars)?.if !== false;
}

/**
 * Groups the fields of one or more selection sets by response name (alias or name),
 * following fragments and honouring @skip/@include, in document order — as GraphQL's
 * own CollectFields does. Fields under one response name are merged.
 */
export function collectFields(sets: readonly (SelectionSetNode | undefined)[], op: OperationInput): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const seenFragments = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    if (!set) return;
    for (const selection of set.selections) {
      if (!included(selection, op.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const list = out.get(key);
        if (list) list.push(selection);
        else out.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (seenFragments.has(name)) continue;
        seenFragments.add(name);
        visit(op.fragments[name]?.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return out;
}

/** The merged sub-selections of fields that share one response name. */
export function subSelections(nodes: readonly FieldNode[]): (SelectionSetNode | undefined)[] {
  return nodes.map((n) => n.selectionSet);
}
