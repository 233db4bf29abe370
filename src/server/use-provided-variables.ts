import {
  getOperationAST,
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A variable used inside an object or list literal, and where. */
interface NestedUse {
  variable: string;
  field: string;
  argument: string;
}

const uses = new WeakMap<DocumentNode, Map<string, NestedUse[]>>();

/** The refusal {@link useProvidedVariables} makes for these arguments, or undefined (shared with the fast path). */
export function providedVariablesError(args: Pick<ExecutionArgs, 'document' | 'operationName' | 'variableValues'>): GraphQLError | undefined {
  let byOperation = uses.get(args.document);
  if (!byOperation) uses.set(args.document, (byOperation = new Map()));
  const key = args.operationName ?? '';
  let nested = byOperation.get(key);
  if (!nested) byOperation.set(key, (nested = nestedVariableUses(args.document, args.operationName)));
  const provided = args.variableValues ?? {};
  const missing = nested.find((use) => !Object.hasOwn(provided, use.variable));
  if (!missing) return undefined;
  return new GraphQLError(
    `Variable "$${missing.variable}" was not provided, but argument "${missing.argument}" of "${missing.field}" uses it inside an input value`,
    {
      extensions: {
        code: 'BAD_USER_INPUT',
        hint: `send a value for $${missing.variable} (null is a value), give it a default, or leave that part out of the document; a missing operand is never read as "no condition"`,
        http: { status: 400, spec: true },
      },
    },
  );
}

/**
 * SECURITY: GraphQL drops an input field whose variable was not provided, so
 * `deleteUsers(where: { email: { eq: $e } })` sent without `e` would run as
 * `where: { email: {} }` — every row. A variable used inside an object or list literal must
 * be provided (null counts) unless its definition has a default; otherwise the operation is
 * refused with BAD_USER_INPUT (400) naming the variable, before anything runs. A variable
 * that is a whole argument (`where: $w`, `limit: $n`) keeps GraphQL's meaning: not provided
 * means the argument was not given.
 */
export function useProvidedVariables(): Plugin {
  const check = providedVariablesError;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** Variables without a default that the operation (and the fragments it spreads) uses inside literals. */
function nestedVariableUses(document: DocumentNode, operationName: string | null | undefined): NestedUse[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const defaults = new Set((operation.variableDefinitions ?? []).filter((d) => d.defaultValue).map((d) => d.variable.name.value));
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const out: NestedUse[] = [];
  const queue: ASTNode[] = [operation];
  const seen = new Set<string>();
  while (queue.length) {
    let field = '';
    visit(queue.pop()!, {
      Field: (node) => void (field = node.name.value),
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment && !seen.has(node.name.value)) seen.add(node.name.value), queue.push(fragment);
      },
      Argument(node) {
        if (node.value.kind !== Kind.OBJECT && node.value.kind !== Kind.LIST) return;
        for (const variable of variablesIn(node.value)) {
          if (!defaults.has(variable)) out.push({ variable, field, argument: node.name.value });
        }
      },
      VariableDefinition: () => false,
    });
  }
  return out;
}

function variablesIn(value: ValueNode): string[] {
  const names: string[] = [];
  visit(value, { Variable: (node) => void names.push(node.name.value) });
  return names;
}
