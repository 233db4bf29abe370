import type { MigrationRunEvent } from './migration-events.js';

/**
 * Follows a run executed by another instance: first its stored events (read once `live` is
 * already listening, so nothing falls between the two), then the live ones. Events are delivered
 * once each in seq order: duplicates are skipped and a gap (an announcement lost) is filled from
 * the store. Completes after RUN_FINISHED; `return()` releases `live` at once and calls `done`.
 */
export function followStored(
  live: AsyncIterableIterator<MigrationRunEvent>,
  stored: (after: number) => Promise<MigrationRunEvent[]>,
  done: () => void,
): AsyncIterableIterator<MigrationRunEvent> {
  let last = 0;
  let finished = false;
  let pending: MigrationRunEvent[] = [];
  let loaded: Promise<void> | undefined;
  const close = async () => {
    if (finished) return;
    finished = true;
    pending = [];
    await live.return?.();
    done();
  };
  const take = (event: MigrationRunEvent): IteratorResult<MigrationRunEvent> => {
    last = event.seq;
    if (event.type === 'RUN_FINISHED') void close();
    return { done: false, value: event };
  };
  const iterator: AsyncIterableIterator<MigrationRunEvent> = {
    async next() {
      loaded ??= stored(0).then((events) => void (pending = events));
      await loaded;
      for (;;) {
        if (finished && pending.length === 0) return { done: true, value: undefined };
        const queued = pending.shift();
        if (queued) {
          if (queued.seq > last) return take(queued);
          continue;
        }
        const result = await live.next();
        if (result.done) {
          await close();
          return { done: true, value: undefined };
        }
        const event = result.value;
        if (event.seq <= last) continue;
        if (event.seq > last + 1) {
          // NOTE: an announcement was lost (reconnect) or is late: the store has every event in order.
          pending = (await stored(last)).filter((e) => e.seq < event.seq);
          pending.push(event);
          continue;
        }
        return take(event);
      }
    },
    async return() {
      await close();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
