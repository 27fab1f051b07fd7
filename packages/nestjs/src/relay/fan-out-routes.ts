import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { TransformSandbox } from '../endpoints/transform-sandbox.js';
import {
  hasStoredTransform,
  type RoutableEvent,
  routeEventsWithTransforms,
  routeWithTransforms,
  type TransformedRoute,
} from '../endpoints/transformed-routes.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
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
 * looks at the events it is about to fan out, runs their stored transformations in one batch, and the fan-out takes
 * no more events than that and routes them from the answers. Without stored transformations it routes in process,
 * as it always did, at no extra cost. Under a backlog the relay asks for the next round's look as soon as a round
 * has fanned out (`lookAhead`), so the sandbox works while the round's requests go out.
 */
export class FanOutRoutes {
  /** The routes of the events of the last look, by `keyOf`: kept until the events are fanned out. */
  private ready = new Map<string, TransformedRoute[]>();
  /** The endpoints `ready` was routed to: a change of endpoints makes it stale. */
  private routedTo: readonly ResolvedWebhookEndpoint[] = [];
  /** A look under way (`lookAhead`): how many events it found. */
  private looking?: Promise<number>;

  constructor(
    private readonly store: OutboxStore,
    private readonly endpoints: EndpointRegistry,
    private readonly sandbox: TransformSandbox,
  ) {}

  async prepare(limit: number): Promise<FanOutRouting> {
    const inProcess: EventRouter = (event) => routeWithTransforms(this.subscribersOf(event), event.payload);
    if (!this.endpoints.all().some(hasStoredTransform)) {
      this.ready = new Map();
      return { route: inProcess, limit };
    }
    const ahead = this.looking ? await this.looking : 0;
    this.looking = undefined;
    const found = ahead > 0 ? ahead : await this.look(limit);
    if (found === 0) return { route: inProcess, limit: 0 };
    const ready = this.ready;
    return {
      limit: Math.min(limit, found),
      route: (event) => {
        const known = ready.get(keyOf(event));
        if (known) return known;
        const endpoints = this.subscribersOf(event);
        if (endpoints.some(hasStoredTransform)) throw new TransformsNotReadyError();
        return routeWithTransforms(endpoints, event.payload);
      },
    };
  }

  /** Starts the next round's look now (up to `limit` events), when stored transformations exist and none is under way. */
  lookAhead(limit: number): void {
    if (this.looking || !this.endpoints.all().some(hasStoredTransform)) return;
    // A failed look only means the next round looks again itself.
    this.looking = this.look(limit).catch(() => 0);
  }

  /** Reads up to `limit` events not fanned out, and routes those not routed yet; returns how many it read. */
  private async look(limit: number): Promise<number> {
    const events = await this.store.unfannedEvents(limit);
    const endpoints = this.endpoints.all();
    const known =
      endpoints.length === this.routedTo.length && endpoints.every((endpoint, i) => endpoint === this.routedTo[i])
        ? this.ready
        : new Map<string, TransformedRoute[]>();
    const fresh = events.filter((event) => !known.has(keyOf(event)));
    const routes = await routeEventsWithTransforms(fresh, (event) => this.subscribersOf(event), this.sandbox);
    const ready = new Map<string, TransformedRoute[]>(fresh.map((event, index) => [keyOf(event), routes[index]!]));
    for (const event of events) {
      const key = keyOf(event);
      if (!ready.has(key)) ready.set(key, known.get(key)!);
    }
    this.ready = ready;
    this.routedTo = endpoints;
    return events.length;
  }

  private subscribersOf({ type, tenant, payload }: RoutableEvent): ResolvedWebhookEndpoint[] {
    return this.endpoints.subscribersOf(type, tenant, payload);
  }
}

/** Routing depends on the event's type, tenant and body only: events alike in these are routed alike. */
const keyOf = ({ type, tenant, payload }: RoutableEvent) =>
  `${type}\n${tenant === null ? '-' : `+${tenant}`}\n${payload}`;
