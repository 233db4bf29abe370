/**
 * `npm run fuzz`: the property test's generators at a larger scale, against a gateway on a
 * throwaway embedded PostgreSQL with the demo databases. Prints how many documents were sent,
 * how many answered 5xx or an internal error, how many variable forms disagreed with their
 * inline forms, and the gateway process's RSS as unique documents stream in (it should level off).
 *
 *   FUZZ_DOCUMENTS=10000 FUZZ_MALFORMED=1000 FUZZ_SEED=1 npm run fuzz
 */
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { rssMb, startGatewayChild } from '../../bench/gateway-child.js';
import { parseConfig } from '../../src/config/index.js';
import { DEMO_RELATIONSHIPS, migrateDatabase } from '../../src/demo.js';
import { freePort, startEmbeddedCluster } from '../../src/embedded/index.js';
import { malformedText, readOperation, type GeneratedOperation } from './document-generator.js';
import { comparable, getRaw, postRaw, problemWith, type Exchange } from './fuzz-checks.js';

const DOCUMENTS = Number(process.env.FUZZ_DOCUMENTS ?? 10_000);
const MALFORMED = Number(process.env.FUZZ_MALFORMED ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
const CONCURRENCY = 10;


async function main() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-fuzz-'));
  await chmod(dataDir, 0o755);
  const cluster = await startEmbeddedCluster({ dataDir, password: 'fuzz-pw', persistent: false, serverFlags: ['-c', 'fsync=off', '-c', 'max_connections=100'] });
  try {
    const databases = ['engineer', 'app'].map((name) => ({ name, url: cluster.url(name), migrationsDir: path.resolve('migrations', name) }));
    for (const d of databases) await cluster.ensureDatabase(d.name);
    const doc = { databases, relationships: DEMO_RELATIONSHIPS, logLevel: 'silent', port: await freePort(), probeIntervalMs: 60_000 };
    for (const d of parseConfig(doc, {}).databases) await migrateDatabase(d);
    // NOTE: the gateway runs in its own process, so its RSS is its own (not the load generator's).
    const gateway = await startGatewayChild(doc);
    try {
      const introspection = (await postRaw(gateway.url, JSON.stringify({ query: getIntrospectionQuery() }))).body as unknown as { data: IntrospectionQuery };
      await run(gateway.url, buildClientSchema(introspection.data), () => rssMb(gateway.pid));
    } finally {
      await gateway.stop();
    }
  } finally {
    await cluster.stop();
  }
}

async function run(url: string, schema: GraphQLSchema, gatewayRss: () => number) {
  const tally = { documents: 0, requests: 0, fiveHundreds: 0, internal: 0, mismatches: 0, withErrors: 0 };
  const rss: string[] = [];
  const problems: string[] = [];
  const note = (exchange: Exchange, what: string) => {
    tally.requests++;
    const problem = problemWith(exchange);
    if (!problem) return;
    if (exchange.status >= 500) tally.fiveHundreds++;
    else tally.internal++;
    if (problems.length < 10) problems.push(`${problem}\n    ${what.slice(0, 300)}`);
  };
  const started = performance.now();
  const arbitrary = readOperation(schema);
  // NOTE: sampled in chunks so that the documents held by this script do not count as the gateway's memory.
  let operations: ReturnType<typeof fc.sample<GeneratedOperation>> = [];
  for (let i = 0; i < DOCUMENTS; i += CONCURRENCY) {
    if (i % 500 === 0) operations = fc.sample(arbitrary, { seed: SEED + i, numRuns: 500 });
    await Promise.all(
      operations.slice(i % 500, (i % 500) + CONCURRENCY).map(async (op) => {
        const inline = await postRaw(url, JSON.stringify({ query: op.inline }));
        const viaVariables = await postRaw(url, JSON.stringify({ query: op.withVariables, variables: op.variables }));
        tally.documents++;
        note(inline, op.inline);
        note(viaVariables, op.withVariables);
        if (inline.body?.errors) tally.withErrors++;
        if (!isDeepStrictEqual(comparable(inline), comparable(viaVariables))) {
          tally.mismatches++;
          if (problems.length < 10) problems.push(`inline and variable forms differ\n    ${op.withVariables.slice(0, 300)}`);
        }
      }),
    );
    if ((i + CONCURRENCY) % 1000 < CONCURRENCY) rss.push(`${i + CONCURRENCY}: ${Math.round(gatewayRss())}`);
  }
  const base = `{ engineer { strategicDirectivesV2(where: { or: [{ id: { eq: "SD-001" } }, { not: { priority: { lt: 5 } } }] }, limit: 2) { id project { name } } } }`;
  const malformed = fc.sample(
    fc.oneof(
      malformedText(base).map((query) => () => postRaw(url, JSON.stringify({ query }))),
      malformedText(JSON.stringify({ query: base })).map((body) => () => postRaw(url, body)),
      fc.tuple(malformedText(base), fc.string({ maxLength: 40 })).map(([query, variables]) => () => getRaw(url, { query, variables })),
      fc.jsonValue({ maxDepth: 8 }).map((w) => () => postRaw(url, JSON.stringify({ query: 'query($w: Engineer_StrategicDirectivesV2Filter) { engineer { strategicDirectivesV2(where: $w) { id } } }', variables: { w } }))),
    ),
    { seed: SEED, numRuns: MALFORMED },
  );
  for (const send of malformed) note(await send(), 'malformed request');
  const seconds = (performance.now() - started) / 1000;
  console.log(`[fuzz] seed ${SEED}: ${tally.documents} generated documents (${tally.withErrors} answered with a GraphQL error), ${MALFORMED} malformed requests, ${tally.requests} requests in ${seconds.toFixed(1)} s`);
  console.log(`[fuzz] 5xx: ${tally.fiveHundreds}, internal errors: ${tally.internal}, inline/variable mismatches: ${tally.mismatches}`);
  console.log(`[fuzz] gateway process RSS (MB) after N documents: ${rss.join(', ')}; at the end ${Math.round(gatewayRss())} MB`);
  for (const p of problems) console.log(`[fuzz] ${p}`);
  if (tally.fiveHundreds || tally.internal || tally.mismatches) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
