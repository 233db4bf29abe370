import { deepStrictEqual } from 'node:assert/strict';
import type { LoadTarget } from './load.js';

async function post(target: LoadTarget): Promise<unknown> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: target.body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/**
 * Fails unless both sides answer with the same `data` (deep equality after JSON.parse) and the
 * gateway reports no errors, so the two sides of the comparison do the same work.
 */
export async function assertSameData(name: string, gateway: LoadTarget, raw: LoadTarget): Promise<void> {
  const [g, r] = (await Promise.all([post(gateway), post(raw)])) as { data?: unknown; errors?: unknown }[];
  if (g.errors) throw new Error(`[bench:${name}] the gateway answered with errors: ${JSON.stringify(g.errors)}`);
  if (g.data === undefined || g.data === null) throw new Error(`[bench:${name}] the gateway answered without data`);
  try {
    deepStrictEqual(g.data, r.data);
  } catch (error) {
    throw new Error(`[bench:${name}] the gateway and the baseline return different data (+ gateway, - baseline):\n${(error as Error).message.slice(0, 4000)}`);
  }
}
