#!/usr/bin/env node
// The `switchyard` executable (package.json "bin"; compiled to dist/cli/bin.js).
import { runBin } from './run-bin.js';

runBin(process.argv.slice(2));
