import { createHash, randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../auth/index.js';
import { DATABASE_NAME } from '../config/index.js';
import { GatewayError } from '../errors/index.js';

/** What an API key may do; the same ladder as request identities. */
export type ApiKeyRole = Role;

export const API_KEY_ROLES: readonly ApiKeyRole[] = ROLES;

/** Every key starts with this, so a leaked key is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'sy_';

/** What {@link ControlStore.createApiKey} takes. */
export interface CreateApiKeyInput {
  /** Shown in listings and used as the request identity's name. */
  label: string;
  role: ApiKeyRole;
  /** Databases the key may touch; omitted means all. */
  databases?: string[];
}

/** What a valid key grants (no secret material). */
export interface ApiKeyGrant {
  id: string;
  label: string;
  role: ApiKeyRole;
  /** Only these databases; undefined means all. */
  databases?: string[];
}

/** One key as listed for admins: never the key or its hash. */
export interface ApiKeyInfo extends ApiKeyGrant {
  createdAt: Date;
  revokedAt: Date | null;
}

/** A fresh key: `sy_` + 32 random bytes in base64url. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SECURITY: only this digest is stored. A plain sha256 suffices (no salt or slow hash) because
 * the key is 256 random bits, not a guessable password, and it lets the lookup go by hash.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Checks the input of a new key; throws GatewayError BAD_USER_INPUT naming the field at fault. */
export function validateApiKeyInput(input: CreateApiKeyInput): { label: string; role: ApiKeyRole; databases: string[] | null } {
  const label = typeof input.label === 'string' ? input.label.trim() : '';
  if (!label || label.length > 200) throw badInput('label must be 1 to 200 characters');
  if (!API_KEY_ROLES.includes(input.role)) throw badInput(`role must be one of ${API_KEY_ROLES.join(', ')}`);
  const databases = input.databases ?? null;
  const bad = databases?.find((d) => typeof d !== 'string' || !DATABASE_NAME.test(d));
  if (bad !== undefined) throw badInput(`databases: "${String(bad)}" is not a database name`);
  return { label, role: input.role, databases: databases ? [...new Set(databases)] : null };
}

function badInput(message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', `[control:api-keys] ${message}`);
}

/** True when `value` is shaped like a key this module issued (cheap rejection before any query). */
export function looksLikeApiKey(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(API_KEY_PREFIX) && value.length <= 100;
}
