import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoGateway } from '../helpers/demo.js';
import type { TestGateway } from '../helpers/gateway.js';
import { malformedText, readOperation } from './document-generator.js';
import { comparable, getRaw, postRaw, problemWith } from './fuzz-checks.js';

/** Seeded and small, so CI runs the same few hundred cases in seconds; `npm run fuzz` runs thousands. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

let gw: TestGateway;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ gw, stop } = await startDemoGateway());
});

afterAll(() => stop?.());

describe('generated documents (property-based)', () => {
  it('every generated read answers valid JSON without 5xx or internal error, and its variable form answers the same as its inline form', async () => {
    const schema = gw.gateway.schemas.schema;
    await fc.assert(
      fc.asyncProperty(readOperation(schema), async (op) => {
        const inline = await postRaw(gw.url, JSON.stringify({ query: op.inline }));
        const viaVariables = await postRaw(gw.url, JSON.stringify({ query: op.withVariables, variables: op.variables }));
        expect(problemWith(inline), op.inline).toBeNull();
        expect(problemWith(viaVariables), op.withVariables).toBeNull();
        expect(comparable(viaVariables), `${op.withVariables}\n${JSON.stringify(op.variables)}`).toEqual(comparable(inline));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect((await gw.get('/health')).status).toBe(200);
  });

  it('malformed documents, bodies and GET parameters get a 4xx or a GraphQL error, never a 5xx or an internal error', async () => {
    const base = `{ engineer { strategicDirectivesV2(where: { or: [{ id: { eq: "SD-001" } }, { not: { priority: { lt: 5 } } }] }, limit: 2) { id project { name } } } }`;
    const request = fc.oneof(
      malformedText(base).map((query) => () => postRaw(gw.url, JSON.stringify({ query }))),
      malformedText(JSON.stringify({ query: base, variables: { a: 1 } })).map((body) => () => postRaw(gw.url, body)),
      fc.tuple(malformedText(base), fc.string({ maxLength: 40 })).map(([query, variables]) => () => getRaw(gw.url, { query, variables })),
      fc.jsonValue({ maxDepth: 6 }).map((variables) => () => postRaw(gw.url, JSON.stringify({ query: 'query($w: Engineer_StrategicDirectivesV2Filter) { engineer { strategicDirectivesV2(where: $w) { id } } }', variables: { w: variables } }))),
      fc.string({ maxLength: 100 }).map((body) => () => postRaw(gw.url, body, 'text/plain')),
    );
    await fc.assert(
      fc.asyncProperty(request, async (send) => {
        const exchange = await send();
        expect(problemWith(exchange)).toBeNull();
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect((await gw.get('/health')).status).toBe(200);
  });
});
