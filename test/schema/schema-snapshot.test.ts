import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCHEMA_HEADER } from '../../src/cli/index.js';
import { DEMO_RELATIONSHIPS } from '../../src/demo.js';
import { createDemoDatabases, type DemoDatabases } from '../helpers/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let demo: DemoDatabases;
let gw: TestGateway;

beforeAll(async () => {
  demo = await createDemoDatabases();
  gw = await startTestGateway({ databases: demo.databases, relationships: DEMO_RELATIONSHIPS, probeIntervalMs: 60_000 });
});

afterAll(async () => {
  await gw?.stop();
  await demo?.drop();
});

it('the demo schema matches schema/schema.graphql (refresh with: npm run schema:print)', () => {
  const printed = SCHEMA_HEADER + printSchema(gw.gateway.schemas.schema) + '\n';
  const committed = readFileSync('schema/schema.graphql', 'utf8');
  expect(printed === committed, 'schema/schema.graphql is out of date: run `npm run schema:print` and `npm run codegen`').toBe(true);
});
