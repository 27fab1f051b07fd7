import type { EndpointStatus } from './api-client.js';
import { href } from './router.js';
import { formatTime } from './time-format.js';

/** The endpoints the reader can see, by id (from `GET endpoints`); `undefined` until they are loaded. */
export type EndpointsById = ReadonlyMap<string, EndpointStatus> | undefined;

/** Endpoints by id, for naming the endpoint of each delivery. */
export function endpointsById(endpoints: readonly EndpointStatus[] | undefined): EndpointsById {
  return endpoints && new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
}

/** What people call an endpoint: its description, else its URL. */
export function endpointLabel(endpoint: EndpointStatus): string {
  return endpoint.description || endpoint.url;
}

/**
 * An endpoint by name, linking to its page; an endpoint deleted since (its log stays) is said to be, rather than shown
 * as if it still existed. `deleted` decides when an id missing from `endpoints` is gone (see `useEndpointNames`: not
 * one created after the list was loaded); without it, every missing id is. Until it is known, the id.
 */
export function EndpointName({
  id,
  endpoints,
  deleted,
}: {
  id: string;
  endpoints: EndpointsById;
  deleted?: (id: string) => boolean;
}) {
  const endpoint = endpoints?.get(id);
  if (!endpoint && endpoints !== undefined && (deleted?.(id) ?? true))
    return (
      <span data-testid="endpoint-name">
        <span class="deleted-mark">deleted endpoint</span> <span class="muted">{id}</span>
      </span>
    );
  if (!endpoint) return <span class="muted">{id}</span>;
  // The id too: it is what logs and alerts carry.
  return (
    <span data-testid="endpoint-name">
      <a href={href(['endpoints', id])}>{endpointLabel(endpoint)}</a> <span class="muted endpoint-id">{id}</span>
    </span>
  );
}

/**
 * Why a pending delivery is not sent when its endpoint holds it: paused (it waits until then) or disabled (when due
 * it fails with `endpoint-disabled`). Nothing for an endpoint that sends.
 */
export function EndpointHold({ id, endpoints, status }: { id: string; endpoints: EndpointsById; status: string }) {
  const endpoint = endpoints?.get(id);
  if (!endpoint || status !== 'pending') return null;
  if (endpoint.state === 'paused' && endpoint.pausedUntil !== null)
    return (
      <div class="hold" data-testid="endpoint-paused">
        Waits: its endpoint is paused until {formatTime(endpoint.pausedUntil)}.
      </div>
    );
  if (endpoint.state === 'disabled')
    return (
      <div class="hold" data-testid="endpoint-disabled">
        Its endpoint is disabled{endpoint.disabled ? ` (${endpoint.disabled.reason})` : ''}: when due, this delivery
        fails instead of being sent.
      </div>
    );
  return null;
}

/** `pending` with a failed attempt behind it is `retrying`, as the search's status filter says. */
export function deliveryStatus(delivery: { status: string; attempts: number }): string {
  return delivery.status === 'pending' && delivery.attempts > 0 ? 'retrying' : delivery.status;
}
