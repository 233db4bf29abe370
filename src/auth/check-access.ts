import { GatewayError } from '../errors/index.js';
import type { AccessLookup, AccessRule, DatabaseScope, FieldArgs } from './access-table.js';
import { grantsDatabase, roleAtLeast, unrestricted, type Identity, type Role } from './roles.js';

/**
 * Throws UNAUTHENTICATED for a caller without any role, FORBIDDEN when its role is below `role`
 * or `database` is outside its grant.
 */
export function requireRole(identity: Identity, role: Role, database?: string): void {
  if (!identity.role) {
    throw new GatewayError('UNAUTHENTICATED', 'this request has no credentials', { hint: 'send Authorization: Bearer <API key or JWT>' });
  }
  if (!roleAtLeast(identity.role, role)) {
    throw new GatewayError('FORBIDDEN', `role ${identity.role} may not do this; it needs ${role}`, { database });
  }
  if (database && !grantsDatabase(identity, database)) {
    throw new GatewayError('FORBIDDEN', `no grant on database "${database}"`, { database, hint: 'ask an admin for a key or token that lists this database' });
  }
}

function checkScope(identity: Identity, role: Role, scope: DatabaseScope): void {
  if (scope === 'every') {
    if (!unrestricted(identity)) {
      throw new GatewayError('FORBIDDEN', 'this operation reaches every database; a grant limited to some databases may not do it', {
        hint: 'an admin without a database limit can',
      });
    }
    return;
  }
  for (const database of scope) requireRole(identity, role, database);
}

/**
 * Applies one rule of the authorization table. Synchronous (returns undefined) when the rule
 * needs no lookup, so the hot path (namespace and relationship fields) allocates no promise.
 */
export function checkAccess(rule: AccessRule, identity: Identity, args: FieldArgs, lookup: AccessLookup): Promise<void> | undefined {
  requireRole(identity, rule.role);
  if (!rule.databases) return undefined;
  const scope = rule.databases(args, lookup);
  if (scope instanceof Promise) return scope.then((s) => checkScope(identity, rule.role, s));
  checkScope(identity, rule.role, scope);
  return undefined;
}

/**
 * The databases a caller means when it names none: its own grant, or every registered one
 * for an unrestricted caller.
 */
export function callerDatabases(identity: Identity, registered: readonly string[]): string[] {
  return registered.filter((d) => grantsDatabase(identity, d));
}
