import { WebhookAttemptEntity } from './webhook-attempt.entity.js';
import { WebhookBackfillEntity } from './webhook-backfill.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import { WebhookEntitySequenceEntity } from './webhook-entity-sequence.entity.js';
import { WebhookEndpointStateEntity } from './webhook-endpoint-state.entity.js';
import { WebhookEventEntity } from './webhook-event.entity.js';
import { WebhookInboxEntity } from './webhook-inbox.entity.js';
import { WebhookPortalLinkEntity } from './webhook-portal-link.entity.js';

export {
  WebhookAttemptEntity,
  WebhookBackfillEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookEndpointStateEntity,
  WebhookEntitySequenceEntity,
  WebhookEventEntity,
  WebhookInboxEntity,
  WebhookPortalLinkEntity,
};
export type { WebhookAttemptRequest } from './webhook-attempt.entity.js';

/**
 * The package's tables (the outbox, stored endpoints, and the inbox of received webhook ids); add them to your DataSource's
 * `entities` (or use `autoLoadEntities: true`).
 */
export const webhookOutboxEntities: Array<new () => object> = [
  WebhookEventEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  WebhookEndpointStateEntity,
  WebhookEndpointEntity,
  WebhookBackfillEntity,
  WebhookEntitySequenceEntity,
  WebhookInboxEntity,
  WebhookPortalLinkEntity,
];
