import { it } from 'vitest';
import { run } from './zz-yoga.js';
it('dual', async () => { console.log('vitest:', await run()); });
