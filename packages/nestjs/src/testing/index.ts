/**
 * Supported testing API of `@webhook-outbox/nestjs`: a harness that records every webhook the app's code would send
 * (`WebhookTesting`), matchers for Jest and Vitest, and signing as each sender would, so an app's tests can send its
 * own receivers real, verifiable webhooks.
 *
 * @packageDocumentation
 */
export { signWebhook } from './sign-webhook.js';
export type { SignedWebhook, SignWebhookInput } from './sign-webhook.js';
export { WebhookTesting } from './webhook-testing.js';
export type { CapturedWebhookEvent, WebhookTestingModuleBuilder, WebhookTestingOptions } from './webhook-testing.js';
export { TestWebhookClock } from './test-clock.js';
export { InMemoryWebhookTransport } from './in-memory-webhook.transport.js';
export type {
  AttemptIdentity,
  RecordedRequest,
  WebhookTestAnswer,
  WebhookTestResponder,
} from './in-memory-webhook.transport.js';
export type {
  SentWebhook,
  SentWebhookEntity,
  SentWebhookFilter,
  WebhookTestAnswerRecord,
} from './sent-webhook.js';
export type { ReceivedWebhookResponse, ReceiveWebhookInput } from './app-webhook.sender.js';
export { webhookMatchers } from './webhook-matchers.js';
export type { WebhookMatchers } from './webhook-matchers.js';
