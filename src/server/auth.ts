import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthConfig } from '../config/index.js';
import type { Connection, SessionSettings } from '../connections/index.js';
import { API_KEY_PREFIX, createJwtVerifier, type ControlStore, type JwtClaims, type JwtVerifier } from '../control/index.js';
import { GatewayError } from '../errors/index.js';
import { isRole, type Identity, type Role } from '../auth/index.js';


const digest = (value: string) => createHash('sha256').update(value).digest();

export interface AuthenticatorOptions {
  auth: AuthConfig;
  /** Where API keys live; without it only the bootstrap admin key works. */
  control?: () => ControlStore | undefined;
  /** Identity for requests without credentials (the demo passes an admin). */
  anonymous: Identity | null;
}

/**
 * Turns a bearer token into an Identity: `sy_…` API keys (bootstrap admin key or stored ones),
 * otherwise a gateway JWT when one is configured. A token meant only for a database's RLS
 * (not verifiable here) leaves the caller anonymous; the database then checks it.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const { auth } = options;
  const anonymous: Identity = options.anonymous ?? { name: 'anonymous', role: auth.anonymousRole ?? null };
  const adminKey = auth.adminApiKey ? digest(auth.adminApiKey) : undefined;
  const jwt: JwtVerifier | undefined =
    auth.jwtSecret || auth.jwksUrl
      ? createJwtVerifier({ secret: auth.jwtSecret, jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience, maxTokenAgeSeconds: auth.maxTokenAgeSeconds })
      : undefined;

  return async (token: string | undefined): Promise<Identity> => {
    if (!token) return anonymous;
    if (token.startsWith(API_KEY_PREFIX)) {
      // SECURITY: compare digests in constant time; the key itself is never logged or echoed.
      if (adminKey && timingSafeEqual(digest(token), adminKey)) return { name: 'admin-key', role: 'admin' };
      const grant = await options.control?.()?.verifyApiKey(token);
      if (!grant) throw new GatewayError('UNAUTHENTICATED', 'unknown or revoked API key', { hint: 'ask an admin for a key (createApiKey)' });
      return { name: grant.label, role: grant.role, databases: grant.databases ?? undefined, keyId: grant.id };
    }
    if (!jwt) return anonymous;
    const claims = await jwt.verify(token);
    return {
      name: String(claims.sub ?? 'jwt'),
      role: roleOf(claims, auth.roleClaim),
      databases: databasesOf(claims, auth.databasesClaim),
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    };
  };
}

function badClaim(message: string, hint: string): GatewayError {
  return new GatewayError('UNAUTHENTICATED', `[jwt] ${message}`, { hint });
}

/** SECURITY: fail closed — a token without a known role gets none, never a default one. */
function roleOf(claims: JwtClaims, claim: string): Role {
  const role = claims[claim];
  const hint = `the token's issuer must set "${claim}" to admin, writer or reader`;
  if (role === undefined) throw badClaim(`token has no "${claim}" claim`, hint);
  if (typeof role !== 'string' || !isRole(role)) throw badClaim(`token claim "${claim}" is not admin, writer or reader`, hint);
  return role as Role;
}

/** Absent: every database. SECURITY: anything but a list of names is refused, not read as "all". */
function databasesOf(claims: JwtClaims, claim: string): string[] | undefined {
  if (!(claim in claims)) return undefined;
  const databases = claims[claim];
  if (!Array.isArray(databases) || !databases.every((d) => typeof d === 'string')) {
    throw badClaim(`token claim "${claim}" is not a list of database names`, `write it as a JSON array, e.g. ["app"], or leave it out for every database`);
  }
  return databases;
}

/**
 * Row Level Security pass-through (the PostgREST / Supabase model): for a database with `rls`,
 * a verified JWT's role claim becomes SET LOCAL ROLE and its claims request.jwt.claims;
 * without a token the default role applies. A bad or expired token is UNAUTHENTICATED.
 */
export function createRlsSessions() {
  // Keyed by the connection object: updateDatabase replaces it, so a rotated secret takes effect at once.
  const verifiers = new WeakMap<Connection, JwtVerifier>();
  return async (connection: Connection, token: string | undefined): Promise<SessionSettings | undefined> => {
    const rls = connection.config.rls;
    if (!rls) return undefined;
    if (!token || token.startsWith(API_KEY_PREFIX)) return { role: rls.defaultRole, claims: { role: rls.defaultRole } };
    let verifier = verifiers.get(connection);
    if (!verifier) verifiers.set(connection, (verifier = createJwtVerifier({ secret: rls.jwtSecret, jwksUrl: rls.jwksUrl })));
    const claims = await verifier.verify(token);
    const role = typeof claims[rls.roleClaim] === 'string' ? (claims[rls.roleClaim] as string) : rls.defaultRole;
    // SECURITY: a signed token must not become any role it names (e.g. a superuser): only listed roles are taken.
    if (rls.allowedRoles && role !== rls.defaultRole && !rls.allowedRoles.includes(role)) {
      throw new GatewayError('FORBIDDEN', `[${connection.name}] the token's role "${role}" is not one of rls.allowedRoles`, { database: connection.name });
    }
    return { role, claims };
  };
}
