import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors/index.js';
import { estimateRows, type RowBudgetLimits } from './row-budget.js';

const HINT = 'lower limit / first / last on the nested lists, or page through them with offset or the Connection fields';

/** The refusal of an operation over budget, or undefined when it fits. */
export function rowBudgetError(args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>, limits: RowBudgetLimits): GatewayError | undefined {
  const { rows, fields } = estimateRows(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, limits);
  if (fields > limits.maxRows) {
    return new GatewayError('ROW_BUDGET_EXCEEDED', `[limits] the selection expands to more than ${limits.maxRows} fields (limits.maxRows)`, {
      hint: 'select fewer fields, or spread fewer fragments into each other',
      details: { budget: limits.maxRows },
    });
  }
  if (rows <= limits.maxRows) return undefined;
  return new GatewayError('ROW_BUDGET_EXCEEDED', `[limits] the operation may read up to ${rows} rows, above the row budget of ${limits.maxRows} (limits.maxRows)`, {
    hint: HINT,
    details: { budget: limits.maxRows, estimate: rows },
  });
}

/**
 * Refuses an operation whose row estimate ({@link estimateRows}) is above `limits.maxRows`,
 * before any resolver runs (so before any SQL), with ROW_BUDGET_EXCEEDED naming the budget, the
 * estimate and a hint. Runs when the operation is executed or subscribed, over HTTP and over
 * WebSocket alike (graphql-ws goes through `yoga.getEnveloped`), once variables are known.
 */
export function useRowBudget(limits: RowBudgetLimits): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = rowBudgetError(args, limits);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = rowBudgetError(args, limits);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
