/**
 * Internals for the workspace's own tests and benchmarks: the relay, its store, the module's wiring, the entity
 * and migration classes one by one. Reachable as `@webhook-outbox/nestjs/internal` through the workspace's
 * tsconfig `paths` only, never through the package's `exports`: these change whenever the code needs them to.
 */

// ── The relay and its store ────────────────────────────────────────────────────────────────────────────────────────
export { OutboxRelay } from './relay/outbox-relay.service.js';
export type { RelayRoundResult } from './relay/relay-round.js';
export { RelayOrchestrator } from './relay/relay.orchestrator.js';
export type {
  AttemptRecord,
  ClaimedDelivery,
  ClaimRequest,
  EventRouter,
  FanOutClaim,
  FanOutResult,
  OutboxStore,
} from './outbox/outbox-store.js';
export { AxiosWebhookTransport } from './relay/axios-webhook.transport.js';
export { NodeHttpWebhookTransport } from './relay/node-http-webhook.transport.js';
export { encodeWebhookQuery } from './relay/query-string.encoder.js';

// ── Module wiring: tokens, resolved options, metadata keys ─────────────────────────────────────────────────────────
export {
  OUTBOX_STORE,
  WEBHOOK_CAPTURED_DATA_SOURCES,
  WEBHOOK_DATA_SOURCE,
  WEBHOOK_OPTIONS,
  WEBHOOK_TRANSPORT,
} from './webhook.tokens.js';
export {
  WEBHOOK_MODULE_ASYNC_OPTIONS_TYPE,
  WEBHOOK_MODULE_OPTIONS,
  WEBHOOK_MODULE_OPTIONS_TYPE,
} from './webhook.module-definition.js';
export { resolveWebhookOptions } from './webhook-options.resolver.js';
export type { ResolvedWebhookOptions } from './options/webhook-module.options.js';
export type { ResolvedWebhookEndpoint } from './options/webhook-endpoint.options.js';
export type { ResolvedWebhookReceiver } from './options/webhook-receiver.options.js';
export { systemClock } from './webhook-clock.js';
export { EMITS_WEBHOOK_METADATA } from './emit/emits-webhook.decorator.js';
export { WEBHOOK_EXCLUDE_METADATA } from './emit/webhook-exclude.decorator.js';
export { VERIFY_WEBHOOK_METADATA } from './receive/verify-webhook.metadata.js';
export { WEBHOOK_ADMIN_OPTIONS } from './admin/webhook-admin.options.js';

// ── Outbox tables one by one ───────────────────────────────────────────────────────────────────────────────────────
export {
  WebhookBackfillEntity,
  WebhookEndpointEntity,
  WebhookEndpointStateEntity,
  WebhookInboxEntity,
} from './outbox/entities/index.js';
export * from './outbox/migrations/index.js';

// ── Receiving machinery applied by @VerifyWebhook ──────────────────────────────────────────────────────────────────
export { WebhookGuard } from './receive/webhook.guard.js';
export { DUPLICATE_WEBHOOK_RESPONSE, WebhookInboxInterceptor } from './receive/webhook-inbox.interceptor.js';
export { DEFAULT_XML_PAYLOAD_LIMITS } from './receive/xml-markup.budget.js';
