import { applyTransform } from '../endpoints/webhook-transform.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ClaimedDelivery, DeliveryRequestChanges } from '../outbox/outbox-store.js';

/** What a claimed delivery of a code endpoint with a function transformation needs before it is sent here. */
export type SendTimeTransform =
  /** Nothing: it was transformed when fanned out, or its endpoint has no function transformation. */
  | { kind: 'none' }
  /** This instance lacks the function: leave the delivery to one that has it. */
  | { kind: 'elsewhere' }
  /** The transformation failed, or dropped the event: the delivery fails untried, saying why. */
  | { kind: 'failed'; message: string }
  /** Send this body (or the event's own, when `null`) with these request changes. */
  | { kind: 'send'; payload: string | null; changes: DeliveryRequestChanges | null };

/**
 * A delivery of a code endpoint whose function transformation the fanning-out instance did not have is routed
 * untransformed; an instance that has the function transforms it before each attempt, one without it never sends
 * it. Every instance can then make the delivery (no event is lost for the endpoint) and none sends what the
 * transformation was there to reshape or withhold.
 */
export function sendTimeTransform(endpoint: ResolvedWebhookEndpoint, delivery: ClaimedDelivery): SendTimeTransform {
  // Transformed at fan-out (body or request changed), or failed there: what is stored is what counts.
  if (endpoint.codeTransform !== true || delivery.transformed || delivery.payload === null) return { kind: 'none' };
  if (endpoint.transform?.kind !== 'function') return { kind: 'elsewhere' };
  const outcome = applyTransform(endpoint.transform, delivery.payload);
  switch (outcome.kind) {
    case 'error':
      return { kind: 'failed', message: outcome.message };
    case 'drop':
      return { kind: 'failed', message: 'the transformation dropped the event when it was sent' };
    case 'send':
      return {
        kind: 'send',
        payload: outcome.payload,
        changes: outcome.request === null ? null : (JSON.parse(outcome.request) as DeliveryRequestChanges),
      };
  }
}
