import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { GatewayError } from '../errors/index.js';

/** Claims of a verified token. */
export type JwtClaims = JWTPayload;

/** Where verification keys come from and which claims must match. */
export interface JwtVerifierOptions {
  /** HS256 shared secret (Supabase: the project's JWT secret). */
  secret?: string;
  /** JWKS endpoint for asymmetric tokens (RS256, ES256, EdDSA…); keys are fetched and cached by jose. */
  jwksUrl?: string;
  /** Required `iss`, when set. */
  issuer?: string | string[];
  /** Required `aud`, when set. */
  audience?: string | string[];
  /** Leeway for `exp` / `nbf` in seconds (default 0). */
  clockToleranceSeconds?: number;
  /**
   * Longest a token may live, in seconds: refused when it expires further ahead than this, or (with
   * `iat`) was issued longer ago. Unset: no bound beyond `exp` itself.
   */
  maxTokenAgeSeconds?: number;
}

export interface JwtVerifier {
  /**
   * Checks signature, `exp` (required)/`nbf`, the maximum age and the configured `iss`/`aud`;
   * resolves to the claims.
   * Throws GatewayError UNAUTHENTICATED saying what was wrong.
   * SECURITY: messages never contain the token.
   */
  verify(token: string): Promise<JwtClaims>;
}

/**
 * Builds a verifier for bearer tokens. With both `secret` and `jwksUrl`, HS256 tokens are
 * checked with the secret and all others against the JWKS.
 * Throws GatewayError BAD_CONFIG when neither is given or the JWKS URL is not a URL.
 *
 * @example
 * const jwt = createJwtVerifier({ secret: process.env.JWT_SECRET, audience: 'authenticated' });
 * const claims = await jwt.verify(bearer);
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const getKey = keyResolver(options);
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds,
    // SECURITY: a token without an expiry would be valid for ever once leaked.
    requiredClaims: ['exp'],
    // SECURITY: HS256 only with a secret, so a token cannot pick a symmetric algorithm against a public key.
    algorithms: options.jwksUrl ? undefined : ['HS256'],
  };
  return {
    async verify(token: string): Promise<JwtClaims> {
      if (typeof token !== 'string' || token.length === 0) throw unauthenticated('no token given');
      try {
        const { payload } = await jwtVerify(token, getKey, verifyOptions);
        if (options.maxTokenAgeSeconds !== undefined) checkAge(payload, options.maxTokenAgeSeconds, options.clockToleranceSeconds ?? 0);
        return payload;
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

function keyResolver(options: JwtVerifierOptions): JWTVerifyGetKey {
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  let jwks: JWTVerifyGetKey | undefined;
  if (options.jwksUrl) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      throw new GatewayError('BAD_CONFIG', '[jwt] jwksUrl is not a valid URL');
    }
    jwks = createRemoteJWKSet(url);
  }
  if (!secret && !jwks) throw new GatewayError('BAD_CONFIG', '[jwt] a JWT verifier needs a secret or a jwksUrl');
  return async (header, token) => {
    if (header.alg === 'HS256' && secret) return secret;
    if (jwks && !header.alg?.startsWith('HS')) return jwks(header, token);
    throw new errors.JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
  };
}

/** Refuses tokens that live longer than `max` seconds, whether or not they carry `iat`. */
function checkAge(payload: JWTPayload, max: number, tolerance: number): void {
  const now = Math.floor(Date.now() / 1000);
  const hint = `issue tokens that expire within ${max} s, or raise auth.maxTokenAgeSeconds`;
  if (payload.exp! - now > max + tolerance) {
    throw new GatewayError('UNAUTHENTICATED', `[jwt] token expires more than ${max} s from now (auth.maxTokenAgeSeconds)`, { hint });
  }
  if (typeof payload.iat === 'number' && now - payload.iat > max + tolerance) {
    throw new GatewayError('UNAUTHENTICATED', `[jwt] token was issued more than ${max} s ago (auth.maxTokenAgeSeconds)`, { hint });
  }
}

function unauthenticated(reason: string, cause?: unknown): GatewayError {
  return new GatewayError('UNAUTHENTICATED', `[jwt] ${reason}`, {
    hint: 'send a valid token in the Authorization header: Bearer <jwt>',
    cause,
  });
}

/** Maps jose's errors to one clear sentence each; anything unexpected is reported as unverifiable. */
function translate(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated('token has expired', error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated('token signature is invalid', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'exp' && error.reason === 'missing') return unauthenticated('token has no "exp" claim; tokens must expire', error);
    return unauthenticated(`token claim "${error.claim}" is not valid (${error.reason})`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated('token is signed with an algorithm that is not accepted', error);
  if (error instanceof errors.JWKSNoMatchingKey) return unauthenticated('no key in the JWKS matches the token', error);
  // NOTE: a failed JWKS download surfaces as a bare JOSEError (bad status, bad JSON) or fetch's TypeError.
  const fetchFailed = (error instanceof errors.JOSEError && error.constructor === errors.JOSEError) || error instanceof TypeError;
  if (fetchFailed || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return unauthenticated('cannot fetch the signing keys (JWKS) to verify the token', error);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return unauthenticated('token is malformed', error);
  }
  return unauthenticated('token could not be verified', error);
}
