import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/index.js';

const yamlBlocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
const env = {
  ENGINEER_DB_PASSWORD: 'pw1',
  ANALYTICS_PASSWORD: 'pw2',
  APP_DB_PASSWORD: 'pw3',
  CONTROL_DB_PASSWORD: 'pw4',
  SWITCHYARD_ADMIN_KEY: 'sy_0123456789abcdefghijklmnopqrstuvwxyz',
  SWITCHYARD_JWT_SECRET: 'a-jwt-secret-of-32-characters!!!',
};

describe('the README', () => {
  it('has a full config example that validates, with ${ENV} secrets expanded', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(2);
    const config = parseConfig(parseYaml(yamlBlocks[0]), env);
    expect(config.databases.map((d) => d.name)).toEqual(['engineer', 'analytics', 'app']);
    expect(config.databases[0].password).toBe('pw1');
    expect(config.databases[2]).toMatchObject({ user: 'postgres.abcd1234', port: 5432, ssl: 'on', mode: 'session' });
    expect(config.relationships[0].name).toBe('project');
  });

  it('has an access-control example that validates', () => {
    const config = parseConfig({ ...parseYaml(yamlBlocks.find((b) => b.startsWith('control:'))!), databases: [] }, env);
    expect(config.auth).toMatchObject({ anonymousRole: 'reader', adminApiKey: env.SWITCHYARD_ADMIN_KEY });
    expect(config.control?.url).toContain('pw4');
  });

  it('has a live query example that validates, with a per-database interval', () => {
    const config = parseConfig(parseYaml(yamlBlocks.find((b) => b.startsWith('live:'))!), { ...env, SHOP_DB_PASSWORD: 'pw5' });
    expect(config.live).toEqual({ intervalMs: 1000, batchSize: 1000, maxPerConnection: 100, maxTotal: 10000 });
    expect(config.databases[0].live).toEqual({ intervalMs: 250, batchSize: 500, notify: true });
  });
});
