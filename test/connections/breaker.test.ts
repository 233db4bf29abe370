import { describe, expect, it } from 'vitest';
import { Breaker } from '../../src/connections/breaker.js';

/** A breaker on a clock the test moves by hand. */
function breakerAt(intervalMs = 500) {
  let now = 1_000;
  const breaker = new Breaker(intervalMs, () => now);
  return { breaker, advance: (ms: number) => void (now += ms) };
}

describe('Breaker', () => {
  it('lets every attempt through while closed', () => {
    const { breaker } = breakerAt();
    expect([breaker.admit(), breaker.admit(), breaker.admit()]).toEqual(['pass', 'pass', 'pass']);
    expect(breaker.isOpen).toBe(false);
  });

  it('once a connect failed, refuses attempts until the interval has passed, then lets exactly one trial through', () => {
    const { breaker, advance } = breakerAt();
    breaker.failed();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.admit()).toBe('refuse');
    advance(499);
    expect(breaker.admit()).toBe('refuse');
    advance(1);
    expect(breaker.admit()).toBe('trial');
    expect(breaker.admit()).toBe('refuse');
    advance(10_000);
    expect(breaker.admit()).toBe('refuse'); // never two trials at a time, however long the first one takes
  });

  it('a failed trial waits a whole interval for the next; a successful one closes the breaker', () => {
    const { breaker, advance } = breakerAt();
    breaker.failed();
    advance(500);
    expect(breaker.admit()).toBe('trial');
    advance(300);
    breaker.failed();
    advance(499);
    expect(breaker.admit()).toBe('refuse');
    advance(1);
    expect(breaker.admit()).toBe('trial');
    breaker.succeeded();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.admit()).toBe('pass');
  });

  it('a trial that settles without an answer (a full pool) frees the slot without closing the breaker', () => {
    const { breaker, advance } = breakerAt();
    breaker.failed();
    advance(500);
    expect(breaker.admit()).toBe('trial');
    breaker.settled();
    expect(breaker.isOpen).toBe(true);
    expect(breaker.admit()).toBe('refuse');
    advance(500);
    expect(breaker.admit()).toBe('trial');
  });

  it('a probe that reaches the database closes it without any trial', () => {
    const { breaker } = breakerAt();
    breaker.failed();
    breaker.succeeded();
    expect(breaker.admit()).toBe('pass');
  });
});
