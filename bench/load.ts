import autocannon from 'autocannon';

/** How hard and how long every target is driven; the same for both sides of every scenario. */
export interface LoadSettings {
  connections: number;
  /** Measured seconds. */
  durationSec: number;
  /** Seconds of load before measuring (JIT, pools, plan caches); its numbers are dropped. */
  warmupSec: number;
  /**
   * Load-generator worker threads. NOTE: 1 rather than 0 so autocannon does not share the
   * event loop with the in-process gateway it is measuring.
   */
  workers: number;
}

/** One POST endpoint and the body to send it. */
export interface LoadTarget {
  url: string;
  body: string;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function drive(target: LoadTarget, settings: LoadSettings, seconds: number) {
  return autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: target.body,
    connections: settings.connections,
    duration: seconds,
    workers: settings.workers || undefined,
    timeout: 10,
  });
}

/** Drives a target for `settings.warmupSec` and drops the numbers. */
export async function warmUp(target: LoadTarget, settings: LoadSettings): Promise<void> {
  if (settings.warmupSec > 0) await drive(target, settings, settings.warmupSec);
}

/** Measures one target. Throws when any request failed, since then the numbers mean nothing. */
export async function measure(name: string, target: LoadTarget, settings: LoadSettings): Promise<LoadResult> {
  const result = await drive(target, settings, settings.durationSec);
  if (result.errors || result.non2xx) {
    throw new Error(`[bench:${name}] ${result.errors} connection errors and ${result.non2xx} non-2xx responses from ${target.url}`);
  }
  return {
    requestsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
