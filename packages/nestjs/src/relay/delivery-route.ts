import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ClaimedDelivery, DeliveryRequestChanges } from '../outbox/outbox-store.js';
import { sendTimeTransform } from './send-time-transform.js';

/**
 * How long a delivery of an endpoint the database does not describe waits before it is claimed again (ms): the
 * endpoint may be registered by a newer instance soon, or belong to an application on an older version.
 */
const UNKNOWN_ENDPOINT_DELAY_MS = 30_000;

/** How long a delivery waits for an instance that has its endpoint's transformation function (ms). */
const ELSEWHERE_TRANSFORM_DELAY_MS = 5_000;

/** Where a claimed delivery goes from this instance: sent, failed untried, or given back for later. */
export type DeliveryRoute =
  | {
      kind: 'send';
      endpoint: ResolvedWebhookEndpoint;
      /** What this instance's function transformation made of it, when it made it at send time. */
      transformed?: { payload: string | null; changes: DeliveryRequestChanges | null };
    }
  | { kind: 'fail'; reason: 'endpoint-deleted' | 'transform-failed'; message: string }
  | { kind: 'postpone'; delayMs: number; cause: string };

/**
 * The endpoint a delivery is sent to, as the registry knows it. Only the database says an endpoint is gone: one it
 * does not describe (yet) waits for a later refresh, and a delivery whose function transformation this instance
 * lacks waits for an instance that has it.
 */
export async function routeDelivery(endpoints: EndpointRegistry, delivery: ClaimedDelivery): Promise<DeliveryRoute> {
  let endpoint = endpoints.get(delivery.endpointId);
  if (!endpoint) {
    // Registered by another instance since this one last looked: look again before anything else.
    await endpoints.refresh();
    endpoint = endpoints.get(delivery.endpointId);
  }
  if (!endpoint) {
    return (await endpoints.isRetired(delivery.endpointId))
      ? {
          kind: 'fail',
          reason: 'endpoint-deleted',
          message: `endpoint "${delivery.endpointId}" was deleted or retired`,
        }
      : { kind: 'postpone', delayMs: UNKNOWN_ENDPOINT_DELAY_MS, cause: 'is not registered in the database (yet)' };
  }
  const transform = sendTimeTransform(endpoint, delivery);
  switch (transform.kind) {
    case 'elsewhere':
      return {
        kind: 'postpone',
        delayMs: ELSEWHERE_TRANSFORM_DELAY_MS,
        cause: 'has a transformation function this instance lacks',
      };
    case 'failed':
      return { kind: 'fail', reason: 'transform-failed', message: transform.message };
    case 'send':
      return { kind: 'send', endpoint, transformed: transform };
    default:
      return { kind: 'send', endpoint };
  }
}
