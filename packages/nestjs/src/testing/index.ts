/**
 * Supported testing API of `@webhook-outbox/nestjs`: sign requests as each sender would, so an app's tests can
 * send its own receivers real, verifiable webhooks.
 *
 * @packageDocumentation
 */
export { signWebhook } from './sign-webhook.js';
export type { SignedWebhook, SignWebhookInput } from './sign-webhook.js';
