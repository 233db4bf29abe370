/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions<T> {
  /**
   * Events delivered first, before anything published after the call. The bus copies the
   * array at subscribe time and keeps no history itself: the owner of the topic (a migration
   * run) holds it. Because the copy and the registration happen in the same tick, a subscriber
   * neither misses nor repeats an event.
   */
  replay?: readonly T[];
  /** The iterator completes right after yielding an event for which this returns true. */
  until?: (event: T) => boolean;
}

type Listener<T> = (event: T) => void;

/**
 * A tiny in-process typed pub/sub. Topics are plain strings; events are delivered in
 * publish order to every subscriber of the topic. Used as a GraphQL subscription source:
 * `subscribe()` returns an async iterator whose `return()` unsubscribes.
 *
 * @example
 * const bus = new EventBus<{ type: string }>();
 * const events = bus.subscribe('run:1');
 * bus.publish('run:1', { type: 'RUN_STARTED' });
 * (await events.next()).value; // { type: 'RUN_STARTED' }
 * await events.return?.();
 */
export class EventBus<T> {
  private readonly listeners = new Map<string, Set<Listener<T>>>();

  /** Delivers `event` to the current subscribers of `topic`. Never throws, never waits for them. */
  publish(topic: string, event: T): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const listener of [...set]) listener(event);
  }

  /** Number of open subscriptions on `topic` (for tests and metrics). */
  subscriberCount(topic: string): number {
    return this.listeners.get(topic)?.size ?? 0;
  }

  /**
   * Subscribes to `topic`. The iterator buffers events until they are pulled and
   * unsubscribes when it completes (`until`), or when the consumer calls `return()`/`throw()`
   * or breaks out of `for await`.
   */
  subscribe(topic: string, options: SubscribeOptions<T> = {}): AsyncIterableIterator<T> {
    const queue: T[] = [];
    const waiting: ((result: IteratorResult<T>) => void)[] = [];
    let done = false;
    let endAfterQueue = false;

    const finish = (): void => {
      if (done) return;
      done = true;
      const set = this.listeners.get(topic);
      set?.delete(listener);
      if (set?.size === 0) this.listeners.delete(topic);
      queue.length = 0;
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    };

    const push = (event: T): void => {
      if (done || endAfterQueue) return;
      if (options.until?.(event)) endAfterQueue = true;
      const resolve = waiting.shift();
      if (resolve) resolve({ value: event, done: false });
      else queue.push(event);
      if (endAfterQueue && queue.length === 0) finish();
    };

    const listener: Listener<T> = push;
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    for (const event of options.replay ?? []) push(event);

    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (queue.length > 0) {
          const value = queue.shift() as T;
          if (endAfterQueue && queue.length === 0) finish();
          return Promise.resolve({ value, done: false });
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (error?: unknown) => {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
