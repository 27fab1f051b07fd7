/**
 * Sign and verify webhooks with `node:crypto` only: Standard Webhooks, secret and key generation, the schemes of
 * other common senders, and the building blocks for a scheme of your own.
 *
 * Everything exported here is public API, recorded in `etc/signature.public.api.md`.
 *
 * @packageDocumentation
 */

// ── Standard Webhooks ───────────────────────────────────────────────────────────────────────────────────────
export {
  computeStandardWebhookSignature,
  signStandardWebhook,
  standardWebhooksScheme,
  verifyStandardWebhook,
} from './standard-webhooks.scheme.js';
export type {
  SignStandardWebhookInput,
  StandardWebhookHeaders,
  VerifiedStandardWebhook,
  VerifyStandardWebhookInput,
} from './standard-webhooks.scheme.js';

// ── Secrets (whsec_, HMAC-SHA256) and signing keys (whsk_ / whpk_, ed25519) ─────────────────────────────────
export {
  checkPlainSecret,
  decodeWebhookSecret,
  generateWebhookSecret,
  WEBHOOK_SECRET_PREFIX,
  WebhookSecretError,
} from './webhook-secret.js';
export {
  decodeWebhookPublicKey,
  decodeWebhookSigningKey,
  generateWebhookSigningKey,
  isWebhookPublicKey,
  isWebhookSigningKey,
  WEBHOOK_PUBLIC_KEY_PREFIX,
  WEBHOOK_SIGNING_KEY_PREFIX,
  webhookPublicKeyOf,
} from './webhook-signing-key.js';
export type { WebhookSigningKeyPair } from './webhook-signing-key.js';

// ── Other senders' schemes, by name or built ────────────────────────────────────────────────────────────────
export { resolveWebhookScheme, webhookSchemes } from './webhook-schemes.js';
export type { WebhookSchemeName, WebhookSchemeReference } from './webhook-schemes.js';
export { stripeScheme } from './stripe.scheme.js';
export { slackScheme } from './slack.scheme.js';
export { githubScheme } from './github.scheme.js';
export { shopifyScheme } from './shopify.scheme.js';
export { seatableScheme } from './seatable.scheme.js';
export { hmacHeaderScheme } from './hmac-header.scheme.js';
export type { HmacHeaderSchemeOptions } from './hmac-header.scheme.js';

// ── Building blocks for a scheme of your own ────────────────────────────────────────────────────────────────
export type {
  VerifiedWebhookIdentity,
  WebhookScheme,
  WebhookSchemeSignInput,
  WebhookSchemeVerifyInput,
} from './webhook-scheme.js';
export { decodeBase64Digest, decodeHexDigest, hmacSha256, matchesAny } from './hmac.js';
export { readHeader } from './incoming-headers.js';
export type { IncomingHeaders } from './incoming-headers.js';
export { assertWithinTolerance, DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, parseUnixSeconds } from './timestamp-tolerance.js';

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────────────────
export { WebhookVerificationError } from './webhook-verification.error.js';
export type { WebhookVerificationFailureReason } from './webhook-verification.error.js';
