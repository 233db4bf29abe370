import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

describe('limits config', () => {
  it('has bounded defaults: 50,000 rows per operation, 1 MB bodies, nesting 64, 1,000 cached documents, 30 s statements', () => {
    const config = parseConfig({ databases: [{ name: 'a', url: 'postgres://u:p@h/a' }] }, {});
    expect(config.limits).toEqual({ defaultLimit: 100, maxLimit: 1000, maxRows: 50_000, maxBodyBytes: 1_048_576, maxDepth: 10, maxAliases: 30, maxTokens: 5000, maxNesting: 64, documentCache: { maxDocuments: 1000, maxBytes: 4_194_304 } });
    expect(config.allowGet).toBe(true);
    expect(config.databases[0]).toMatchObject({ statementTimeoutMs: 30_000, ddlStatementTimeoutMs: 300_000, migrationStatementTimeoutMs: 1_800_000 });
  });

  it('maxCost is refused with a hint naming maxRows, so nobody relies on a limit that no longer holds', () => {
    expect(() => parseConfig({ limits: { maxCost: 20000 } }, {})).toThrow(ConfigError);
    expect(() => parseConfig({ limits: { maxCost: 20000 } }, {})).toThrow(/limits\.maxCost: maxCost was removed: the row budget limits\.maxRows .* delete maxCost/);
  });

  it('through a transaction-mode pooler the statement timeout is sent only when set', () => {
    const config = parseConfig({ databases: [
      { name: 'a', url: 'postgres://u:p@h:6543/a' },
      { name: 'b', url: 'postgres://u:p@h:6543/b', statementTimeoutMs: 5000 },
    ] }, {});
    expect(config.databases.map((d) => [d.mode, d.statementTimeoutMs])).toEqual([['transaction', 0], ['transaction', 5000]]);
  });

  it('a zero statement timeout turns it off; a negative one is refused naming the key', () => {
    const config = parseConfig({ databases: [{ name: 'a', url: 'postgres://u:p@h/a', statementTimeoutMs: 0 }] }, {});
    expect(config.databases[0].statementTimeoutMs).toBe(0);
    expect(() => parseConfig({ databases: [{ name: 'a', url: 'postgres://u:p@h/a', ddlStatementTimeoutMs: -1 }] }, {})).toThrow(/databases\[0\]\.ddlStatementTimeoutMs/);
  });
});
