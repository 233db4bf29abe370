import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/embedded/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { waitFor } from '../helpers/gateway.js';

// Issue #17 item 4: `npm pack` makes a tarball that installs into an empty folder and runs
// compiled JavaScript (no TypeScript loader is installed there). Packing builds (prepack) and
// installing resolves the dependencies from the npm cache: 30 s alone, 40–60 s inside the full suite
// on a busy machine. It runs in `npm test` (and so in CI); SWITCHYARD_PACK_TEST=0 skips it, saying so.

const enabled = process.env.SWITCHYARD_PACK_TEST !== '0';
if (!enabled) process.stderr.write('\n*** PACK TEST SKIPPED (SWITCHYARD_PACK_TEST=0): npm pack + install into an empty folder, ~30-60 s ***\n\n');

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, env: { ...process.env, SWITCHYARD_CONFIG: '', npm_config_loglevel: 'error' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!enabled)('the npm tarball', () => {
  let dir: string;
  let app: string;
  let db: TestDatabase;
  let tarball: string;
  const bin = () => path.join(app, 'node_modules/.bin/switchyard');

  beforeAll(async () => {
    [dir, db] = await Promise.all([mkdtemp(path.join(tmpdir(), 'switchyard-pack-')), createTestDatabase('pack')]);
    await db.sql('CREATE TABLE parcels (id int PRIMARY KEY)');
    const packed = await run('npm', ['pack', '--pack-destination', dir, '--json'], process.cwd());
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    tarball = path.join(dir, info.filename);
    app = path.join(dir, 'app');
    await run('mkdir', ['-p', app], dir);
    await writeFile(path.join(app, 'package.json'), '{ "name": "empty", "private": true }\n');
    const installed = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], app);
    expect(installed.code, installed.stderr).toBe(0);
    await writeFile(path.join(dir, 'config.yaml'), `auth:\n  anonymousRole: reader\ndatabases:\n  - name: shop\n    url: "${db.url}"\n`);
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs into an empty folder, where switchyard --help and check-config run from compiled JavaScript without a TypeScript loader', async () => {
    const pkg = path.join(app, 'node_modules/switchyard');
    expect(existsSync(path.join(pkg, 'dist/cli/bin.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'dist/console/assets/index.html'))).toBe(true);
    expect(existsSync(path.join(pkg, 'migrations/control'))).toBe(true);
    expect(existsSync(path.join(pkg, 'src'))).toBe(false);
    expect((await readdir(path.join(app, 'node_modules'))).filter((d) => ['tsx', 'typescript', 'vitest'].includes(d))).toEqual([]);

    const help = await run(bin(), ['--help'], app, 30_000);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('check-config');
    const check = await run(bin(), ['check-config', '--config', path.join(dir, 'config.yaml')], app, 30_000);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/shop\s+UP\s+PostgreSQL/);

    // The production start: compiled code serving GraphQL, /health and the console.
    const port = await freePort();
    const child = spawn(bin(), ['start', '--config', path.join(dir, 'config.yaml'), '--port', String(port)], { cwd: app, env: { ...process.env, SWITCHYARD_CONFIG: '' } });
    try {
      const health = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status, 20_000, 200);
      expect(health).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(await page.text()).toContain('<title>Switchyard console</title>');
      const gql = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ shop { parcels { id } } }"}' });
      expect(await gql.json()).toEqual({ data: { shop: { parcels: [] } } });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 120_000);
});
