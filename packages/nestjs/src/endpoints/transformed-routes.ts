import { applyTransform } from './webhook-transform.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';

/** An endpoint an event goes to, with what its transformation made of the event (see `EventRouter`). */
export interface TransformedRoute {
  id: string;
  tenant: string | null;
  payload: string | null;
  request: string | null;
}

/**
 * The subscribed endpoints of one event, each with its transformation applied: an endpoint whose transformation
 * drops the event gets no delivery; one whose transformation fails gets a delivery that fails untried, saying why.
 */
export function routeWithTransforms(
  endpoints: readonly ResolvedWebhookEndpoint[],
  payload: string,
): TransformedRoute[] {
  const routes: TransformedRoute[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.transform === null) {
      routes.push({ id: endpoint.id, tenant: endpoint.tenant, payload: null, request: null });
      continue;
    }
    const outcome = applyTransform(endpoint.transform, payload);
    if (outcome.kind === 'drop') continue;
    routes.push({
      id: endpoint.id,
      tenant: endpoint.tenant,
      payload: outcome.kind === 'send' ? outcome.payload : null,
      request: outcome.request,
    });
  }
  return routes;
}
