import { startBenchCluster } from './bench-cluster.js';
const c = await startBenchCluster(console.log);
console.log('URLS', JSON.stringify(c.urls));
process.on('SIGTERM', async () => { await c.stop(); process.exit(0); });
setInterval(() => {}, 1 << 30);
