// `tsx src/main.ts [--config f] [--port n]` in development: the same as `switchyard start`.
import { runBin } from './cli/run-bin.js';

runBin(['start', ...process.argv.slice(2)]);
