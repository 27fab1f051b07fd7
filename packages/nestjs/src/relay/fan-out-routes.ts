import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { TransformSandbox } from '../endpoints/transform-sandbox.js';
import {
  hasStoredTransform,
  type RoutableEvent,
  routeEventsWithTransforms,
  routeWithTransforms,
  type TransformedRoute,
} from '../endpoints/transformed-routes.js';
import type { EventRouter, OutboxStore } from '../outbox/outbox-store.js';

/**
 * Thrown by a round's router when the fan-out took an event whose stored transformations did not run beforehand
 * (committed, or freed by another worker, between the look and the fan-out): the fan-out's transaction rolls back,
 * and the next round takes the event.
 */
export class TransformsNotReadyError extends Error {
  constructor() {
    super('The fan-out took an event whose stored transformations have not run yet; the next round takes it.');
  }
}

/** How a round fans out: with this router, and at most this many events (0: none now). */
export interface FanOutRouting {
  route: EventRouter;
  limit: number;
}

/**
 * Routes a round's fan-out. A store fans out inside one transaction, synchronously per event (SQLite's is), while a
 * stored transformation runs in the sandbox, asynchronously; so when any stored endpoint has one, the round first
 * reads the events it is about to fan out, runs their stored transformations in one batch, and the fan-out takes
 * no more events than that and routes them from the answers. Without stored transformations it routes in process,
 * as it always did, at no extra cost.
 */
export class FanOutRoutes {
  constructor(
    private readonly store: OutboxStore,
    private readonly endpoints: EndpointRegistry,
    private readonly sandbox: TransformSandbox,
  ) {}

  async prepare(limit: number): Promise<FanOutRouting> {
    const subscribersOf = ({ type, tenant, payload }: RoutableEvent) =>
      this.endpoints.subscribersOf(type, tenant, payload);
    const inProcess: EventRouter = (event) => routeWithTransforms(subscribersOf(event), event.payload);
    if (!this.endpoints.all().some(hasStoredTransform)) return { route: inProcess, limit };
    const events = await this.store.unfannedEvents(limit);
    if (events.length === 0) return { route: inProcess, limit: 0 };
    const routes = await routeEventsWithTransforms(events, subscribersOf, this.sandbox);
    const ready = new Map<string, TransformedRoute[]>(events.map((event, index) => [keyOf(event), routes[index]!]));
    return {
      limit: events.length,
      route: (event) => {
        const known = ready.get(keyOf(event));
        if (known) return known;
        const endpoints = subscribersOf(event);
        if (endpoints.some(hasStoredTransform)) throw new TransformsNotReadyError();
        return routeWithTransforms(endpoints, event.payload);
      },
    };
  }
}

/** Routing depends on the event's type, tenant and body only: events alike in these are routed alike. */
const keyOf = ({ type, tenant, payload }: RoutableEvent) =>
  `${type}\n${tenant === null ? '-' : `+${tenant}`}\n${payload}`;
