import { randomBytes } from 'node:crypto';

/** Prefix that marks a Standard Webhooks signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

const MIN_SECRET_BYTES = 16;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Thrown when a signing secret cannot be used. The message says what a valid secret looks like.
 */
export class WebhookSecretError extends Error {
  /** Always `'WebhookSecretError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookSecretError';
}

/**
 * Generates a new Standard Webhooks secret: `whsec_` followed by the base64 of `bytes` random bytes
 * (default 24, as Svix does; the spec allows 24 to 64).
 */
export function generateWebhookSecret(bytes = 24): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(`A webhook secret has 24 to ${MAX_SECRET_BYTES} bytes; got ${bytes}.`);
  }
  return WEBHOOK_SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

/**
 * Decodes a Standard Webhooks secret into the HMAC key. Accepts `whsec_<base64>` and, like the official
 * libraries, bare base64. Refuses anything that is not base64 or decodes to fewer than 16 bytes, because an
 * HMAC with a short or mistyped key would sign "successfully" and then never verify anywhere.
 */
export function decodeWebhookSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new WebhookSecretError(
      'A webhook secret is required: use generateWebhookSecret() to create one (whsec_...).',
    );
  }
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded)) {
    throw new WebhookSecretError(
      'A webhook secret must be "whsec_" followed by base64 (letters, digits, +, /, = padding); ' +
        'use generateWebhookSecret() to create one.',
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(
      `A webhook secret must decode to ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes; this one has ${key.length}. ` +
        'Use generateWebhookSecret() to create one.',
    );
  }
  return key;
}

/**
 * Checks a secret that is used as an HMAC key as it is (the GitHub, Stripe, Shopify, Slack and SeaTable
 * schemes): any non-empty string. Their senders generate or accept free-form secrets, so no format is imposed.
 */
export function checkPlainSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new WebhookSecretError("A webhook secret is required: copy the signing secret from the sender's settings.");
  }
}
