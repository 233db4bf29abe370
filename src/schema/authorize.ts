import { GatewayError } from '../errors/index.js';
import type { GatewayContext, Role } from './context.js';

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

/**
 * Throws unless the request's identity has at least `role` (admin > writer > reader)
 * and, when its grant is limited to some databases, `database` is one of them.
 */
export function authorize(ctx: GatewayContext, role: Role, database?: string): void {
  const { identity } = ctx;
  if (!identity.role) {
    throw new GatewayError('UNAUTHENTICATED', 'this request has no credentials', {
      hint: 'send Authorization: Bearer <API key or JWT>',
    });
  }
  if (RANK[identity.role] < RANK[role]) {
    throw new GatewayError('FORBIDDEN', `role ${identity.role} may not do this; it needs ${role}`, { database });
  }
  if (database && identity.databases && !identity.databases.includes(database)) {
    throw new GatewayError('FORBIDDEN', `no grant on database "${database}"`, { database });
  }
}
