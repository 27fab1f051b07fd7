import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { WebhookSecretError } from './webhook-secret.js';

/** Prefix of a Standard Webhooks ed25519 secret key (signs `v1a`): kept like a `whsec_` secret. */
export const WEBHOOK_SIGNING_KEY_PREFIX = 'whsk_';
/** Prefix of a Standard Webhooks ed25519 public key (verifies `v1a`): given to receivers freely. */
export const WEBHOOK_PUBLIC_KEY_PREFIX = 'whpk_';

// The fixed DER framing of a raw ed25519 key (RFC 8410): what node:crypto needs around the 32 key bytes.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new ed25519 key pair in the spec's text form: the secret key for the sender, the public key for receivers. */
export interface WebhookSigningKeyPair {
  /** `whsk_` + base64 of the 32-byte seed. Keep it like a `whsec_` secret. */
  secretKey: string;
  /** `whpk_` + base64 of the 32-byte public key. */
  publicKey: string;
}

function rawKey(text: string, prefix: string, what: string): Buffer {
  const encoded = text.startsWith(prefix) ? text.slice(prefix.length) : text;
  const bytes = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32)
    throw new WebhookSecretError(
      `An ed25519 ${what} is "${prefix}" followed by the base64 of 32 bytes; use generateWebhookSigningKey() to create one.`,
    );
  return bytes;
}

/** Whether `secret` is an ed25519 secret key (`whsk_`), which signs `v1a`, rather than a `whsec_` HMAC secret. */
export function isWebhookSigningKey(secret: string): boolean {
  return secret.startsWith(WEBHOOK_SIGNING_KEY_PREFIX);
}

/** Whether `key` is an ed25519 public key (`whpk_`), which verifies `v1a`. */
export function isWebhookPublicKey(key: string): boolean {
  return key.startsWith(WEBHOOK_PUBLIC_KEY_PREFIX);
}

/** The private key of a `whsk_` secret key. @throws {WebhookSecretError} naming the expected form. */
export function decodeWebhookSigningKey(secretKey: string): KeyObject {
  const seed = rawKey(secretKey, WEBHOOK_SIGNING_KEY_PREFIX, 'secret key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key of a `whpk_` public key, or of a `whsk_` secret key. */
export function decodeWebhookPublicKey(key: string): KeyObject {
  if (isWebhookSigningKey(key)) return createPublicKey(decodeWebhookSigningKey(key));
  const raw = rawKey(key, WEBHOOK_PUBLIC_KEY_PREFIX, 'public key');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/** The `whpk_` public key that verifies what a `whsk_` secret key signs: safe to show and to hand to receivers. */
export function webhookPublicKeyOf(secretKey: string): string {
  const der = createPublicKey(decodeWebhookSigningKey(secretKey)).export({ format: 'der', type: 'spki' });
  return WEBHOOK_PUBLIC_KEY_PREFIX + der.subarray(SPKI_ED25519.length).toString('base64');
}

/** Generates an ed25519 key pair for `v1a` signatures (Standard Webhooks' asymmetric scheme). */
export function generateWebhookSigningKey(): WebhookSigningKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const secretKey = WEBHOOK_SIGNING_KEY_PREFIX + seed.toString('base64');
  return { secretKey, publicKey: webhookPublicKeyOf(secretKey) };
}
