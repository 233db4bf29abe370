import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSecretKey, open, seal } from '../../src/control/index.js';
import { GatewayError } from '../../src/errors/index.js';

const key = randomBytes(32);

/** The GatewayError `fn` throws (fails the test when it throws nothing or something else). */
function gatewayError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError, nothing was thrown');
}

describe('secret box', () => {
  it('opens what it sealed, and the sealed text carries the version prefix but not the plaintext', () => {
    const plaintext = '{"url":"postgres://app:s3cret-pw@db:5432/app","note":"ünïcode ✓"}';
    const sealed = seal(plaintext, key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('s3cret-pw');
    expect(open(sealed, key)).toBe(plaintext);
  });

  it('seals the same plaintext differently each time (random IV)', () => {
    expect(seal('same', key)).not.toBe(seal('same', key));
  });

  it('a flipped byte anywhere in the ciphertext fails to open', () => {
    const sealed = seal('hello world', key);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 12, 28, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] ^= 0x01;
      const error = gatewayError(() => open(`v1.${tampered.toString('base64')}`, key));
      expect(error.message).toMatch(/wrong secret key, or the value was tampered with/);
    }
  });

  it('a value sealed under another key does not open', () => {
    const error = gatewayError(() => open(seal('hello', randomBytes(32)), key));
    expect(error.code).toBe('BAD_CONFIG');
  });

  it('associated data must match: a value sealed for one context does not open in another', () => {
    const sealed = seal('creds', key, 'switchyard.databases:app');
    expect(open(sealed, key, 'switchyard.databases:app')).toBe('creds');
    gatewayError(() => open(sealed, key, 'switchyard.databases:other'));
  });

  it('rejects values without the version prefix and truncated values', () => {
    expect(gatewayError(() => open('plain text', key)).message).toMatch(/not a sealed value/);
    expect(gatewayError(() => open('v1.AAAA', key)).message).toMatch(/truncated/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(gatewayError(() => seal('x', randomBytes(16))).message).toMatch(/must be 32 bytes, got 16/);
  });
});

describe('loadSecretKey', () => {
  it('reads base64, base64url and hex encodings of 32 bytes', () => {
    const raw = randomBytes(32);
    expect(loadSecretKey({ SWITCHYARD_SECRET_KEY: raw.toString('base64') }).equals(raw)).toBe(true);
    expect(loadSecretKey({ SWITCHYARD_SECRET_KEY: raw.toString('base64url') }).equals(raw)).toBe(true);
    expect(loadSecretKey({ SWITCHYARD_SECRET_KEY: raw.toString('hex') }).equals(raw)).toBe(true);
  });

  it('fails clearly when the key is unset', () => {
    const error = gatewayError(() => loadSecretKey({}));
    expect(error.message).toMatch(/SWITCHYARD_SECRET_KEY is not set/);
    expect(error.extensions.hint).toMatch(/openssl rand -base64 32/);
  });

  it('fails on a key of the wrong length or encoding without echoing the value', () => {
    const short = randomBytes(16).toString('base64');
    const wrongLength = gatewayError(() => loadSecretKey({ SWITCHYARD_SECRET_KEY: short }));
    expect(wrongLength.message).toMatch(/decodes to 16 bytes/);
    expect(wrongLength.message).not.toContain(short);
    const garbage = 'not a key! at all';
    const badEncoding = gatewayError(() => loadSecretKey({ SWITCHYARD_SECRET_KEY: garbage }));
    expect(badEncoding.message).toMatch(/neither hex nor base64/);
    expect(badEncoding.message).not.toContain(garbage);
  });
});
