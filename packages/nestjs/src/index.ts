/**
 * Transactional webhooks for NestJS + TypeORM: `@EmitsWebhook` entities write their events through an outbox in
 * the caller's transaction, a relay delivers them signed (Standard Webhooks), and `@VerifyWebhook` verifies the
 * webhooks an app receives.
 *
 * Everything exported here is public API, recorded in `etc/nestjs.public.api.md`; the relay, its store and the module's
 * wiring are not (see `docs/reference/versioning.md`).
 *
 * @packageDocumentation
 */

// ── The module and its options ─────────────────────────────────────────────────────────────────────────────────────
export { WebhookModule } from './webhook.module.js';
export type {
  WebhookAttemptFailure,
  WebhookCaptureOptions,
  WebhookDeliveryOptions,
  WebhookEncryptionOptions,
  WebhookModuleExtras,
  WebhookModuleOptions,
  WebhookRelayOptions,
  WebhookRetentionOptions,
  WebhookEventTypeDeclaration,
  WebhookMigrationsMode,
  WebhookRetryOptions,
} from './options/webhook-module.options.js';
export type {
  EndpointSigningSecret,
  WebhookBodyFormat,
  WebhookEndpointOptions,
  WebhookMethod,
  WebhookPayloadFormat,
  WebhookRateLimit,
} from './options/webhook-endpoint.options.js';
export type { WebhookFilter, WebhookFilterOperators, WebhookFilterScalar } from './options/webhook-filter.types.js';
export type {
  WebhookEventBody,
  WebhookTransformFunction,
  WebhookTransformResult,
} from './options/webhook-transform.types.js';
export { WEBHOOK_CLOCK } from './webhook.tokens.js';
export type { WebhookClock } from './webhook-clock.js';

// ── Emitting: entities that emit, and events published by hand ─────────────────────────────────────────────────────
export { EmitsWebhook } from './emit/emits-webhook.decorator.js';
export type { EmitsWebhookOptions } from './emit/emits-webhook.decorator.js';
export { WebhookExclude } from './emit/webhook-exclude.decorator.js';
export type { EntityChange, EntityChangeKind, FieldChange } from './emit/entity-change.js';
export { WebhookPublisher } from './emit/webhook-publisher.service.js';
export type { WebhookPublication } from './emit/webhook-publisher.service.js';
export { WebhookEventTypes } from './emit/webhook-event-types.service.js';
export type { WebhookEventTypeInfo } from './emit/webhook-event-types.service.js';
export type { JsonSchema } from './emit/event-type-schema.js';
export type { WebhookOpenApiInfo } from './emit/event-catalog.openapi.js';

// ── The outbox tables: entities and migrations to register; events, deliveries, attempts to read ──────────────────
export {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  webhookOutboxEntities,
} from './outbox/entities/index.js';
export type { WebhookAttemptRequest } from './outbox/entities/index.js';
export { webhookOutboxMigrations } from './outbox/migrations/index.js';

// ── Sending: transports and the destination (SSRF) policy ──────────────────────────────────────────────────────────
export { DestinationPolicy, WebhookDestinationError } from './endpoints/destination-policy.js';
export type { DestinationRules } from './endpoints/destination-policy.js';
export type {
  OutgoingWebhookRequest,
  WebhookTransport,
  WebhookTransportResponse,
} from './options/webhook-transport.js';

// ── Endpoints: stored endpoints, their secrets, test events and backfills ──────────────────────────────────────────
export { WebhookEndpoints } from './endpoints/webhook-endpoints.service.js';
export type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  RotateWebhookSecretInput,
  UpdateWebhookEndpointInput,
  WebhookEndpointState,
  WebhookEndpointStatus,
  WebhookTenantScope,
} from './endpoints/webhook-endpoint.types.js';
export { MASKED_HEADER_VALUE } from './endpoints/endpoint-headers.seal.js';
export { WEBHOOK_TEST_EVENT_TYPE } from './endpoints/endpoint-test-event.js';
export type { WebhookTestEventOptions, WebhookTestEventResult } from './endpoints/endpoint-test-event.js';
export type { WebhookDryRunInput, WebhookDryRunResult } from './endpoints/endpoint-dry-run.js';
export type { WebhookSentRequest } from './relay/sent-request.preview.js';
export type { WebhookBackfillOptions, WebhookBackfillResult } from './endpoints/endpoint-backfill.service.js';
export type { WebhookSignatureVersion } from './endpoints/signing-secret.check.js';

