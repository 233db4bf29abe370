import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { objectId } from '../compile/index.js';
import { ChangeFilter, LiveResult, LiveTick, resultHash } from '../live/index.js';
import type { GatewayContext } from '../schema/index.js';
import { credentialsKey, liveContext, setLiveShare } from './request-context.js';

type Results = AsyncIterableIterator<ExecutionResult>;


const isAsyncIterable = (value: unknown): value is AsyncIterableIterator<unknown> =>
  typeof (value as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] === 'function';

/**
 * graphql-js `subscribe`, plus live queries: when the source stream yields a {@link LiveTick}
 * (a refresh of `Subscription.<database>`), the selection executes with a context that reads
 * through the refresh's multiplexed statements, and its result is sent only when it differs
 * from the last one sent (never the same result twice in a row). Other events (migration
 * progress, schema changes, the end of credentials) execute as graphql-js would.
 */
export async function liveAwareSubscribe(args: ExecutionArgs): Promise<Results | ExecutionResult> {
  const ctx = args.contextValue as GatewayContext;
  // PERF: live queries with the same document, operation, variables and credentials execute once per refresh.
  // SECURITY: the credentials are part of the key, so no result crosses from one caller (or RLS session) to another.
  const shareKey = `${objectId(args.document)}\u0000${args.operationName ?? ''}\u0000${credentialsKey(ctx)}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  const executeFor = (tick: LiveTick) =>
    tick.shared(shareKey, async () => {
      const result = await execute({ ...args, rootValue: tick, contextValue: liveContext(ctx, tick) });
      return { result, hash: resultHash(result) };
    });
  setLiveShare(ctx, { key: shareKey, execute: executeFor });
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream as ExecutionResult;
  const filter = new ChangeFilter();
  let finished = false;
  const results: Results = {
    async next() {
      for (;;) {
        if (finished) return { done: true, value: undefined };
        const event = await stream.next();
        if (event.done || finished) return { done: true, value: undefined };
        // A live query's result, executed once for its share and handed over only when it changed.
        if (event.value instanceof LiveResult) return { done: false, value: event.value.result as ExecutionResult };
        if (!(event.value instanceof LiveTick)) return { done: false, value: await execute({ ...args, rootValue: event.value }) };
        const { result, hash } = await executeFor(event.value);
        if (filter.changed(hash)) return { done: false, value: result };
      }
    },
    async return() {
      finished = true;
      await stream.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      finished = true;
      await stream.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return results;
}
