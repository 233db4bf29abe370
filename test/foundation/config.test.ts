import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseCliArgs, parseConfig, supabasePoolerEndpoint } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'switchyard-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The ConfigError `fn` throws (fails the test when it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const db = (entry: Record<string, unknown>) => ({ databases: [{ name: 'app', url: 'postgres://u:p@localhost:5432/app', ...entry }] });

describe('config files', () => {
  it('a YAML file expands ${VAR} and ${VAR:-default} in every string', async () => {
    const file = await writeTemp(
      'ok.yaml',
      [
        'port: 4100',
        'databases:',
        '  - name: app',
        '    purpose: ${PURPOSE:-orders and invoices}',
        '    url: postgres://app:${APP_PASSWORD}@${APP_HOST:-localhost}:5433/appdb',
        '    pool: { max: 4 }',
      ].join('\n'),
    );
    const config = loadConfigFile(file, { APP_PASSWORD: 'pw-from-env', APP_HOST: 'db.internal' });
    expect(config.port).toBe(4100);
    expect(config.databases).toHaveLength(1);
    expect(config.databases[0]).toMatchObject({
      name: 'app',
      purpose: 'orders and invoices',
      host: 'db.internal',
      port: 5433,
      user: 'app',
      password: 'pw-from-env',
      database: 'appdb',
      mode: 'session',
      ssl: 'off',
      pool: { max: 4, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 },
    });
  });

  it('a JSON file is read as JSON, with the same expansion and defaults', async () => {
    const file = await writeTemp(
      'ok.json',
      JSON.stringify({ databases: [{ name: 'warehouse', host: '${WH_HOST}', user: 'wh', password: '${WH_PW:-fallback}', database: 'wh' }] }),
    );
    const config = loadConfigFile(file, { WH_HOST: '10.0.0.7' });
    expect(config.port).toBe(4000);
    expect(config.databases[0]).toMatchObject({ name: 'warehouse', host: '10.0.0.7', port: 5432, user: 'wh', password: 'fallback', schemas: ['public'] });
  });

  it('a missing environment variable is named with the key path that uses it', () => {
    const error = configError(() => parseConfig({ databases: [{ name: 'app', url: 'postgres://u:${DB_PW}@h/app' }] }, {}));
    expect(error.message).toContain('databases[0].url');
    expect(error.message).toContain('DB_PW');
  });

  it('a file that is not valid YAML is a ConfigError naming the file', async () => {
    const file = await writeTemp('broken.yaml', 'databases: [ { name: app\n');
    expect(configError(() => loadConfigFile(file, {})).message).toContain(file);
  });
});

describe('validation names the key path at fault', () => {
  it('a database name that is not a GraphQL field name', () => {
    expect(configError(() => parseConfig(db({ name: 'Bad-Name' }), {})).message).toMatch(/databases\[0\]\.name: a database name starts with/);
  });

  it('a pool size out of range', () => {
    expect(configError(() => parseConfig(db({ pool: { max: 0 } }), {})).message).toContain('databases[0].pool.max');
  });

  it('an unknown pool option', () => {
    expect(configError(() => parseConfig(db({ pool: { maxx: 3 } }), {})).message).toMatch(/databases\[0\]\.pool: .*maxx/);
  });

  it('an entry with none of url, host or supabase', () => {
    const error = configError(() => parseConfig({ databases: [{ name: 'app', purpose: 'x' }] }, {}));
    expect(error.message).toContain('databases[0]: give exactly one of url, host');
  });

  it('an entry with both url and host', () => {
    expect(configError(() => parseConfig(db({ host: 'h', user: 'u', database: 'd' }), {})).message).toContain('databases[0]: give exactly one of');
  });

  it('host without user and database', () => {
    const error = configError(() => parseConfig({ databases: [{ name: 'app', host: 'localhost' }] }, {}));
    expect(error.message).toContain('databases[0]: host needs user and database');
  });

  it('two databases with the same name: the second is at fault', () => {
    const doc = { databases: [{ name: 'app', url: 'postgres://h/a' }, { name: 'app', url: 'postgres://h/b' }] };
    expect(configError(() => parseConfig(doc, {})).message).toContain('databases[1].name: duplicate database name "app"');
  });

  it('every offending path is listed, not only the first', () => {
    const doc = { port: 0, databases: [{ name: '1x', url: 'postgres://h/a', pool: { max: -1 } }] };
    const message = configError(() => parseConfig(doc, {})).message;
    expect(message).toContain('port:');
    expect(message).toContain('databases[0].name:');
    expect(message).toContain('databases[0].pool.max:');
  });
});

