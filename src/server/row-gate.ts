/**
 * A weighted first-in-first-out semaphore over estimated rows: operations whose row estimates
 * add up to more than `capacity` wait for earlier ones to finish. Bounds how much response
 * building runs at once, so the event loop (and /health) is never queued behind many large
 * responses, and the heap (RSS) stays bounded under bursts.
 */
export class RowGate {
  private inUse = 0;
  private readonly waiting: { weight: number; resolve: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Waits until `weight` (clamped to the capacity) fits; resolves to the release function (idempotent). */
  async acquire(weight: number): Promise<() => void> {
    const w = Math.min(Math.max(weight, 0), this.capacity);
    if (this.waiting.length || this.inUse + w > this.capacity) await new Promise<void>((resolve) => this.waiting.push({ weight: w, resolve }));
    else this.inUse += w;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= w;
      this.admit();
    };
  }

  /** Rows admitted now (for tests and metrics). */
  get admitted(): number {
    return this.inUse;
  }

  private admit(): void {
    while (this.waiting.length && this.inUse + this.waiting[0].weight <= this.capacity) {
      const next = this.waiting.shift()!;
      this.inUse += next.weight;
      next.resolve();
    }
  }
}
