import { createSchema, createYoga } from 'graphql-yoga';
import { GatewayError } from '../../src/errors/index.js';
export async function run() {
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { x: Int }', resolvers: { Query: { x: async () => { throw new GatewayError('DB_UNAVAILABLE', 'down'); } } } }), logging: false });
  const res = await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ x }' }) });
  return JSON.stringify(await res.json());
}
if (process.argv[1]?.endsWith('zz-yoga.ts')) run().then((r) => console.log('tsx:', r));
