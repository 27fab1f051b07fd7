export { WebhookModule } from './webhook.module.js';
export {
  WEBHOOK_MODULE_ASYNC_OPTIONS_TYPE,
  WEBHOOK_MODULE_OPTIONS,
  WEBHOOK_MODULE_OPTIONS_TYPE,
} from './webhook.module-definition.js';
export { resolveWebhookOptions } from './webhook-options.js';
export type {
  ResolvedWebhookEndpoint,
  ResolvedWebhookOptions,
  WebhookDeliveryOptions,
  WebhookEndpointOptions,
  WebhookMethod,
  WebhookModuleExtras,
  WebhookModuleOptions,
  WebhookReceiverOptions,
  WebhookRelayOptions,
  WebhookAttemptFailure,
  WebhookRetryOptions,
} from './webhook-options.js';
export { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from './webhook.tokens.js';
export { systemClock } from './webhook-clock.js';
export type { WebhookClock } from './webhook-clock.js';
export { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
export { WebhookPayloadError } from './errors/webhook-payload.error.js';
export { WebhookEndpointNotFoundError } from './errors/webhook-endpoint-not-found.error.js';

export { EmitsWebhook, EMITS_WEBHOOK_METADATA } from './emit/emits-webhook.decorator.js';
export type { EmitsWebhookOptions } from './emit/emits-webhook.decorator.js';
export type { EntityChange, EntityChangeKind, FieldChange } from './emit/entity-change.js';

export {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointStateEntity,
  WebhookEventEntity,
  webhookOutboxEntities,
} from './outbox/entities/index.js';
export type { WebhookDeliveryStatus, WebhookFailureReason } from './outbox/entities/webhook-delivery.entity.js';
export {
  AddDeliveryEngine1795000000000,
  CreateWebhookOutbox1763900000000,
  webhookOutboxMigrations,
} from './outbox/migrations/index.js';

export { WebhookDeliveries } from './deliveries/webhook-deliveries.service.js';
export type {
  WebhookBulkRetryFilter,
  WebhookDeliveryDetails,
  WebhookDeliveryFilter,
  WebhookDeliveryStats,
  WebhookDeliverySummary,
} from './deliveries/webhook-deliveries.service.js';
export { WebhookEndpoints } from './endpoints/webhook-endpoints.service.js';
export type { WebhookEndpointStatus } from './endpoints/webhook-endpoints.service.js';

export { OutboxRelay } from './relay/outbox-relay.service.js';
export type { RelayRoundResult } from './relay/outbox-relay.service.js';
export { RelayOrchestrator } from './relay/relay.orchestrator.js';
export { AxiosWebhookTransport } from './relay/axios-webhook.transport.js';
export { DestinationPolicy, WebhookDestinationError } from './relay/destination-policy.js';
export type { DestinationRules } from './relay/destination-policy.js';
export type { OutgoingWebhookRequest, WebhookTransport, WebhookTransportResponse } from './relay/webhook-transport.js';
export { encodeWebhookQuery } from './relay/query-string.encoder.js';

export { VerifyWebhook } from './receive/verify-webhook.decorator.js';
export type { InlineWebhookReceiver, VerifyWebhookReceiver } from './receive/verify-webhook.metadata.js';
export { WebhookGuard } from './receive/webhook.guard.js';
export type { VerifiedWebhookRequest } from './receive/webhook.guard.js';

export { generateWebhookSecret, signStandardWebhook, verifyStandardWebhook } from '@webhook-outbox/signature';
