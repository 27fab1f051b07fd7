import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { ClaimedDelivery, OutboxStore } from '../outbox/outbox-store.js';

/**
 * Holds rate-limited endpoints to their limit across every instance on the database: before claimed deliveries
 * start, each limited endpoint takes its sends from its shared window (`OutboxStore.takeSends`); what the window
 * cannot grant goes back, due at the next window, so it holds no slot meanwhile. An endpoint whose window is spent
 * is left out of this instance's claims until the window ends.
 */
export class RateLimitGate {
  /** Endpoints whose current window is spent, with the window's end (epoch ms). */
  private readonly spent = new Map<string, number>();

  constructor(
    private readonly store: OutboxStore,
    private readonly endpoints: EndpointRegistry,
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
  async admit(claimed: readonly ClaimedDelivery[], lockToken: string, now: number): Promise<ClaimedDelivery[]> {
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
      const window = now - (now % windowMs);
      const granted = await this.store.takeSends(endpointId, window, limit, deliveries.length, now);
      if (granted === deliveries.length) continue;
      this.spent.set(endpointId, window + windowMs);
      for (const delivery of deliveries.slice(granted)) {
        refused.add(delivery.id);
        await this.store.postponeClaim(delivery.id, lockToken, window + windowMs);
      }
    }
    return claimed.filter((delivery) => !refused.has(delivery.id));
  }
}
