import type { WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { newOutboxId } from './outbox-ids.js';

/** A new delivery of an event to an endpoint, due at once: what fan-out and backfill insert. */
export function pendingDelivery(
  event: { id: string; orderingKey: string | null; sequence: number | null },
  endpoint: { id: string; tenant: string | null },
  now: number,
): Omit<WebhookDeliveryEntity, 'failureReason' | 'seriesStart'> {
  return {
    id: newOutboxId('dlv'),
    eventId: event.id,
    endpointId: endpoint.id,
    tenant: endpoint.tenant,
    orderingKey: event.orderingKey,
    sequence: event.sequence,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lockedUntil: null,
    lockToken: null,
    lastStatusCode: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}