describe('connection modes and the Supabase shorthand', () => {
  const supabase = (mode?: 'session' | 'transaction') => ({
    databases: [{ name: 'sb', supabase: { projectRef: 'abcd1234efgh', region: 'eu-west-2', password: 'sb-secret', ...(mode ? { mode } : {}) } }],
  });

  it('session mode (the default) goes to the pooler on 5432 as postgres.<ref>, with TLS', () => {
    const [d] = parseConfig(supabase(), {}).databases;
    expect(d).toMatchObject({
      host: 'aws-0-eu-west-2.pooler.supabase.com',
      port: 5432,
      user: 'postgres.abcd1234efgh',
      password: 'sb-secret',
      database: 'postgres',
      ssl: 'on',
      mode: 'session',
    });
  });

  it('transaction mode goes to port 6543 and is marked transaction', () => {
    const [d] = parseConfig(supabase('transaction'), {}).databases;
    expect(d).toMatchObject({ port: 6543, user: 'postgres.abcd1234efgh', ssl: 'on', mode: 'transaction' });
  });

  it('supabasePoolerEndpoint honours a host override', () => {
    const e = supabasePoolerEndpoint({ projectRef: 'ref1', region: 'us-east-1', password: 'x', mode: 'session', host: 'pooler.example', database: 'postgres' });
    expect(e).toEqual({ host: 'pooler.example', port: 5432, user: 'postgres.ref1', password: 'x', database: 'postgres' });
  });

  it('a url on port 6543 defaults to transaction mode; an explicit mode wins', () => {
    const url = 'postgres://postgres.ref:pw@aws-0-us-east-1.pooler.supabase.com:6543/postgres';
    expect(parseConfig(db({ url }), {}).databases[0].mode).toBe('transaction');
    expect(parseConfig(db({ url, mode: 'session' }), {}).databases[0].mode).toBe('session');
    expect(parseConfig(db({ url: url.replace(':6543', ':5432') }), {}).databases[0].mode).toBe('session');
  });

  it('sslmode=require in the url turns TLS on', () => {
    expect(parseConfig(db({ url: 'postgres://u:p@h:5432/d?sslmode=require' }), {}).databases[0].ssl).toBe('on');
  });
});

describe('secrets in config errors', () => {
  const password = 'Sup3r-Secret-Pw';

  it('a malformed url with a password is reported without the password', () => {
    const error = configError(() => parseConfig(db({ url: `postgres://admin:${password}@db.example:notaport/app` }), {}));
    expect(error.message).toContain('databases[0].url');
    expect(error.message).not.toContain(password);
  });

  it('a url with the wrong scheme is reported without the password', () => {
    const error = configError(() => parseConfig(db({ url: `mysql://admin:${password}@db.example/app` }), {}));
    expect(error.message).toContain('databases[0].url: must start with postgres://');
    expect(error.message).not.toContain(password);
  });

  it('a validation error elsewhere in an entry does not echo its url', () => {
    const error = configError(() => parseConfig(db({ url: `postgres://admin:${password}@db.example/app`, ssl: 'maybe' }), {}));
    expect(error.message).toContain('databases[0].ssl');
    expect(error.message).not.toContain(password);
  });
});

describe('command line', () => {
  it('--config and --port override SWITCHYARD_CONFIG and PORT; a bad port is rejected', () => {
    expect(parseCliArgs(['--config', 'a.yaml', '--port=5000'], { SWITCHYARD_CONFIG: 'b.yaml', PORT: '6000' })).toEqual({ configPath: 'a.yaml', port: 5000 });
    expect(parseCliArgs([], { SWITCHYARD_CONFIG: 'b.yaml', PORT: '6000' })).toEqual({ configPath: 'b.yaml', port: 6000 });
    expect(() => parseCliArgs(['--port', 'http'], {})).toThrow(/--port/);
  });

  it('a bad config file exits non-zero and names the key path on stderr, without a stack trace or the password', async () => {
    const password = 'cli-Secret-Pw';
    const file = await writeTemp('bad.yaml', `databases:\n  - name: Bad-Name\n    url: postgres://u:${password}@localhost:1/x\n`);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      // NOTE: the project's own tsx binary, as `npx tsx` would pick, without npm's start-up time.
      const tsx = path.resolve('node_modules/.bin/tsx');
      const child = execFile(tsx, ['src/main.ts', '--config', file], { timeout: 20_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : child.exitCode, stderr }),
      );
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('switchyard: invalid config:');
    expect(result.stderr).toContain('databases[0].name:');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain(password);
  });
});
