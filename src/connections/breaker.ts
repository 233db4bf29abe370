/** While a database is DOWN, one real attempt to connect is let through this often (half-open). */
export const HALF_OPEN_INTERVAL_MS = 500;

/** What {@link Breaker.admit} decides for one attempt. */
export type Admission = 'pass' | 'trial' | 'refuse';

/**
 * The fail-fast breaker of one database.
 *
 * - Closed (the database is reachable, or not known to be unreachable): every attempt passes.
 * - Open (a connect or a probe failed): attempts are refused at once instead of each waiting out
 *   the connect timeout, except that one attempt every `intervalMs` is let through as a trial
 *   (half-open), and never two at a time. A trial that connects closes the breaker; one that
 *   fails keeps it open until the next interval.
 *
 * So a database that comes back is used again within about `intervalMs` of accepting
 * connections, whatever the probe interval, and a database that stays down sees at most one
 * connection attempt per interval from requests (plus the periodic probe).
 */
export class Breaker {
  private openSince: number | undefined;
  private lastTrialAt = Number.NEGATIVE_INFINITY;
  private trialInFlight = false;

  constructor(
    readonly intervalMs = HALF_OPEN_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get isOpen(): boolean {
    return this.openSince !== undefined;
  }

  /** Decides one attempt. A 'trial' must be followed by {@link succeeded}, {@link failed} or {@link settled}. */
  admit(): Admission {
    if (this.openSince === undefined) return 'pass';
    const now = this.now();
    if (this.trialInFlight || now - this.lastTrialAt < this.intervalMs) return 'refuse';
    this.trialInFlight = true;
    this.lastTrialAt = now;
    return 'trial';
  }

  /** A connection was obtained (by a request or a probe): closes the breaker. */
  succeeded(): void {
    this.openSince = undefined;
    this.trialInFlight = false;
  }

  /** Connecting failed: opens the breaker; the next trial comes `intervalMs` after this failure. */
  failed(): void {
    const now = this.now();
    this.openSince ??= now;
    this.lastTrialAt = Math.max(this.lastTrialAt, now);
    this.trialInFlight = false;
  }

  /** A trial ended without telling whether the database is reachable (e.g. the pool was full). */
  settled(): void {
    this.trialInFlight = false;
  }
}
