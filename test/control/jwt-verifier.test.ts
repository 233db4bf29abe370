import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtVerifier } from '../../src/control/index.js';
import { GatewayError } from '../../src/errors/index.js';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

function hs256(claims: JWTPayload, secret = SECRET, expiresIn: string | number = '5m'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret));
}

/** The UNAUTHENTICATED error `verify` rejects with; asserts the token is not in the message. */
async function rejection(verifier: JwtVerifier, token: string): Promise<GatewayError> {
  const error = await verifier.verify(token).then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('UNAUTHENTICATED');
  if (token) expect((error as GatewayError).message).not.toContain(token);
  return error as GatewayError;
}

describe('JWT verifier with an HS256 secret', () => {
  const verifier = createJwtVerifier({ secret: SECRET });

  it('a valid token resolves to its claims', async () => {
    const claims = await verifier.verify(await hs256({ sub: 'user-1', role: 'authenticated' }));
    expect(claims).toMatchObject({ sub: 'user-1', role: 'authenticated' });
  });

  it('an expired token is rejected as expired', async () => {
    const expired = await hs256({ sub: 'user-1' }, SECRET, Math.floor(Date.now() / 1000) - 60);
    expect((await rejection(verifier, expired)).message).toBe('[jwt] token has expired');
  });

  it('a token signed with another secret is rejected for its signature', async () => {
    const forged = await hs256({ sub: 'user-1' }, 'another-secret-of-at-least-32-characters');
    expect((await rejection(verifier, forged)).message).toBe('[jwt] token signature is invalid');
  });

  it('a malformed token is rejected as malformed, and an empty one as missing', async () => {
    expect((await rejection(verifier, 'not.a.jwt')).message).toBe('[jwt] token is malformed');
    expect((await rejection(verifier, '')).message).toBe('[jwt] no token given');
  });

  it('an unsigned (alg none) token is rejected', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    await rejection(verifier, `${header}.${payload}.`);
  });

  it('issuer and audience are enforced when configured', async () => {
    const strict = createJwtVerifier({ secret: SECRET, issuer: 'https://issuer.test', audience: 'switchyard' });
    const good = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test')
      .setAudience('switchyard')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await strict.verify(good)).sub).toBe('u');
    const wrongAudience = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test')
      .setAudience('someone-else')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await rejection(strict, wrongAudience)).message).toMatch(/claim "aud" is not valid/);
  });

  it('a token without exp is rejected: tokens must expire', async () => {
    const forever = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(SECRET));
    expect((await rejection(verifier, forever)).message).toBe('[jwt] token has no "exp" claim; tokens must expire');
  });

  it('with maxTokenAgeSeconds, a token living longer is rejected, with or without iat', async () => {
    const bounded = createJwtVerifier({ secret: SECRET, maxTokenAgeSeconds: 600 });
    expect((await bounded.verify(await hs256({ sub: 'u' }, SECRET, '9m'))).sub).toBe('u');
    const longLived = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    expect((await rejection(bounded, longLived)).message).toMatch(/expires more than 600 s from now/);
    const stale = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    expect((await rejection(bounded, stale)).message).toMatch(/issued more than 600 s ago/);
  });

  it('refuses to be built without a secret or a JWKS URL', () => {
    expect(() => createJwtVerifier({})).toThrow(/needs a secret or a jwksUrl/);
  });
});

describe('JWT verifier with a remote JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const rs256 = (kid: string) => new SignJWT({ sub: 'svc' }).setProtectedHeader({ alg: 'RS256', kid }).setExpirationTime('5m').sign(privateKey);

  it('verifies an RS256 token with the key fetched from the JWKS, fetching it once', async () => {
    const verifier = createJwtVerifier({ jwksUrl });
    expect((await verifier.verify(await rs256('k1'))).sub).toBe('svc');
    expect((await verifier.verify(await rs256('k1'))).sub).toBe('svc');
    expect(jwksRequests).toBe(1);
  });

  it('rejects an HS256 token when only a JWKS is configured', async () => {
    const verifier = createJwtVerifier({ jwksUrl });
    expect((await rejection(verifier, await hs256({ sub: 'x' }))).message).toMatch(/algorithm that is not accepted/);
  });

  it('with both a secret and a JWKS, accepts HS256 and RS256 tokens', async () => {
    const verifier = createJwtVerifier({ secret: SECRET, jwksUrl });
    expect((await verifier.verify(await hs256({ sub: 'h' }))).sub).toBe('h');
    expect((await verifier.verify(await rs256('k1'))).sub).toBe('svc');
  });

  it('reports an unreachable JWKS as a key fetch failure', async () => {
    const verifier = createJwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    expect((await rejection(verifier, await rs256('k1'))).message).toMatch(/cannot fetch the signing keys/);
  });
});
