import { parseConfig } from '../src/config/index.js';
import { freePort } from '../src/embedded/index.js';
import { createGateway } from '../src/server/index.js';
import { SCENARIOS } from './scenarios.js';
const urls = JSON.parse(process.argv[2]);
const config = parseConfig({ port: await freePort(), logLevel: 'error', probeIntervalMs: 60000, databases: Object.entries(urls).map(([name, url]) => ({ name, url })), relationships: [{ name: 'project', type: 'object', from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] }, to: { database: 'app', table: 'projects', columns: ['id'] } }, { name: 'directives', type: 'array', from: { database: 'app', table: 'projects', columns: ['id'] }, to: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] } }] }, {});
const g = createGateway(config, { anonymous: { name: 'b', role: 'admin' } });
await g.start();
const docs = [...SCENARIOS.map((s) => s.query), ...process.argv.slice(3)];
for (const q of docs) {
  for (const accept of [undefined, 'application/graphql-response+json, application/json']) {
    const headers: Record<string,string> = { 'content-type': 'application/json' };
    if (accept) headers.accept = accept;
    const r = await fetch(g.url + '/graphql', { method: 'POST', headers, body: JSON.stringify({ query: q }) });
    const t = await r.text();
    console.log(r.status, r.headers.get('content-type'), t.slice(0, 200));
  }
}
console.log(g.fastPath);
await g.stop();
