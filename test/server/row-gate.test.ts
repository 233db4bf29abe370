import { describe, expect, it } from 'vitest';
import { RowGate } from '../../src/server/row-gate.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RowGate', () => {
  it('admits estimates up to its capacity at once; the rest wait, first in first out', async () => {
    const gate = new RowGate(100);
    const order: string[] = [];
    const a = await gate.acquire(60);
    const b = gate.acquire(60).then((release) => (order.push('b'), release));
    const c = gate.acquire(10).then((release) => (order.push('c'), release));
    await tick();
    expect(order).toEqual([]); // c fits, but waits behind b so that b is never starved
    expect(gate.admitted).toBe(60);
    a();
    const releaseB = await b;
    const releaseC = await c;
    expect(order).toEqual(['b', 'c']);
    expect(gate.admitted).toBe(70);
    releaseB();
    releaseC();
    expect(gate.admitted).toBe(0);
  });

  it('clamps an estimate above the capacity, so one huge operation still runs alone', async () => {
    const gate = new RowGate(100);
    const release = await gate.acquire(1e12);
    expect(gate.admitted).toBe(100);
    release();
    expect(gate.admitted).toBe(0);
  });

  it('releasing twice gives back the rows once', async () => {
    const gate = new RowGate(100);
    const a = await gate.acquire(50);
    const b = await gate.acquire(50);
    a();
    a();
    expect(gate.admitted).toBe(50);
    b();
    expect(gate.admitted).toBe(0);
  });
});
