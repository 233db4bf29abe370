import { EventEmitter } from 'node:events';
import { roleAtLeast } from '../auth/index.js';
import type { AuditEntry, ControlAnnouncement, ControlStore } from '../control/index.js';
import { GatewayError } from '../errors/index.js';
import type { AdminApi } from '../schema/index.js';

export interface KeysAdminDeps {
  control: () => ControlStore | undefined;
  audit: (entry: AuditEntry) => Promise<void>;
  /**
   * Emits `revoked` with a key's id when any instance revokes it (the gateway feeds it from the
   * control bus); one is created when absent.
   */
  revocations?: EventEmitter<{ revoked: [string] }>;
  /** Tells the other instances what changed (the control bus); absent with a single instance. */
  announce?: (change: ControlAnnouncement) => void;
}

type KeysAdmin = Pick<AdminApi, 'apiKeys' | 'createApiKey' | 'revokeApiKey' | 'onKeyRevoked' | 'apiKeyDatabases' | 'auditLog'>;

/** API keys and the audit log, in the control database. Callers are authorized before (src/auth's table). */
export function createKeysAdmin(deps: KeysAdminDeps): KeysAdmin {
  const { audit } = deps;
  const revocations = deps.revocations ?? new EventEmitter<{ revoked: [string] }>();
  revocations.setMaxListeners(0);
  return {
    createApiKey: async (input, actor) => {
      // SECURITY: a key never grants more than its creator holds: no higher role, no other databases.
      if (!actor.role || !roleAtLeast(actor.role, input.role)) {
        throw new GatewayError('FORBIDDEN', `a ${actor.role ?? 'anonymous'} caller cannot create a ${input.role} key`);
      }
      const databases = input.databases ? [...input.databases] : actor.databases ? [...actor.databases] : undefined;
      const created = await requireControl(deps).createApiKey({ label: input.label, role: input.role, databases });
      const summary = `${input.label} (${input.role}${databases ? ` on ${databases.join(', ')}` : ''})`;
      await audit({ actor: actor.name, action: 'CREATE_API_KEY', database: databases?.length === 1 ? databases[0] : undefined, summary, outcome: 'OK' });
      return { ...created, label: input.label, role: input.role, databases: databases ?? null };
    },
    revokeApiKey: async (id, actor) => {
      const revoked = await requireControl(deps).revokeApiKey(id);
      await audit({ actor: actor.name, action: 'REVOKE_API_KEY', summary: id, outcome: revoked ? 'OK' : 'FAILED' });
      if (revoked) {
        revocations.emit('revoked', id);
        deps.announce?.({ kind: 'key_revoked', id });
      }
      return revoked;
    },
    onKeyRevoked: (listener) => {
      revocations.on('revoked', listener);
      return () => void revocations.off('revoked', listener);
    },
    apiKeyDatabases: async (id) => {
      const key = await deps.control()?.getApiKey(id);
      return key ? (key.databases ?? null) : undefined;
    },
    apiKeys: async (scope) => {
      const keys = await requireControl(deps).listApiKeys();
      const { databases } = scope;
      return databases ? keys.filter((k) => k.databases && k.databases.every((d) => databases.includes(d))) : keys;
    },
    auditLog: (database, scope) => requireControl(deps).listAudit({ database, limit: scope.limit, within: scope.databases }),
  };
}

function requireControl(deps: KeysAdminDeps): ControlStore {
  const control = deps.control();
  if (!control) throw new GatewayError('BAD_USER_INPUT', 'no control database is configured', { hint: 'set control: { url } in the config' });
  return control;
}
