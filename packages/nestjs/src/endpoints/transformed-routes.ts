import { applyTransform, sandboxedOutcome, type TransformOutcome } from './webhook-transform.js';
import type { SandboxItem, TransformSandbox } from './transform-sandbox.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';

/** An endpoint an event goes to, with what its transformation made of the event (see `EventRouter`). */
export interface TransformedRoute {
  id: string;
  tenant: string | null;
  payload: string | null;
  request: string | null;
}

/** An event as routing sees it. */
export interface RoutableEvent {
  type: string;
  tenant: string | null;
  payload: string;
}

/** Whether an endpoint's transformation is a stored expression, which only the sandbox may run. */
export const hasStoredTransform = (endpoint: ResolvedWebhookEndpoint): boolean =>
  endpoint.transform?.kind === 'expression';

/**
 * The subscribed endpoints of each event, each with its transformation applied: an endpoint whose transformation
 * drops the event gets no delivery; one whose transformation fails gets a delivery that fails untried, saying why.
 * Every stored transformation of the events runs in the sandbox, in one batch; functions from options run here.
 */
export async function routeEventsWithTransforms(
  events: readonly RoutableEvent[],
  subscribersOf: (event: RoutableEvent) => readonly ResolvedWebhookEndpoint[],
  sandbox: TransformSandbox,
): Promise<TransformedRoute[][]> {
  const subscribed = events.map(subscribersOf);
  const items: SandboxItem[] = [];
  subscribed.forEach((endpoints, index) => {
    for (const endpoint of endpoints)
      if (endpoint.transform?.kind === 'expression')
        items.push({ expression: endpoint.transform.source, payload: events[index]!.payload, endpointId: endpoint.id });
  });
  const results = items.length > 0 ? await sandbox.run(items) : [];
  let next = 0;
  return subscribed.map((endpoints, index) =>
    routesOf(endpoints, events[index]!.payload, () => sandboxedOutcome(results[next++]!)),
  );
}

/**
 * The routes of one event whose endpoints have no stored transformation (see `hasStoredTransform`): only functions
 * from options, which run here. Throws on a stored one, which must go through `routeEventsWithTransforms`.
 */
export function routeWithTransforms(
  endpoints: readonly ResolvedWebhookEndpoint[],
  payload: string,
): TransformedRoute[] {
  return routesOf(endpoints, payload, () => {
    throw new Error('A stored transformation runs in the transformation sandbox: use routeEventsWithTransforms().');
  });
}

function routesOf(
  endpoints: readonly ResolvedWebhookEndpoint[],
  payload: string,
  storedOutcome: () => TransformOutcome,
): TransformedRoute[] {
  const routes: TransformedRoute[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.transform === null) {
      routes.push({ id: endpoint.id, tenant: endpoint.tenant, payload: null, request: null });
      continue;
    }
    const outcome =
      endpoint.transform.kind === 'function' ? applyTransform(endpoint.transform, payload) : storedOutcome();
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
