import { describe, expect, it } from 'vitest';
import type { ClaimedDelivery } from '../outbox/outbox-store.js';
import { DueClaimSchedule } from './due-claim.schedule.js';

const delivery = (endpointId: string): ClaimedDelivery => ({
  id: `dlv_${Math.random()}`,
  eventId: 'msg_1',
  endpointId,
  attempts: 0,
  attemptsInSeries: 0,
  lockedUntil: 0,
  eventType: 'order.created',
  payload: '{}',
  sourceId: null,
  occurredAt: 1,
  traceContext: null,
  endpointDisabledReason: null,
  transformed: false,
  requestChanges: null,
});
const claim = (
  claimed: ClaimedDelivery[],
  overrides: { limit?: number; perEndpoint?: number; excludedEndpoints?: number } = {},
) => ({
  limit: 10,
  perEndpoint: 5,
  excludedEndpoints: 0,
  claimed,
  ...overrides,
});

describe('DueClaimSchedule', () => {
  it('claims on the first round', () => {
    expect(new DueClaimSchedule().mustClaim(0, 100)).toBe(true);
  });

  it('after a claim that found every due delivery, skips the claim until it is maxAge old', () => {
    const schedule = new DueClaimSchedule();
    schedule.claimed(1_000, claim([delivery('a'), delivery('b')]));
    expect(schedule.mustClaim(1_050, 100)).toBe(false);
    expect(schedule.mustClaim(1_100, 100)).toBe(true);
    expect(schedule.mustClaim(1_000, 0)).toBe(true);
  });

  it('claims again after a claim that may have left due deliveries behind', () => {
    const full = new DueClaimSchedule();
    full.claimed(1_000, claim(Array.from({ length: 10 }, (_, n) => delivery(`e${n}`))));
    expect(full.mustClaim(1_001, 100)).toBe(true);

    const excluding = new DueClaimSchedule();
    excluding.claimed(1_000, claim([delivery('a')], { excludedEndpoints: 1 }));
    expect(excluding.mustClaim(1_001, 100)).toBe(true);

    const atShare = new DueClaimSchedule();
    atShare.claimed(1_000, claim([delivery('a'), delivery('b'), delivery('a')], { perEndpoint: 2 }));
    expect(atShare.mustClaim(1_001, 100)).toBe(true);
  });

  it('claims again once told that deliveries became due', () => {
    const schedule = new DueClaimSchedule();
    schedule.claimed(1_000, claim([]));
    schedule.invalidate();
    expect(schedule.mustClaim(1_001, 100)).toBe(true);
  });
});
