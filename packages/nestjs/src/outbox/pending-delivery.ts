import type { WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { newOutboxId } from './outbox-ids.js';
import type { DeliveryRequestChanges } from './outbox-store.js';

/**
 * A new delivery of an event to an endpoint, due at once: what fan-out and backfill insert. `transformed` carries
 * what the endpoint's transformation made of the event (its body of record and request changes), if anything.
 */
export function pendingDelivery(
  event: { id: string; orderingKey: string | null; sequence: number | null },
  endpoint: { id: string; tenant: string | null },
  now: number,
  transformed: { payload: string | null; request: string | null } = { payload: null, request: null },
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
    payload: transformed.payload,
    request: transformed.request,
  };
}

/**
 * What a claimed delivery carries of its transformation: whether it was transformed (the endpoint's `thin` format no
 * longer applies: the transformation chose the body) and its request changes, parsed from the stored JSON.
 */
export function requestChangesOf(transformed: { payload: string | null; request: string | null }): {
  transformed: boolean;
  requestChanges: DeliveryRequestChanges | null;
} {
  return {
    transformed: transformed.payload !== null || transformed.request !== null,
    requestChanges: transformed.request === null ? null : (JSON.parse(transformed.request) as DeliveryRequestChanges),
  };
}
