import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GatewayError } from '../errors/index.js';

/** Environment variable holding the 32-byte key that seals credentials in the control database. */
export const SECRET_KEY_ENV = 'SWITCHYARD_SECRET_KEY';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HINT = `set ${SECRET_KEY_ENV} to 32 random bytes in base64 or hex, e.g. \`openssl rand -base64 32\``;

function boxError(message: string, hint?: string): GatewayError {
  return new GatewayError('BAD_CONFIG', `[control:secret-box] ${message}`, { hint });
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw boxError(`the secret key must be ${KEY_BYTES} bytes, got ${key.length}`, KEY_HINT);
}

/**
 * Encrypts `plaintext` with AES-256-GCM under `key` (32 bytes): a fresh random 12-byte IV per
 * call, so sealing the same text twice gives different strings.
 * `associatedData` is authenticated but not stored: {@link open} must be given the same value
 * (the control store binds a sealed config to its database name this way).
 *
 * @returns `v1.<base64(iv ‖ tag ‖ ciphertext)>`
 * @example
 * const sealed = seal(JSON.stringify(entry), loadSecretKey(process.env));
 */
export function seal(plaintext: string, key: Uint8Array, associatedData?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
}

/**
 * Decrypts a value made by {@link seal}. Throws GatewayError BAD_CONFIG when the value is not
 * a sealed value, was changed, or was sealed under another key or associated data.
 */
export function open(sealed: string, key: Uint8Array, associatedData?: string): string {
  assertKey(key);
  const dot = sealed.indexOf('.');
  const version = dot === -1 ? '' : sealed.slice(0, dot);
  if (version !== VERSION) throw boxError(`not a sealed value (expected the "${VERSION}." prefix)`);
  const bytes = Buffer.from(sealed.slice(dot + 1), 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw boxError('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    // NOTE: GCM cannot tell a wrong key from a changed ciphertext; both fail the tag check.
    throw new GatewayError('BAD_CONFIG', '[control:secret-box] cannot open sealed value: wrong secret key, or the value was tampered with', {
      hint: `use the ${SECRET_KEY_ENV} the value was sealed with`,
      cause,
    });
  }
}

/**
 * Reads the sealing key from `SWITCHYARD_SECRET_KEY`: 64 hex digits or base64 / base64url of
 * 32 bytes. Throws GatewayError BAD_CONFIG when it is unset or malformed.
 * SECURITY: error messages describe the problem, never the value.
 */
export function loadSecretKey(env: Record<string, string | undefined> = process.env): Buffer {
  const raw = env[SECRET_KEY_ENV]?.trim();
  if (!raw) throw boxError(`${SECRET_KEY_ENV} is not set`, KEY_HINT);
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) {
    // NOTE: Node's base64 decoder accepts the base64url alphabet too.
    const key = Buffer.from(raw, 'base64');
    if (key.length === KEY_BYTES) return key;
    throw boxError(`${SECRET_KEY_ENV} decodes to ${key.length} bytes, it must be ${KEY_BYTES}`, KEY_HINT);
  }
  throw boxError(`${SECRET_KEY_ENV} is neither hex nor base64`, KEY_HINT);
}
