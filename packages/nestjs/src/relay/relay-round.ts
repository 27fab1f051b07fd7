import type { ClaimedDelivery } from '../outbox/outbox-store.js';

/** What one `dispatch()` did. */
export interface RelayRoundResult {
  /** Events moved from the outboxes of `captureDataSources` to the module's own. */
  forwarded: number;
  /** Events turned into deliveries. */
  fannedOut: number;
  /** Deliveries claimed (and started, or queued behind their endpoint's other requests). */
  claimed: number;
  /** A full batch was forwarded or fanned out, or the claim filled every slot it asked for: more may be due right now. */
  more: boolean;
  /**
   * The round's claim may have left due deliveries behind for this worker's own reasons (endpoints at their share
   * or with deliveries queued here), or a fan-out left some unclaimed: once slots free, claim again at once.
   */
  heldBack: boolean;
}

/** How many of `deliveries` go to each endpoint: a round's share per endpoint is counted across its claim and fan-out. */
export function countByEndpoint(deliveries: readonly ClaimedDelivery[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { endpointId } of deliveries) counts.set(endpointId, (counts.get(endpointId) ?? 0) + 1);
  return counts;
}
