import { it, expect } from 'vitest';
import { createTestDatabase } from '../helpers/databases.js';
import { startTestGateway, waitFor } from '../helpers/gateway.js';
it('debug kill', async () => {
  const db = await createTestDatabase('dbg', 'a');
  await db.sql('CREATE TABLE widgets (id serial PRIMARY KEY, name text)');
  const gw = await startTestGateway({ probeIntervalMs: 60000, logLevel: 'debug', databases: [{ name: 'k', url: db.url }] });
  gw.gateway.yoga; 
  console.log((await gw.graphql(`{ k { widgets { name } } }`)).body);
  const c = gw.gateway.registry.get('k')!;
  await db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'switchyard'", [db.name]);
  await waitFor(() => c.poolStats().total === 0);
  console.log(c.status, c.error, c.lastProbeAt);
  try { await c.query('select 1'); console.log('direct ok'); } catch (e) { console.log('direct err', e); }
  console.log(JSON.stringify((await gw.graphql(`{ k { widgets { name } } }`)).body));
  let t = Date.now();
  const s = gw.stop(); await s; console.log('stop took', Date.now() - t);
  await db.drop();
});
