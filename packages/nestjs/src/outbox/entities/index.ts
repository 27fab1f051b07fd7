import { WebhookAttemptEntity } from './webhook-attempt.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointStateEntity } from './webhook-endpoint-state.entity.js';
import { WebhookEventEntity } from './webhook-event.entity.js';

export { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointStateEntity, WebhookEventEntity };

/** The outbox tables; add them to your DataSource's `entities` (or use `autoLoadEntities: true`). */
export const webhookOutboxEntities = [WebhookEventEntity, WebhookDeliveryEntity, WebhookAttemptEntity, WebhookEndpointStateEntity];
