import { parseConfig } from '../src/config/index.js';
import { createGateway } from '../src/server/index.js';

/**
 * The gateway under test in its own process, so its CPU time and RSS are its own (the bench
 * process also holds the baseline and the load generator). Reads its config from
 * BENCH_GATEWAY_CONFIG (JSON), prints `LISTENING <url>` once it serves, stops on SIGTERM.
 */
const config = parseConfig(JSON.parse(process.env.BENCH_GATEWAY_CONFIG ?? '{}'), {});
const gateway = createGateway(config, { anonymous: { name: 'bench', role: 'admin' } });
await gateway.start();
console.log(`LISTENING ${gateway.url}`);
process.once('SIGTERM', () => {
  void gateway.stop().then(() => process.exit(0));
});
