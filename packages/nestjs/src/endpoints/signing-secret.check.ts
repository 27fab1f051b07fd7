import { decodeWebhookSecret } from '@webhook-outbox/signature';

/**
 * Why `secret` cannot sign for an endpoint, or `null` when it is a usable Standard Webhooks `whsec_` secret. The one
 * check behind endpoints in options (at start-up) and stored endpoints (`create()`, `rotateSecret()`).
 */
export function signingSecretError(secret: unknown): string | null {
  if (typeof secret !== 'string') return 'must be a whsec_ secret.';
  try {
    decodeWebhookSecret(secret);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
