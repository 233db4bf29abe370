import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { freePort } from '../../src/embedded/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { appliedNames, publicTables, sqlMigration, writeMigrations } from '../ops/ops-helpers.js';

// Issue #17 item 4: the `switchyard` command line (run here from the sources through tsx; the
// packed tarball runs the compiled one, see pack.test.ts).

const tsx = path.resolve('node_modules/.bin/tsx');
const bin = path.resolve('src/cli/bin.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real bin (tsx src/cli/bin.ts) in a child process. */
function spawnSwitchyard(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(tsx, [bin, ...args], { timeout: 30_000, env: { ...process.env, SWITCHYARD_CONFIG: '' } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : child.exitCode, stdout, stderr }),
    );
  });
}

/**
 * Runs `switchyard <args>` in this process (spawning tsx costs seconds a time on a busy machine),
 * capturing what it writes; the child-process path is covered by the --help test and pack.test.ts.
 */
async function switchyard(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const writeOut = stdout.write;
  const writeErr = stderr.write;
  stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof stdout.write;
  stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof stderr.write;
  try {
    const code = await runCli(args);
    return { code: code ?? null, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
  }
}

let db: TestDatabase;
let dir: string;
let config: string;

beforeAll(async () => {
  db = await createTestDatabase('cli');
  dir = await mkdtemp(path.join(tmpdir(), 'switchyard-cli-'));
  const migrationsDir = await writeMigrations({
    '001_things.sql': sqlMigration('CREATE TABLE things (id int PRIMARY KEY);', 'DROP TABLE things;'),
    '002_more.sql': sqlMigration('CREATE TABLE more_things (id int PRIMARY KEY);', 'DROP TABLE more_things;'),
  });
  config = path.join(dir, 'config.yaml');
  await writeFile(config, `databases:\n  - name: shop\n    url: "${db.url}"\n    migrationsDir: ${migrationsDir}\n`);
});

afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('switchyard (command line)', () => {
  it('--help lists the commands, and each command has its own --help', async () => {
    const top = await spawnSwitchyard('--help');
    expect(top.code).toBe(0);
    for (const command of ['start', 'migrate', 'print-schema', 'check-config']) {
      expect(top.stdout).toContain(`  ${command} `);
      const own = await switchyard(command, '--help');
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^usage: switchyard ${command}`));
    }
    const unknown = await spawnSwitchyard('launch');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "launch"');
  });

  it('check-config prints each database UP with its version, or DOWN with the error and a hint, never the password, and exits 1', async () => {
    const password = 'cli-Check-Secret';
    const closedPort = await freePort();
    const file = path.join(dir, 'check.yaml');
    await writeFile(file, `databases:\n  - name: shop\n    url: "${db.url}"\n  - name: gone\n    url: "postgres://u:${password}@127.0.0.1:${closedPort}/x"\n`);
    const run = await switchyard('check-config', '--config', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}: valid (2 databases, 0 relationships)`);
    expect(run.stdout).toMatch(/shop\s+UP\s+PostgreSQL \d+/);
    expect(run.stdout).toMatch(/gone\s+DOWN/);
    expect(run.stdout).toMatch(/error: \[connections:gone\] .*ECONNREFUSED/);
    expect(run.stdout).toMatch(/hint: nothing is listening on 127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('1 of 2 unreachable');
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  it('check-config of an invalid file names the key path at fault and exits 2', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, `databases:\n  - name: Bad-Name\n    url: postgres://u:p@localhost:1/x\n`);
    const run = await switchyard('check-config', '-c', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('databases[0].name');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('migrate --dry-run lists what would run and applies nothing; migrate applies it with bars at 100 %', async () => {
    const dry = await switchyard('migrate', '--config', config, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/MIGRATION_PLANNED shop/g)).toHaveLength(2);
    expect(await publicTables(db)).toEqual([]);

    const run = await switchyard('migrate', '--config', config);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#1 RUN_STARTED {2}databases=shop direction=up dryRun=false total=2\b/);
    expect(lines.filter((l) => /^#\d+ MIGRATION_APPLIED shop 00\d_/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /^#\d+ STATEMENT_FINISHED shop 00\d_\S+ {2}statement=1 statements=1 /.test(l))).toHaveLength(2);
    expect(run.stdout).toMatch(/^shop\s+\[#{30}\] 100% 2\/2$/m);
    expect(lines.at(-1)).toBe('run succeeded');
    expect(await appliedNames(db)).toEqual(['001_things', '002_more']);
  });

  it('migrate --down 1 --json prints the subscription’s events as JSON lines and reverts one migration', async () => {
    const run = await switchyard('migrate', '--config', config, '--down', '1', '--json');
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['RUN_STARTED', 'MIGRATION_STARTED', 'STATEMENT_STARTED', 'STATEMENT_FINISHED', 'MIGRATION_APPLIED', 'RUN_FINISHED']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[3]).toMatchObject({ database: 'shop', name: '002_more', statement: 1, statements: 1, firstLine: 'DROP TABLE more_things' });
    expect(events[0]).toMatchObject({ runId: expect.any(String), at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), direction: 'down' });
    expect(events[5]).toMatchObject({ status: 'SUCCEEDED', changedDatabases: ['shop'] });
    expect(await appliedNames(db)).toEqual(['001_things']);
  });

  it('migrate refuses an unknown database or a bad count before touching anything, naming the problem', async () => {
    const unknown = await switchyard('migrate', '--config', config, '--database', 'shopp');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no database named "shopp"');
    expect(unknown.stderr).toContain('it has: shop');
    const parallel = await switchyard('migrate', '--config', config, '--parallel', '0');
    expect(parallel.code).toBe(2);
    expect(parallel.stderr).toContain('--parallel must be a positive whole number, got "0"');
    const count = await switchyard('migrate', '--config', config, '--down', 'all');
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--down must be a positive whole number, got "all"');
    expect(await appliedNames(db)).toEqual(['001_things']);
  });
});
