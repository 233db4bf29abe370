import { spawn } from 'node:child_process';
import { existsSync, type Stats } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedCluster } from '../../src/embedded/index.js';
import { firstBlockedFolder } from '../../src/embedded/postgres-access.js';

const POSTGRES = { uid: 999, gid: 999 };

/** A fake file system: folder → [owner uid, group gid, mode]. */
function fakeStat(tree: Record<string, [number, number, number]>) {
  return (p: string) => (tree[p] ? ({ uid: tree[p][0], gid: tree[p][1], mode: 0o40000 | tree[p][2] } as Stats) : undefined);
}

describe('which folder the postgres user cannot enter', () => {
  const base = { '/': [0, 0, 0o755], '/srv': [0, 0, 0o755] } as Record<string, [number, number, number]>;

  it('a root-owned 0700 folder (like /root) blocks the postgres user', () => {
    const stat = fakeStat({ ...base, '/root': [0, 0, 0o700], '/root/app': [0, 0, 0o755] });
    expect(firstBlockedFolder('/root/app/.switchyard/pg', POSTGRES, stat)).toBe('/root');
  });

  it('search permission for others (0711) is enough, and so is the group bit for the postgres group', () => {
    expect(firstBlockedFolder('/root/app/x', POSTGRES, fakeStat({ ...base, '/root': [0, 0, 0o711], '/root/app': [0, 0, 0o755] }))).toBeUndefined();
    expect(firstBlockedFolder('/srv/db/x', POSTGRES, fakeStat({ ...base, '/srv/db': [0, 999, 0o750] }))).toBeUndefined();
    expect(firstBlockedFolder('/srv/db/x', POSTGRES, fakeStat({ ...base, '/srv/db': [999, 0, 0o700] }))).toBeUndefined();
  });

  it('the owner bit counts for the owner only: a folder postgres owns without x blocks it', () => {
    expect(firstBlockedFolder('/srv/db/x', POSTGRES, fakeStat({ ...base, '/srv/db': [999, 999, 0o611] }))).toBe('/srv/db');
  });

  it('when no postgres user exists yet, only the bits for others count', () => {
    expect(firstBlockedFolder('/srv/db/x', { uid: -1, gid: -1 }, fakeStat({ ...base, '/srv/db': [0, 0, 0o750] }))).toBe('/srv/db');
  });

  it('folders that do not exist yet end the walk (root creates them traversable)', () => {
    expect(firstBlockedFolder('/srv/new/deeper/pg', POSTGRES, fakeStat(base))).toBeUndefined();
  });
});

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('starting as root below a folder the postgres user cannot enter', () => {
  let locked: string;

  beforeAll(async () => {
    // mkdtemp makes the folder 0700, owned by root: the situation of a clone under /root.
    locked = await mkdtemp(path.join(tmpdir(), 'switchyard-locked-'));
  });
  afterAll(() => rm(locked, { recursive: true, force: true }));

  it('startEmbeddedCluster fails with one line naming the folder and what to do, and creates nothing', async () => {
    const dataDir = path.join(locked, '.switchyard', 'pg');
    const error = await startEmbeddedCluster({ dataDir, password: 'pw', persistent: false }).then(
      () => {
        throw new Error('expected the start to fail');
      },
      (e: Error) => e,
    );
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(`cannot enter ${locked} (mode 700)`);
    expect(error.message).toMatch(/non-root user/);
    expect(error.message).toContain(`chmod o+x ${locked}`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('npm start from such a folder prints one line without a stack trace and exits 1', async () => {
    const main = path.resolve('src/main.ts');
    const tsx = path.resolve('node_modules/.bin/tsx');
    // NOTE: a free port, so a start that wrongly succeeded could not collide with a demo on 4000.
    const port = await freePort();
    const child = spawn(tsx, [main], { cwd: locked, env: { ...process.env, PORT: String(port), SWITCHYARD_CONFIG: '' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^switchyard: \[embedded\] running as root, so PostgreSQL runs as user "postgres", which cannot enter /);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 70_000);
});
