import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { ClaimedDelivery, OutboxStore } from '../outbox/outbox-store.js';
import type { WebhookClock } from '../webhook-clock.js';

/** The shortest slice a rate window is cut into, in ms. */
const MIN_SLICE_MS = 100;

/**
 * The slice of its window `now` falls in, for a limit of `limit` per `windowMs`: the window is cut into up to
 * `windowMs / 100` equal slices (at most one per send), each granting its share of the limit, the shares summing
 * to the limit. Spread so, a slice's sends that arrive after their second has ended add at most one slice's share
 * to the next second at the receiver, instead of the whole limit.
 */
export function rateSlice(limit: number, windowMs: number, now: number): { start: number; end: number; limit: number } {
  const slices = Math.max(1, Math.min(limit, Math.floor(windowMs / MIN_SLICE_MS)));
  const sliceMs = windowMs / slices;
  const windowStart = now - (now % windowMs);
  const index = Math.min(slices - 1, Math.floor((now - windowStart) / sliceMs));
  const share = (i: number) => Math.floor((limit * i) / slices);
  return {
    start: Math.round(windowStart + index * sliceMs),
    end: Math.round(windowStart + (index + 1) * sliceMs),
    limit: share(index + 1) - share(index),
  };
}

/**
 * Holds rate-limited endpoints to their limit across every instance on the database: before claimed deliveries
 * start, each limited endpoint takes its sends from its shared window slice (`OutboxStore.takeSends`); what the
 * slice cannot grant goes back, due at the next slice, so it holds no request slot meanwhile. An endpoint whose slice
 * is spent is left out of this instance's claims until the slice ends.
 */
export class RateLimitGate {
  /** Endpoints whose current window is spent, with the window's end (epoch ms). */
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly store: OutboxStore,
    private readonly endpoints: EndpointRegistry,
    private readonly clock: WebhookClock,
  ) {}

  /** Endpoints to leave out of claims at `now`: their window is spent. */
  spentEndpoints(now: number): string[] {
    const spent: string[] = [];
    for (const [endpointId, until] of this.spent) {
      if (until > now) spent.push(endpointId);
      else this.spent.delete(endpointId);
    }
    return spent;
  }

  /**
   * The deliveries of `claimed` that may be sent now, in their order; the others (beyond a limited endpoint's window)
   * are given back, due when its next window opens.
   */
  async admit(claimed: readonly ClaimedDelivery[], lockToken: string): Promise<ClaimedDelivery[]> {
    const limited = new Map<string, ClaimedDelivery[]>();
    for (const delivery of claimed) {
      if (!this.endpoints.get(delivery.endpointId)?.rateLimit) continue;
      const list = limited.get(delivery.endpointId) ?? [];
      list.push(delivery);
      limited.set(delivery.endpointId, list);
    }
    if (limited.size === 0) return [...claimed];
    const refused = new Set<string>();
    for (const [endpointId, deliveries] of limited) {
      const { limit, windowMs } = this.endpoints.get(endpointId)!.rateLimit!;
      // The slice of the moment the sends are taken, not of the round's start: a round that began late in one slice
      // (the claim before it can take a while on a busy host) would otherwise spend that slice's share in the next,
      // and several instances doing so put several shares into one second at the receiver (CI saw 60 of 50/s).
      const now = this.clock.now();
      const slice = rateSlice(limit, windowMs, now);
      const granted = await this.store.takeSends(endpointId, slice.start, slice.limit, deliveries.length, now);
      if (granted === deliveries.length) continue;
      this.spent.set(endpointId, slice.end);
      for (const delivery of deliveries.slice(granted)) {
        refused.add(delivery.id);
        await this.store.postponeClaim(delivery.id, lockToken, slice.end);
      }
    }
    return claimed.filter((delivery) => !refused.has(delivery.id));
  }
}
