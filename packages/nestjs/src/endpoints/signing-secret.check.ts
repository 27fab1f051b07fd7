import {
  decodeWebhookSecret,
  decodeWebhookSigningKey,
  generateWebhookSecret,
  generateWebhookSigningKey,
  isWebhookPublicKey,
  isWebhookSigningKey,
  webhookPublicKeyOf,
} from '@webhook-outbox/signature';

/** How an endpoint signs: `v1` (HMAC-SHA256 with a `whsec_` secret) or `v1a` (ed25519 with a `whsk_` secret key). */
export type WebhookSignatureVersion = 'v1' | 'v1a';

/**
 * Why `secret` cannot sign for an endpoint, or `null` when it is a usable Standard Webhooks `whsec_` secret or
 * `whsk_` secret key. The one check behind endpoints in options (at start-up) and stored endpoints (`create()`,
 * `rotateSecret()`).
 */
export function signingSecretError(secret: unknown): string | null {
  if (typeof secret !== 'string') return 'must be a whsec_ secret or a whsk_ secret key.';
  if (isWebhookPublicKey(secret))
    return 'is a whpk_ public key, which only verifies: an endpoint signs with its whsk_ secret key.';
  try {
    if (isWebhookSigningKey(secret)) decodeWebhookSigningKey(secret);
    else decodeWebhookSecret(secret);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Which signature a (checked) secret makes. */
export function signatureVersionOf(secret: string): WebhookSignatureVersion {
  return isWebhookSigningKey(secret) ? 'v1a' : 'v1';
}

/** A new secret that makes `version` signatures. */
export function newSigningSecret(version: WebhookSignatureVersion): string {
  return version === 'v1a' ? generateWebhookSigningKey().secretKey : generateWebhookSecret();
}

/** The `whpk_` public keys of the `whsk_` secret keys among `secrets`, in their order (none for `whsec_` ones). */
export function publicKeysOf(secrets: readonly string[]): string[] {
  return secrets.filter(isWebhookSigningKey).map(webhookPublicKeyOf);
}
