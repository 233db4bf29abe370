import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/ops/index.js';

type E = { n: number; last?: boolean };

async function take<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterator) out.push(value);
  return out;
}

describe('EventBus', () => {
  it('delivers events of a topic in publish order, and only of that topic', async () => {
    const bus = new EventBus<E>();
    const events = bus.subscribe('a', { until: (e) => !!e.last });
    bus.publish('b', { n: 99 });
    bus.publish('a', { n: 1 });
    bus.publish('a', { n: 2, last: true });
    expect(await take(events)).toEqual([{ n: 1 }, { n: 2, last: true }]);
  });

  it('a late subscriber first receives the replay, then live events, never one twice', async () => {
    const bus = new EventBus<E>();
    const history: E[] = [];
    const publish = (e: E) => {
      history.push(e);
      bus.publish('run', e);
    };
    publish({ n: 1 });
    publish({ n: 2 });
    const late = bus.subscribe('run', { replay: history, until: (e) => !!e.last });
    publish({ n: 3 });
    publish({ n: 4, last: true });
    expect((await take(late)).map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it('subscribing after the final event replays everything and completes', async () => {
    const bus = new EventBus<E>();
    const done = bus.subscribe('run', { replay: [{ n: 1 }, { n: 2, last: true }], until: (e) => !!e.last });
    expect((await take(done)).map((e) => e.n)).toEqual([1, 2]);
    expect(bus.subscriberCount('run')).toBe(0);
  });

  it('return() unsubscribes and ends a pending next()', async () => {
    const bus = new EventBus<E>();
    const events = bus.subscribe('a');
    expect(bus.subscriberCount('a')).toBe(1);
    const pending = events.next();
    await events.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(bus.subscriberCount('a')).toBe(0);
    bus.publish('a', { n: 1 });
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('breaking out of for-await unsubscribes', async () => {
    const bus = new EventBus<E>();
    const events = bus.subscribe('a');
    bus.publish('a', { n: 1 });
    for await (const e of events) {
      expect(e.n).toBe(1);
      break;
    }
    expect(bus.subscriberCount('a')).toBe(0);
  });
});
