import type { ClaimedDelivery } from '../outbox/outbox-store.js';

/** One claim of due deliveries, as the relay made it. */
export interface DueClaim {
  /** Deliveries asked for. */
  limit: number;
  /** At most this many of one endpoint. */
  perEndpoint: number;
  /** Endpoints left out of the claim. */
  excludedEndpoints: number;
  claimed: readonly ClaimedDelivery[];
}

/**
 * Whether a relay round must claim due deliveries (retries, deliveries a fan-out created unclaimed, given-back
 * claims) before it fans out new events, or may go straight to the fan-out.
 *
 * A claim that came back short of its limit, with no endpoint left out and none at its share, saw every delivery
 * due at that moment. What becomes due after it is either this worker's doing (a fan-out that left deliveries
 * unclaimed, a claim given back: `invalidate()` makes the next round claim) or comes with time (retries coming due,
 * other workers' leftovers, lapsed leases), which may wait `maxAge` ms. Claiming every round instead costs a
 * statement that finds nothing on most rounds of a busy relay (measured on PostgreSQL: ~1 ms of B6's 5 ms
 * commit-to-received latency, and 10-18% of B2's drain rate).
 */
export class DueClaimSchedule {
  /** When a claim last saw every due delivery; undefined when the next round must claim. */
  private sawAllAt?: number;

  /** Whether a round at `now` (ms, monotonic) must claim due deliveries first. */
  mustClaim(now: number, maxAge: number): boolean {
    return this.sawAllAt === undefined || now - this.sawAllAt >= maxAge;
  }

  /** Notes a claim issued at `now` (ms, monotonic): whether it can have left due deliveries behind. */
  claimed(now: number, { limit, perEndpoint, excludedEndpoints, claimed }: DueClaim): void {
    this.sawAllAt =
      claimed.length < limit && excludedEndpoints === 0 && !reachesShare(claimed, perEndpoint) ? now : undefined;
  }

  /**
   * Whether due deliveries may be waiting that the last claim left behind (it was held back by the relay's own
   * limits: endpoints at their share or left out, a full batch) or never saw (`invalidate()`).
   */
  get mayHaveLeftDue(): boolean {
    return this.sawAllAt === undefined;
  }

  /** Deliveries became due that the last claim did not see: the next round claims. */
  invalidate(): void {
    this.sawAllAt = undefined;
  }
}

function reachesShare(claimed: readonly ClaimedDelivery[], perEndpoint: number): boolean {
  if (claimed.length < perEndpoint) return false;
  const counts = new Map<string, number>();
  for (const { endpointId } of claimed) {
    const count = (counts.get(endpointId) ?? 0) + 1;
    if (count >= perEndpoint) return true;
    counts.set(endpointId, count);
  }
  return false;
}
