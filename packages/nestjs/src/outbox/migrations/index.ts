import type { MigrationInterface } from 'typeorm';
import { CreateWebhookOutbox1763900000000 } from './1763900000000-create-webhook-outbox.js';
import { AddDeliveryEngine1795000000000 } from './1795000000000-add-delivery-engine.js';
import { AddWebhookInbox1796000000000 } from './1796000000000-add-webhook-inbox.js';
import { AddEndpointStore1797000000000 } from './1797000000000-add-endpoint-store.js';
import { AddUnfannedEventIndex1798000000000 } from './1798000000000-add-unfanned-event-index.js';
import { AddTraceContext1799000000000 } from './1799000000000-add-trace-context.js';
import { AddAttemptTimeIndex1800000000000 } from './1800000000000-add-attempt-time-index.js';
import { AddEndpointFilter1801000000000 } from './1801000000000-add-endpoint-filter.js';
import { AddTransformations1802000000000 } from './1802000000000-add-transformations.js';
import { AddRateLimits1803000000000 } from './1803000000000-add-rate-limits.js';
import { AddPendingDeliveryIndexes1804000000000 } from './1804000000000-add-pending-delivery-indexes.js';
import { AddCodeEndpointRegistry1805000000000 } from './1805000000000-add-code-endpoint-registry.js';
import { AddDeliveryEndpointIndex1807000000000 } from './1807000000000-add-delivery-endpoint-index.js';
import { AddPortalLinks1808000000000 } from './1808000000000-add-portal-links.js';
import { AddDeliveryCreatedIndex1807500000000 } from './1807500000000-add-delivery-created-index.js';
import { AddAttemptRequest1806000000000 } from './1806000000000-add-attempt-request.js';

export {
  AddDeliveryCreatedIndex1807500000000,
  AddDeliveryEndpointIndex1807000000000,
  AddPortalLinks1808000000000,
  AddAttemptRequest1806000000000,
  AddCodeEndpointRegistry1805000000000,
  AddPendingDeliveryIndexes1804000000000,
  AddRateLimits1803000000000,
  AddAttemptTimeIndex1800000000000,
  AddEndpointFilter1801000000000,
  AddDeliveryEngine1795000000000,
  AddEndpointStore1797000000000,
  AddTraceContext1799000000000,
  AddTransformations1802000000000,
  AddUnfannedEventIndex1798000000000,
  AddWebhookInbox1796000000000,
  CreateWebhookOutbox1763900000000,
};

/** The package's migrations, in order; add them to your DataSource's `migrations`. */
export const webhookOutboxMigrations: Array<new () => MigrationInterface> = [
  CreateWebhookOutbox1763900000000,
  AddDeliveryEngine1795000000000,
  AddWebhookInbox1796000000000,
  AddEndpointStore1797000000000,
  AddUnfannedEventIndex1798000000000,
  AddTraceContext1799000000000,
  AddAttemptTimeIndex1800000000000,
  AddEndpointFilter1801000000000,
  AddTransformations1802000000000,
  AddRateLimits1803000000000,
  AddPendingDeliveryIndexes1804000000000,
  AddCodeEndpointRegistry1805000000000,
  AddAttemptRequest1806000000000,
  AddDeliveryEndpointIndex1807000000000,
  AddDeliveryCreatedIndex1807500000000,
  AddPortalLinks1808000000000,
];
