import { Logger, Module } from '@nestjs/common';
import { WebhookDeliveries } from './deliveries/webhook-deliveries.service.js';
import { EndpointFigures } from './deliveries/endpoint-figures.service.js';
import { EndpointDryRun } from './endpoints/endpoint-dry-run.js';
import { EndpointBackfill } from './endpoints/endpoint-backfill.service.js';
import { EndpointRegistry } from './endpoints/endpoint-registry.js';
import { TransformSandbox } from './endpoints/transform-sandbox.js';
import { EndpointTestEvents } from './endpoints/endpoint-test-event.js';
import { EndpointRowStore } from './outbox/stores/endpoint-rows.store.js';
import { EndpointDeclarationStore } from './outbox/stores/endpoint-declaration.store.js';
import { EndpointSecretCipher } from './endpoints/endpoint-secret.cipher.js';
import { WebhookEventTypes } from './emit/webhook-event-types.service.js';
import { WebhookEndpoints } from './endpoints/webhook-endpoints.service.js';
import { EntityChangeCapture } from './emit/entity-change.capture.js';
import { EntityEventShaper } from './emit/entity-event.shaper.js';
import { EntityChangeSubscriber } from './emit/entity-change.subscriber.js';
import { KeyedStatementCapture } from './emit/keyed-statement.capture.js';
import { OutboxEventWriter } from './emit/outbox-event.writer.js';
import { WebhookPublisher } from './emit/webhook-publisher.service.js';
import { WebhookMetadataAccessor } from './emit/webhook-metadata.accessor.js';
import { type CapturedDataSources, requireOutboxEntities } from './outbox/outbox-data-sources.js';
import { ensureOutboxMigrations, OUTBOX_MIGRATIONS_CHECK } from './outbox/migrations-check.js';
import { OutboxDueTimes } from './outbox/outbox-due-times.js';
import { CapturedOutboxForwarder } from './outbox/captured-outbox.forwarder.js';
import { createOutboxStore } from './outbox/stores/outbox-store.factory.js';
import { OutboxWakeSignal } from './outbox/outbox-wake.signal.js';
import { WebhookDeliveryEvents } from './telemetry/webhook-delivery.events.js';
import { PostgresCommitListener } from './outbox/postgres-commit.listener.js';
import { AxiosWebhookTransport } from './relay/axios-webhook.transport.js';
import { NodeHttpWebhookTransport } from './relay/node-http-webhook.transport.js';
import { DestinationPolicy } from './endpoints/destination-policy.js';
import { OutboxRelay } from './relay/outbox-relay.service.js';
import { WebhookHealthIndicator } from './health/webhook-health.indicator.js';
import { RelayMetrics } from './relay/relay-metrics.js';
import { RelayOrchestrator } from './relay/relay.orchestrator.js';
import { RetentionScheduler } from './retention/retention.scheduler.js';
import { WebhookRetention } from './retention/webhook-retention.service.js';
import { WebhookGuard } from './receive/webhook.guard.js';
import { WebhookInboxInterceptor } from './receive/webhook-inbox.interceptor.js';
import { WebhookReceiverEvents } from './receive/webhook-receiver.events.js';
import { WebhookVerifier } from './receive/webhook-verifier.service.js';
import { ConfigurableWebhookModule, WEBHOOK_MODULE_OPTIONS } from './webhook.module-definition.js';
import { destinationPolicyFor, resolveWebhookOptions } from './webhook-options.resolver.js';
import { type ResolvedWebhookOptions, type WebhookModuleOptions } from './options/webhook-module.options.js';
import { systemClock } from './webhook-clock.js';
import {
  OUTBOX_STORE,
  WEBHOOK_CAPTURED_DATA_SOURCES,
  WEBHOOK_CLOCK,
  WEBHOOK_OPTIONS,
  WEBHOOK_TRANSPORT,
} from './webhook.tokens.js';

function outboxStoreFor({ main, names }: CapturedDataSources) {
  return createOutboxStore(requireOutboxEntities(main, names.get(main)!));
}

