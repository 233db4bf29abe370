import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCHEMA_HEADER } from '../../src/cli/index.js';
import { startDemoGateway } from '../helpers/demo.js';
import type { TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ gw, stop } = await startDemoGateway());
});

afterAll(() => stop?.());

it('the demo schema matches schema/schema.graphql (refresh with: npm run schema:print)', () => {
  const printed = SCHEMA_HEADER + printSchema(gw.gateway.schemas.schema) + '\n';
  const committed = readFileSync('schema/schema.graphql', 'utf8');
  expect(printed === committed, 'schema/schema.graphql is out of date: run `npm run schema:print` and `npm run codegen`').toBe(true);
});
