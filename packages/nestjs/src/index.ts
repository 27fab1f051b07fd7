export { WebhookModule } from './webhook.module.js';
export {
  WEBHOOK_MODULE_ASYNC_OPTIONS_TYPE,
  WEBHOOK_MODULE_OPTIONS,
  WEBHOOK_MODULE_OPTIONS_TYPE,
} from './webhook.module-definition.js';
export { resolveWebhookOptions } from './webhook-options.resolver.js';
export type {
  EndpointSigningSecret,
  ResolvedWebhookEndpoint,
  WebhookBodyFormat,
  WebhookPayloadFormat,
  WebhookEndpointOptions,
  WebhookMethod,
  WebhookRateLimit,
} from './options/webhook-endpoint.options.js';
export type { WebhookFilter, WebhookFilterOperators, WebhookFilterScalar } from './options/webhook-filter.types.js';
export type {
  WebhookEventBody,
  WebhookTransformFunction,
  WebhookTransformResult,
} from './options/webhook-transform.types.js';
export type {
  WebhookCaptureOptions,
  WebhookEncryptionOptions,
  WebhookRetentionOptions,
  ResolvedWebhookOptions,
  WebhookDeliveryOptions,
  WebhookModuleExtras,
  WebhookModuleOptions,
  WebhookRelayOptions,
  WebhookAttemptFailure,
  WebhookRetryOptions,
} from './options/webhook-module.options.js';
export type { WebhookReceiverOptions } from './options/webhook-receiver.options.js';
export { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from './webhook.tokens.js';
export { systemClock } from './webhook-clock.js';
export type { WebhookClock } from './webhook-clock.js';
export { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
export { WebhookPayloadError } from './errors/webhook-payload.error.js';
export { WebhookEndpointNotFoundError } from './errors/webhook-endpoint-not-found.error.js';
export { WebhookSealingKeyMissingError } from './errors/webhook-sealing-key-missing.error.js';
export { WebhookValidationError } from './errors/webhook-validation.error.js';
export type { WebhookFieldError } from './errors/webhook-validation.error.js';
export { WebhookTransactionRequiredError } from './errors/webhook-transaction-required.error.js';
export { WebhookCaptureError } from './errors/webhook-capture.error.js';

export { EmitsWebhook, EMITS_WEBHOOK_METADATA } from './emit/emits-webhook.decorator.js';
export { WebhookExclude, WEBHOOK_EXCLUDE_METADATA } from './emit/webhook-exclude.decorator.js';
export type { EmitsWebhookOptions } from './emit/emits-webhook.decorator.js';
export type { EntityChange, EntityChangeKind, FieldChange } from './emit/entity-change.js';
export { WebhookPublisher } from './emit/webhook-publisher.service.js';
export type { WebhookPublication } from './emit/webhook-publisher.service.js';

export {
  WebhookAttemptEntity,
  WebhookBackfillEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookEndpointStateEntity,
  WebhookEventEntity,
  WebhookInboxEntity,
  webhookOutboxEntities,
} from './outbox/entities/index.js';
export type { WebhookDeliveryStatus, WebhookFailureReason } from './outbox/entities/webhook-delivery.entity.js';
export {
  AddAttemptTimeIndex1800000000000,
  AddEndpointFilter1801000000000,
  AddTransformations1802000000000,
  AddRateLimits1803000000000,
  AddPendingDeliveryIndexes1804000000000,
  AddCodeEndpointRegistry1805000000000,
  AddDeliveryEngine1795000000000,
  AddEndpointStore1797000000000,
  AddTraceContext1799000000000,
  AddUnfannedEventIndex1798000000000,
  AddWebhookInbox1796000000000,
  CreateWebhookOutbox1763900000000,
  webhookOutboxMigrations,
} from './outbox/migrations/index.js';

export { WebhookDeliveries } from './deliveries/webhook-deliveries.service.js';
export type { AttemptBucket as WebhookAttemptBucket } from './outbox/stores/timeline.statements.js';
export type { EndpointFailureCount as WebhookEndpointFailureCount } from './outbox/stores/endpoint-failures.statements.js';
export type { WebhookLatencyPercentiles } from './deliveries/latency-percentiles.js';
export type {
  WebhookBulkRetryFilter,
  WebhookDeliveryDetails,
  WebhookDeliveryFilter,
  WebhookDeliveryStats,
  WebhookDeliverySummary,
} from './deliveries/webhook-deliveries.service.js';
export { WebhookEndpoints } from './endpoints/webhook-endpoints.service.js';
export { MASKED_HEADER_VALUE } from './endpoints/endpoint-headers.seal.js';
export type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  RotateWebhookSecretInput,
  UpdateWebhookEndpointInput,
  WebhookEndpointState,
  WebhookEndpointStatus,
  WebhookTenantScope,
} from './endpoints/webhook-endpoint.types.js';
export type { WebhookBackfillOptions, WebhookBackfillResult } from './endpoints/endpoint-backfill.service.js';
export { WEBHOOK_TEST_EVENT_TYPE } from './endpoints/endpoint-test-event.js';
export type { WebhookSignatureVersion } from './endpoints/signing-secret.check.js';
export type { WebhookTestEventResult } from './endpoints/endpoint-test-event.js';
export { WebhookEventTypes } from './emit/webhook-event-types.service.js';
export type { WebhookEventTypeInfo } from './emit/webhook-event-types.service.js';
export { WebhookRetention } from './retention/webhook-retention.service.js';
export { WebhookHealthIndicator } from './health/webhook-health.indicator.js';
export type { WebhookHealthDetails, WebhookHealthOptions } from './health/webhook-health.indicator.js';
export { WEBHOOK_DELIVERY_CHANNELS, WebhookDeliveryEvents } from './telemetry/webhook-delivery.events.js';
export type {
  WebhookAttemptFinishedEvent,
  WebhookAttemptStartedEvent,
  WebhookDeliveryEvent,
  WebhookDeliveryEventKind,
  WebhookDeliveryOutcomeEvent,
  WebhookEndpointStateEvent,
  WebhookEventCapturedEvent,
  WebhookFannedOutEvent,
} from './telemetry/webhook-delivery.events.js';
export type { WebhookPruneResult } from './retention/webhook-retention.service.js';

export { OutboxRelay } from './relay/outbox-relay.service.js';
export type { RelayRoundResult } from './relay/outbox-relay.service.js';
export { RelayOrchestrator } from './relay/relay.orchestrator.js';
export { AxiosWebhookTransport } from './relay/axios-webhook.transport.js';
export { NodeHttpWebhookTransport } from './relay/node-http-webhook.transport.js';
export { DestinationPolicy, WebhookDestinationError } from './endpoints/destination-policy.js';
export type { DestinationRules } from './endpoints/destination-policy.js';
export type {
  OutgoingWebhookRequest,
  WebhookTransport,
  WebhookTransportResponse,
} from './options/webhook-transport.js';
export { encodeWebhookQuery } from './relay/query-string.encoder.js';

export { WebhookAdminModule } from './admin/webhook-admin.module.js';
export { WEBHOOK_ADMIN_OPTIONS } from './admin/webhook-admin.options.js';
export { ALL_TENANTS, type WebhookAdminTenant } from './admin/admin-tenant.js';
export type { WebhookAdminModuleOptions, WebhookAdminUiOptions } from './admin/webhook-admin.options.js';

export { VerifyWebhook } from './receive/verify-webhook.decorator.js';
export type {
  InlineWebhookReceiver,
  ResolvedWebhookReceiver,
  VerifyWebhookReceiver,
} from './options/webhook-receiver.options.js';
export { IncomingWebhook, WebhookPayload } from './receive/webhook-param.decorators.js';
export { WebhookGuard } from './receive/webhook.guard.js';
export { PlatformClientErrorsFilter } from './receive/platform-client-errors.filter.js';
export { applyWebhookBodyLimits, type WebhookBodyLimits } from './receive/webhook-body-limits.js';
export { DEFAULT_XML_PAYLOAD_LIMITS, type XmlPayloadLimits } from './receive/xml-markup.budget.js';
export { DUPLICATE_WEBHOOK_RESPONSE, WebhookInboxInterceptor } from './receive/webhook-inbox.interceptor.js';
export { WebhookVerifier } from './receive/webhook-verifier.service.js';
export type { WebhookToVerify } from './receive/webhook-verifier.service.js';
export { WebhookReceiverEvents } from './receive/webhook-receiver.events.js';
export type {
  WebhookDuplicateEvent,
  WebhookRefusalReason,
  WebhookRefusedEvent,
} from './receive/webhook-receiver.events.js';
export { WebhookBodyTooLargeError } from './errors/webhook-body-too-large.error.js';
export { WebhookBodyIncompleteError } from './errors/webhook-body-incomplete.error.js';
export { WebhookBodyTimeoutError } from './errors/webhook-body-timeout.error.js';

export {
  generateWebhookSecret,
  generateWebhookSigningKey,
  webhookPublicKeyOf,
  hmacHeaderScheme,
  signStandardWebhook,
  verifyStandardWebhook,
  WebhookVerificationError,
} from '@webhook-outbox/signature';
export type {
  WebhookSigningKeyPair,
  HmacHeaderSchemeOptions,
  WebhookScheme,
  WebhookSchemeName,
  WebhookVerificationFailureReason,
} from '@webhook-outbox/signature';