/**
 * Transactional webhooks for a TypeORM application: captures `@EmitsWebhook` entity changes (and
 * `WebhookPublisher` events) into an outbox in the same transaction, relays them to the endpoints in options and
 * those stored with `WebhookEndpoints`, prunes what has aged out, and verifies inbound webhooks with `@VerifyWebhook`
 * (replay-proof through an inbox table).
 *
 * @example
 * WebhookModule.forRoot({ endpoints: [{ url: 'https://erp.example.com/hooks', secret, eventTypes: ['order.*'] }] })
 *
 * WebhookModule.forRootAsync({
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ endpoints: [...] }),
 * })
 */
@Module({
  providers: [
    // One DestinationPolicy judges endpoint URLs at start-up and at runtime, and pins every request's DNS lookup.
    {
      provide: DestinationPolicy,
      useFactory: (options: WebhookModuleOptions) => destinationPolicyFor(options),
      inject: [WEBHOOK_MODULE_OPTIONS],
    },
    {
      provide: WEBHOOK_OPTIONS,
      useFactory: (options: WebhookModuleOptions, destinations: DestinationPolicy) =>
        resolveWebhookOptions(options, destinations),
      inject: [WEBHOOK_MODULE_OPTIONS, DestinationPolicy],
    },
    // Pending migrations stop the start (or warn, or are applied: the `migrations` option) before anything is captured.
    {
      provide: OUTBOX_MIGRATIONS_CHECK,
      useFactory: (sources: CapturedDataSources, options: ResolvedWebhookOptions) =>
        ensureOutboxMigrations(sources, options.migrations, new Logger(WebhookModule.name)),
      inject: [WEBHOOK_CAPTURED_DATA_SOURCES, WEBHOOK_OPTIONS],
    },
    { provide: OUTBOX_STORE, useFactory: outboxStoreFor, inject: [WEBHOOK_CAPTURED_DATA_SOURCES] },
    { provide: WEBHOOK_CLOCK, useValue: systemClock },
    {
      provide: WEBHOOK_TRANSPORT,
      useFactory: (options: ResolvedWebhookOptions, destinations: DestinationPolicy) =>
        options.delivery.transport === 'node-http'
          ? new NodeHttpWebhookTransport(destinations)
          : options.delivery.transport === 'axios'
            ? new AxiosWebhookTransport(destinations)
            : options.delivery.transport,
      inject: [WEBHOOK_OPTIONS, DestinationPolicy],
    },
    {
      provide: EndpointSecretCipher,
      useFactory: ({ encryption }: ResolvedWebhookOptions) => new EndpointSecretCipher(encryption.keys),
      inject: [WEBHOOK_OPTIONS],
    },
    WebhookMetadataAccessor,
    EntityEventShaper,
    OutboxWakeSignal,
    WebhookDeliveryEvents,
    PostgresCommitListener,
    CapturedOutboxForwarder,
    OutboxDueTimes,
    OutboxEventWriter,
    EntityChangeCapture,
    EntityChangeSubscriber,
    KeyedStatementCapture,
    WebhookPublisher,
    WebhookEventTypes,
    EndpointRowStore,
    EndpointDeclarationStore,
    EndpointRegistry,
    // Stored transformations run in worker threads, started at the first one and terminated at shutdown.
    { provide: TransformSandbox, useFactory: () => new TransformSandbox() },
    EndpointBackfill,
    EndpointTestEvents,
    RelayMetrics,
    OutboxRelay,
    RelayOrchestrator,
    WebhookReceiverEvents,
    WebhookVerifier,
    WebhookGuard,
    WebhookInboxInterceptor,
    WebhookDeliveries,
    EndpointFigures,
    EndpointDryRun,
    WebhookEndpoints,
    WebhookRetention,
    RetentionScheduler,
    WebhookHealthIndicator,
  ],
  exports: [
    WEBHOOK_OPTIONS,
    WEBHOOK_CLOCK,
    DestinationPolicy,
    OutboxRelay,
    RelayOrchestrator,
    WebhookReceiverEvents,
    WebhookDeliveryEvents,
    WebhookVerifier,
    WebhookGuard,
    WebhookInboxInterceptor,
    EndpointRegistry,
    WebhookDeliveries,
    EndpointFigures,
    EndpointDryRun,
    WebhookEndpoints,
    WebhookEventTypes,
    WebhookPublisher,
    WebhookRetention,
    WebhookHealthIndicator,
  ],
})
export class WebhookModule extends ConfigurableWebhookModule {}
