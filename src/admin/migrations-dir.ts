import { realpathSync } from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../errors/index.js';

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // NOTE: a directory that does not exist yet is judged by its resolved path; migrations then find nothing there.
    return path.resolve(p);
  }
}

/**
 * SECURITY: node-pg-migrate imports (runs) code from a migrations directory, so one given
 * through the API must lie under the configured `migrationsRoot`, after symlinks are followed.
 * Without a root, the API may not set migrationsDir at all.
 */
/** Returns the directory as an absolute path (what is stored and used). */
export function checkMigrationsDir(database: string, dir: string, root: string | undefined): string {
  if (!root) {
    throw new GatewayError('BAD_USER_INPUT', `[registry:${database}] migrationsDir cannot be set through the API: no migrationsRoot is configured`, {
      database,
      hint: 'set migrationsRoot in the config file, or leave migrationsDir out',
    });
  }
  const base = real(root);
  const target = real(path.resolve(base, dir));
  const relative = path.relative(base, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new GatewayError('BAD_USER_INPUT', `[registry:${database}] migrationsDir must lie under migrationsRoot`, {
      database,
      hint: `give a directory inside ${root}, e.g. "${database}"`,
    });
  }
  return target;
}
