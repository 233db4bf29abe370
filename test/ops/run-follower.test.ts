import { describe, expect, it } from 'vitest';
import { EventBus, followStored, type MigrationRunEvent } from '../../src/ops/index.js';

/** Events of one run as the journal would hold them (seq 1..n, the last one RUN_FINISHED). */
function run(n: number): MigrationRunEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const seq = i + 1;
    const stamp = { runId: 'r', seq, at: new Date(0).toISOString() };
    return seq === n
      ? { ...stamp, type: 'RUN_FINISHED', status: 'SUCCEEDED', error: null, changedDatabases: [], outcomes: [] }
      : { ...stamp, type: 'HEARTBEAT', database: 'x', name: 'm', statement: 1, statements: 1, firstLine: 'SELECT 1', elapsedMs: seq };
  });
}

async function drain(iterator: AsyncIterableIterator<MigrationRunEvent>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const e of iterator) seqs.push(e.seq);
  return seqs;
}

describe('following a run of another instance', () => {
  it('replays the stored events, then delivers live ones once each in seq order, skipping those already stored', async () => {
    const all = run(5);
    const stored = all.slice(0, 3);
    const bus = new EventBus<MigrationRunEvent>();
    const follower = followStored(bus.subscribe('t'), async (after) => stored.filter((e) => e.seq > after), () => {});
    const seqs = drain(follower);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Announcements of events already replayed arrive too (they were sent while the replay was read).
    for (const e of all.slice(1)) bus.publish('t', e);
    expect(await seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('fills a gap (an announcement lost while disconnected) from the store before the event after it', async () => {
    const all = run(6);
    let stored = all.slice(0, 2);
    const bus = new EventBus<MigrationRunEvent>();
    const follower = followStored(bus.subscribe('t'), async (after) => stored.filter((e) => e.seq > after), () => {});
    const seqs = drain(follower);
    await new Promise((resolve) => setTimeout(resolve, 0));
    stored = all;
    bus.publish('t', all[4]);
    bus.publish('t', all[5]);
    expect(await seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('return() releases the live subscription at once, even while waiting for the next event', async () => {
    const bus = new EventBus<MigrationRunEvent>();
    let released = false;
    const follower = followStored(bus.subscribe('t'), async () => run(3).slice(0, 1), () => (released = true));
    expect((await follower.next()).value?.seq).toBe(1);
    const pending = follower.next();
    await follower.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(released).toBe(true);
    expect(bus.subscriberCount('t')).toBe(0);
  });
});
