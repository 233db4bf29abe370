import type { ConnectionRegistry } from '../connections/index.js';
import type { DatabaseInfo } from '../schema/index.js';
import type { SchemaHost } from './schema-host.js';

/**
 * The database list as a stream: the current list at once, then again whenever a database
 * changes status or the schema is rebuilt, and every `everyMs` (probe latency and pool gauges
 * move without a status change). Changes between two reads are coalesced into one list, so a
 * slow subscriber never queues more than one. `return()` removes every listener and the timer.
 */
export function databaseStream(
  registry: ConnectionRegistry,
  schemas: Pick<SchemaHost, 'on' | 'off'>,
  snapshot: () => DatabaseInfo[],
  everyMs: number,
): AsyncIterableIterator<DatabaseInfo[]> {
  let dirty = true;
  let done = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    dirty = true;
    wake?.();
  };
  registry.on('status', poke);
  schemas.on('changed', poke);
  const timer = setInterval(poke, everyMs);
  timer.unref();
  const stop = () => {
    done = true;
    registry.off('status', poke);
    schemas.off('changed', poke);
    clearInterval(timer);
    wake?.();
  };
  return {
    async next() {
      while (!dirty && !done) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (done) return { done: true, value: undefined };
      dirty = false;
      return { done: false, value: snapshot() };
    },
    async return() {
      stop();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
