import type { AdminApi } from '../schema/index.js';
import { createKeysAdmin, type KeysAdminDeps } from './keys-admin.js';
import { createOpsAdmin, type OpsAdminDeps } from './ops-admin.js';
import { createRegistryAdmin, type RegistryAdminDeps } from './registry-admin.js';

export type AdminDeps = OpsAdminDeps & Omit<RegistryAdminDeps, 'schemas' | 'registry' | 'audit' | 'announce'> & Pick<KeysAdminDeps, 'revocations'>;

/**
 * The typed operations behind the admin fields: status, DDL and migrations (ops), registration and
 * relationships (registry), API keys and the audit log (keys). They decide nothing about access: the
 * authorization wrapper has checked the caller against src/auth's table before any is called.
 */
export function createAdminApi(deps: AdminDeps): AdminApi {
  const ops = createOpsAdmin(deps);
  const registry = createRegistryAdmin(deps);
  const keys = createKeysAdmin(deps);
  return { ...ops, ...registry, ...keys };
}
