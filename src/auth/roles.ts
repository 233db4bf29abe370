/** The gateway's roles, strongest first. The one declaration of the role vocabulary. */
export const ROLES = ['admin', 'writer', 'reader'] as const;

/** admin > writer > reader: a role may do everything the roles below it may. */
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { reader: 1, writer: 2, admin: 3 };

/** True when `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `held` is at least `needed`. */
export function roleAtLeast(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}

/** Who is asking: set by the server's auth step, read by the authorization wrapper. */
export interface Identity {
  /** "anonymous", an API key's label, or a JWT subject. */
  name: string;
  /** null for anonymous requests without any grant. */
  role: Role | null;
  /** When set, only these databases may be touched. */
  databases?: readonly string[];
  /** The stored API key this identity comes from (its revocation ends the identity's subscriptions). */
  keyId?: string;
  /** When the identity's JWT expires (ms since the epoch). */
  expiresAt?: number;
}

/** True when `identity` may touch `database` (no database limit, or the database is listed). */
export function grantsDatabase(identity: Identity, database: string): boolean {
  return !identity.databases || identity.databases.includes(database);
}

/** True when `identity` has no database limit. */
export function unrestricted(identity: Identity): boolean {
  return !identity.databases;
}