// ── Deliveries: the log, statistics, retries, retention ────────────────────────────────────────────────────────────
export { WebhookDeliveries } from './deliveries/webhook-deliveries.service.js';
export type {
  WebhookBulkRetryFilter,
  WebhookDeliveryDetails,
  WebhookDeliveryFilter,
  WebhookDeliveryStats,
  WebhookDeliverySummary,
} from './deliveries/webhook-deliveries.service.js';
export type {
  WebhookDeliveryMatch,
  WebhookDeliveryPage,
  WebhookDeliverySearch,
  WebhookDeliverySearchStatus,
  WebhookRetryCount,
} from './deliveries/delivery-search.js';
export type { WebhookDeliveryStatus, WebhookFailureReason } from './outbox/entities/webhook-delivery.entity.js';
export type { WebhookLatencyPercentiles } from './deliveries/latency-percentiles.js';
export type { WebhookEndpointFigures } from './deliveries/endpoint-figures.js';
export type { WebhookAttemptBucket, WebhookEndpointFailureCount } from './deliveries/webhook-delivery-stats.types.js';
export { WebhookRetention } from './retention/webhook-retention.service.js';
export type { WebhookPruneResult } from './retention/webhook-retention.service.js';

// ── Observability: delivery events, health ─────────────────────────────────────────────────────────────────────────
export { WEBHOOK_DELIVERY_CHANNELS, WebhookDeliveryEvents } from './telemetry/webhook-delivery.events.js';
export type {
  WebhookAttemptFacts,
  WebhookAttemptFinishedEvent,
  WebhookAttemptStartedEvent,
  WebhookDeliveryEvent,
  WebhookDeliveryEventBase,
  WebhookDeliveryEventKind,
  WebhookDeliveryOutcomeEvent,
  WebhookEndpointStateEvent,
  WebhookEventCapturedEvent,
  WebhookFannedOutEvent,
} from './telemetry/webhook-delivery.events.js';
export { WebhookHealthIndicator } from './health/webhook-health.indicator.js';
export type { WebhookHealthDetails, WebhookHealthOptions } from './health/webhook-health.indicator.js';

// ── Dashboard and admin API ────────────────────────────────────────────────────────────────────────────────────────
export { WebhookAdminModule } from './admin/webhook-admin.module.js';
export type { WebhookAdminModuleOptions, WebhookAdminUiOptions } from './admin/webhook-admin.options.js';
export { ALL_TENANTS, type WebhookAdminTenant } from './admin/admin-tenant.js';
export { WebhookPortal } from './admin/webhook-portal.service.js';
export type { WebhookPortalLink, WebhookPortalLinkRequest } from './admin/webhook-portal.service.js';
export type { WebhookPortalLinksOptions } from './admin/portal-links.options.js';
export type { WebhookAdminSession } from './admin/session.admin-controller.js';

// ── Receiving: verify, read, deduplicate ───────────────────────────────────────────────────────────────────────────
export { VerifyWebhook } from './receive/verify-webhook.decorator.js';
export type {
  InlineWebhookReceiver,
  VerifyWebhookReceiver,
  WebhookReceiverOptions,
} from './options/webhook-receiver.options.js';
export { IncomingWebhook, WebhookPayload } from './receive/webhook-param.decorators.js';
export { WebhookVerifier } from './receive/webhook-verifier.service.js';
export type { WebhookToVerify } from './receive/webhook-verifier.service.js';
export { applyWebhookBodyLimits, type WebhookBodyLimits } from './receive/webhook-body-limits.js';
export type { XmlPayloadLimits } from './receive/xml-markup.budget.js';
export { PlatformClientErrorsFilter } from './receive/platform-client-errors.filter.js';
export { WebhookReceiverEvents } from './receive/webhook-receiver.events.js';
export type {
  WebhookDuplicateEvent,
  WebhookRefusalReason,
  WebhookRefusedEvent,
} from './receive/webhook-receiver.events.js';

// ── Errors: each names what to fix ─────────────────────────────────────────────────────────────────────────────────
export { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
export { WebhookMigrationsPendingError } from './errors/webhook-migrations-pending.error.js';
export { WebhookTransactionRequiredError } from './errors/webhook-transaction-required.error.js';
export { WebhookCaptureError } from './errors/webhook-capture.error.js';
export { WebhookPayloadError } from './errors/webhook-payload.error.js';
export { WebhookValidationError } from './errors/webhook-validation.error.js';
export type { WebhookFieldError } from './errors/webhook-validation.error.js';
export { WebhookEndpointNotFoundError } from './errors/webhook-endpoint-not-found.error.js';
export { WebhookEndpointDisabledError } from './errors/webhook-endpoint-disabled.error.js';
export { WebhookSealingKeyMissingError } from './errors/webhook-sealing-key-missing.error.js';
export { WebhookBodyTooLargeError } from './errors/webhook-body-too-large.error.js';
export { WebhookBodyIncompleteError } from './errors/webhook-body-incomplete.error.js';
export { WebhookBodyTimeoutError } from './errors/webhook-body-timeout.error.js';

// ── Secrets and signatures, from @webhook-outbox/signature, so one import serves an app ────────────────────────────
export {
  generateWebhookSecret,
  generateWebhookSigningKey,
  hmacHeaderScheme,
  signStandardWebhook,
  verifyStandardWebhook,
  WebhookVerificationError,
  webhookPublicKeyOf,
} from '@webhook-outbox/signature';
export type {
  HmacHeaderSchemeOptions,
  WebhookScheme,
  WebhookSchemeName,
  WebhookSigningKeyPair,
  WebhookVerificationFailureReason,
} from '@webhook-outbox/signature';
