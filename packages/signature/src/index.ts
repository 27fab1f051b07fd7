export {
  computeStandardWebhookSignature,
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  signStandardWebhook,
  verifyStandardWebhook,
} from './standard-webhooks.scheme.js';
export type {
  IncomingHeaders,
  SignStandardWebhookInput,
  StandardWebhookHeaders,
  VerifiedStandardWebhook,
  VerifyStandardWebhookInput,
} from './standard-webhooks.scheme.js';
export { decodeWebhookSecret, generateWebhookSecret, WEBHOOK_SECRET_PREFIX, WebhookSecretError } from './webhook-secret.js';
export { WebhookVerificationError } from './webhook-verification.error.js';
export type { WebhookVerificationFailureReason } from './webhook-verification.error.js';
