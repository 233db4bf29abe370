import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';

describe('live configuration', () => {
  it('defaults to a 1 s interval, batches of 1000, 100 live queries per connection and 10,000 in all', () => {
    expect(parseConfig({}, {}).live).toEqual({ intervalMs: 1000, batchSize: 1000, maxPerConnection: 100, maxTotal: 10000 });
  });

  it('refuses an interval below 20 ms or an unknown key, naming the key path', () => {
    expect(() => parseConfig({ live: { intervalMs: 5 } }, {})).toThrow(/live\.intervalMs/);
    expect(() => parseConfig({ live: { interval: 100 } }, {})).toThrow(/live/);
    expect(() => parseConfig({ databases: [{ name: 'a', url: 'postgres://u:p@h/d', live: { maxTotal: 3 } }] }, {})).toThrow(/databases\[0\]\.live/);
  });
});
