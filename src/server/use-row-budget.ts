import { setImmediate } from 'node:timers/promises';
import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors/index.js';
import { estimateRows, type RowBudgetLimits } from './row-budget.js';
import { RowGate } from './row-gate.js';

const HINT = 'lower limit / first / last on the nested lists, or page through them with offset or the Connection fields';

type BudgetArgs = Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>;

/** The refusal of an operation over budget, or undefined when it fits. */
export function rowBudgetError(args: BudgetArgs, limits: RowBudgetLimits): GatewayError | undefined {
  return rowBudgetCheck(args, limits).error;
}

/** The row estimate of an operation and, when over budget, its refusal (shared with the fast path). */
export function rowBudgetCheck(args: BudgetArgs, limits: RowBudgetLimits): { rows: number; error?: GatewayError } {
  const { rows, fields } = estimateRows(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined, limits);
  return { rows, error: refusal(rows, fields, limits) };
}

function refusal(rows: number, fields: number, limits: RowBudgetLimits): GatewayError | undefined {
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
 * Executions estimated above `maxRows / 4` rows then wait their turn at a {@link RowGate} of
 * `maxRows` rows.
 */
export function useRowBudget(limits: RowBudgetLimits): Plugin {
  // PERF: operations that may read more than a quarter of the budget are admitted up to one
  // budget's worth of estimated rows at a time; smaller ones never wait. This keeps /health and
  // small queries from queueing behind a burst of large responses (JSON parse, execution and
  // serialisation each hold the event loop) and bounds the heap such a burst needs.
  const gate = new RowGate(limits.maxRows);
  const smallRows = limits.maxRows / 4;
  return {
    async onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const { rows, error } = rowBudgetCheck(args, limits);
      if (error) return setResultAndStopExecution({ errors: [error] });
      if (rows <= smallRows) return;
      const release = await gate.acquire(rows);
      // NOTE: released when execution ends, also when it throws (onExecuteDone does not run then).
      setExecuteFn(async (a) => {
        try {
          return await executeFn(a);
        } finally {
          release();
        }
      });
      return {
        async onExecuteDone() {
          release();
          // PERF: serialising the result starts in a later macrotask, after waiting I/O.
          await setImmediate();
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = rowBudgetError(args, limits);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
