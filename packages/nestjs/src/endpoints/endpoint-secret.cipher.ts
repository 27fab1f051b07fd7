import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { WebhookSealingKeyMissingError } from '../errors/webhook-sealing-key-missing.error.js';

const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte AES key and the short fingerprint that names it inside each sealed value. */
interface EncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * Parses an encryption key: 32 bytes, as 64 hex digits or base64 (`openssl rand -base64 32`). Throws a message
 * that never contains the key itself.
 */
export function parseEncryptionKey(encoded: string, where: string): EncryptionKey {
  const key = /^[0-9a-fA-F]{64}$/.test(encoded)
    ? Buffer.from(encoded, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)
      ? Buffer.from(encoded, 'base64')
      : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new Error(
      `${where} is not a 32-byte key: give 64 hex digits or 32 bytes in base64 (openssl rand -base64 32).`,
    );
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * Seals endpoint secrets and custom header values at rest with AES-256-GCM: the first key seals, every key opens
 * (so keys can be rotated: put the new key first, keep the old one until `WebhookEndpoints.resealSecrets()` has
 * run). The endpoint id (and a header's name) is authenticated data, so a sealed value copied onto another endpoint
 * or header does not open. Without keys, values are stored as they are; plaintext values are always readable, so
 * turning encryption on later needs no migration.
 */
export class EndpointSecretCipher {
  private readonly keys: EncryptionKey[];

  constructor(encodedKeys: readonly string[]) {
    this.keys = encodedKeys.map((key, index) => parseEncryptionKey(key, `encryption.keys[${index}]`));
  }

  get encrypts(): boolean {
    return this.keys.length > 0;
  }

  /** Whether `stored` is already sealed with the first key (so resealing it would change nothing). */
  isCurrent(stored: string): boolean {
    return this.keys.length === 0 ? !isSealed(stored) : stored.startsWith(`${SEALED_PREFIX}${this.keys[0]!.id}:`);
  }

  /** `purpose` names what is sealed beyond the endpoint (e.g. `header:authorization`); default: its secret. */
  seal(secret: string, endpointId: string, purpose?: string): string {
    const key = this.keys[0];
    if (!key) return secret;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(aad(endpointId, purpose));
    const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${key.id}:${sealed.toString('base64url')}`;
  }

  /** Opens what `seal()` gave (with the same `purpose`); a plaintext value is returned as it is. */
  open(stored: string, endpointId: string, purpose?: string): string {
    if (!isSealed(stored)) return stored;
    const [keyId, data] = stored.slice(SEALED_PREFIX.length).split(':');
    const key = this.keys.find((candidate) => candidate.id === keyId);
    const what = purpose?.replace(':', ' ') ?? 'secret';
    if (!key) throw new WebhookSealingKeyMissingError(endpointId, keyId ?? '', what);
    const bytes = Buffer.from(data ?? '', 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(aad(endpointId, purpose));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        `The sealed ${what} of endpoint "${endpointId}" does not open with key ${keyId}: it was altered or belongs to another endpoint.`,
      );
    }
  }
}

/** Whether `stored` is a sealed value (`enc:v1:<key id>:...`) rather than plaintext. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

function aad(endpointId: string, purpose?: string): Buffer {
  return Buffer.from(`webhook-outbox:endpoint:${endpointId}${purpose ? `:${purpose}` : ''}`, 'utf8');
}
