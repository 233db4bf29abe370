import { GatewayError } from '../errors/index.js';
import type { GatewayContext } from './context.js';

/** The last value of a subscription whose credentials ended; its field resolver throws `error`. */
export class SubscriptionEnded {
  constructor(readonly error: GatewayError) {}
}

/** How often an open subscription re-checks its credentials when no event comes (other instances may revoke keys). */
export const CREDENTIALS_RECHECK_MS = 30_000;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * SECURITY: passes `source` through while the subscriber's credentials hold. They are checked
 * again before every event (unless `everyEvent` is false), at the JWT's `exp`, when this gateway revokes the API key, and every
 * {@link CREDENTIALS_RECHECK_MS}. When they end, one {@link SubscriptionEnded} is delivered (an
 * UNAUTHENTICATED error at the field) and the stream completes, releasing the source.
 */
export function endWithCredentials<T>(
  source: AsyncIterableIterator<T>,
  ctx: GatewayContext,
  recheckMs = CREDENTIALS_RECHECK_MS,
  { everyEvent = true }: { /** Verify the credentials again before each event (off for live queries, which get one per interval). */ everyEvent?: boolean } = {},
): AsyncIterableIterator<T | SubscriptionEnded> {
  const { identity } = ctx;
  let finished = false;
  let endedWith: GatewayError | undefined;
  // NOTE: the waiting next() is woken directly; racing every next() against one long-lived
  // promise would leave a reaction on it per event for the subscription's whole life.
  let wake: ((error: GatewayError) => void) | undefined;
  const end = (error: GatewayError) => {
    endedWith ??= error;
    wake?.(endedWith);
  };
  const timers: NodeJS.Timeout[] = [];
  if (identity.expiresAt !== undefined) {
    const expired = () => end(new GatewayError('UNAUTHENTICATED', 'the token of this subscription has expired', { hint: 'subscribe again with a fresh token' }));
    timers.push(setTimeout(expired, Math.min(Math.max(identity.expiresAt - Date.now(), 0), MAX_TIMER_MS)));
  }
  const stopListening = identity.keyId
    ? ctx.admin.onKeyRevoked((id) => {
        if (id === identity.keyId) end(new GatewayError('UNAUTHENTICATED', 'the API key of this subscription was revoked', { hint: 'subscribe again with a valid key' }));
      })
    : () => {};
  const interval = setInterval(() => void ctx.recheckIdentity().catch((error: GatewayError) => end(error)), recheckMs);
  timers.forEach((t) => t.unref());
  interval.unref();

  const cleanup = async () => {
    if (finished) return;
    finished = true;
    timers.forEach(clearTimeout);
    clearInterval(interval);
    stopListening();
    await source.return?.();
  };
  const last = async (error: GatewayError): Promise<IteratorResult<T | SubscriptionEnded>> => {
    await cleanup();
    return { done: false, value: new SubscriptionEnded(error) };
  };

  return {
    async next() {
      if (finished) return { done: true, value: undefined };
      if (endedWith) return last(endedWith);
      const result = await new Promise<IteratorResult<T> | { ended: GatewayError }>((resolve, reject) => {
        wake = (error) => resolve({ ended: error });
        source.next().then(resolve, reject);
      }).finally(() => (wake = undefined));
      if ('ended' in result) return last(result.ended);
      if (result.done) {
        await cleanup();
        return result;
      }
      if (!everyEvent) return result;
      try {
        await ctx.recheckIdentity();
      } catch (error) {
        return last(error as GatewayError);
      }
      return result;
    },
    async return() {
      await cleanup();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
