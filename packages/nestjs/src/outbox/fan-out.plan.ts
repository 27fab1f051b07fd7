import type { ClaimedDelivery, EventRouter, FanOutClaim, FanOutResult } from './outbox-store.js';
import { pendingDelivery, requestChangesOf } from './pending-delivery.js';

/** An event as fan-out reads it: what routing needs, and what sending a delivery of it needs. */
export interface UnfannedEvent {
  id: string;
  type: string;
  tenant: string | null;
  orderingKey: string | null;
  sequence: number | null;
  payload: string;
  sourceId: string | null;
  occurredAt: number;
  traceContext: string | null;
}

/** Endpoints whose state changes what a fan-out claims: paused ones are not claimed, disabled ones are claimed to be failed untried. */
export interface EndpointHolds {
  paused: ReadonlySet<string>;
  /** Disabled endpoints and why. */
  disabled: ReadonlyMap<string, string>;
}

const NO_HOLDS: EndpointHolds = { paused: new Set(), disabled: new Map() };

/** Maps the rows of `endpointHoldsStatement` (drivers differ in how they return the flag). */
export function endpointHoldsFromRows(rows: ReadonlyArray<Record<string, unknown>>): EndpointHolds {
  const paused = new Set<string>();
  const disabled = new Map<string, string>();
  for (const row of rows) {
    if (Number(row.paused) === 1) paused.add(String(row.endpoint_id));
    if (row.disabled_reason != null) disabled.set(String(row.endpoint_id), String(row.disabled_reason));
  }
  return { paused, disabled };
}

export type PlannedDelivery = ReturnType<typeof pendingDelivery>;

/** The deliveries to insert, and those of them created claimed. */
export interface FanOutPlan {
  deliveries: PlannedDelivery[];
  claimed: ClaimedDelivery[];
}

/**
 * One delivery per subscribed endpoint of each event. With a `claim`, the first deliveries the claim statement
 * would take are created claimed: not those of ordered events (they wait for the row's earlier events, which only
 * the claim statement checks), of excluded endpoints, or of paused ones.
 */
export function planFanOut(
  events: readonly UnfannedEvent[],
  route: EventRouter,
  now: number,
  claim?: FanOutClaim,
  holds: EndpointHolds = NO_HOLDS,
): FanOutPlan {
  const deliveries: PlannedDelivery[] = [];
  const claimed: ClaimedDelivery[] = [];
  const excluded = new Set(claim?.excludeEndpoints);
  const perEndpoint = new Map(claim?.alreadyClaimed);
  for (const event of events) {
    for (const endpoint of route(event)) {
      const transformed = { payload: endpoint.payload ?? null, request: endpoint.request ?? null };
      const delivery = pendingDelivery(event, endpoint, now, transformed);
      deliveries.push(delivery);
      if (!claim || claimed.length >= claim.limit || event.orderingKey !== null) continue;
      if (excluded.has(endpoint.id) || holds.paused.has(endpoint.id)) continue;
      const count = perEndpoint.get(endpoint.id) ?? 0;
      if (count >= claim.perEndpoint) continue;
      perEndpoint.set(endpoint.id, count + 1);
      delivery.lockedUntil = claim.lockedUntil;
      delivery.lockToken = claim.lockToken;
      claimed.push({
        id: delivery.id,
        eventId: event.id,
        endpointId: endpoint.id,
        attempts: 0,
        attemptsInSeries: 0,
        lockedUntil: claim.lockedUntil,
        eventType: event.type,
        payload: transformed.payload ?? event.payload,
        sourceId: event.sourceId,
        occurredAt: event.occurredAt,
        traceContext: event.traceContext,
        endpointDisabledReason: holds.disabled.get(endpoint.id) ?? null,
        ...requestChangesOf(transformed),
      });
    }
  }
  return { deliveries, claimed };
}

/**
 * What a fan-out of `events` did, given which claimed deliveries were inserted (one that already existed for its
 * event and endpoint was not, and must not be sent).
 */
export function fanOutResult(events: number, plan: FanOutPlan, inserted: (id: string) => boolean): FanOutResult {
  const claimed = plan.claimed.filter((delivery) => inserted(delivery.id));
  const unclaimed = plan.deliveries.filter((delivery) => delivery.lockToken === null);
  return {
    events,
    claimed,
    unclaimed: unclaimed.length,
    unclaimedOrdered: unclaimed.filter((delivery) => delivery.orderingKey !== null).length,
  };
}

/** A fan-out that found no event. */
export const NOTHING_FANNED_OUT: FanOutResult = Object.freeze({
  events: 0,
  claimed: [],
  unclaimed: 0,
  unclaimedOrdered: 0,
});
