import { describe, expect, it } from 'vitest';
import { endpointHoldsFromRows, fanOutResult, planFanOut, type UnfannedEvent } from './fan-out.plan.js';
import { type FanOutClaim } from './outbox-store.js';

const event = (id: string, orderingKey: string | null = null): UnfannedEvent => ({
  id,
  type: 'order.created',
  tenant: null,
  orderingKey,
  sequence: orderingKey ? 1 : null,
  payload: `{"id":"${id}"}`,
  occurredAt: 1,
  traceContext: null,
  sourceId: id,
});
const claim = (overrides: Partial<FanOutClaim> = {}): FanOutClaim => ({
  limit: 100,
  perEndpoint: 100,
  alreadyClaimed: new Map(),
  excludeEndpoints: [],
  lockedUntil: 60_000,
  lockToken: 'lease_1',
  ...overrides,
});
const to =
  (...ids: string[]) =>
  () =>
    ids.map((id) => ({ id, tenant: null }));

describe('planFanOut', () => {
  it('creates one delivery per subscribed endpoint of each event, all unclaimed without a claim', () => {
    const plan = planFanOut([event('e1'), event('e2')], to('a', 'b'), 1_000);
    expect(plan.deliveries.map((d) => [d.eventId, d.endpointId, d.lockToken])).toEqual([
      ['e1', 'a', null],
      ['e1', 'b', null],
      ['e2', 'a', null],
      ['e2', 'b', null],
    ]);
    expect(plan.claimed.length).toBe(0);
  });

  it('creates the first deliveries claimed, up to the limit, with what sending them needs', () => {
    const plan = planFanOut([event('e1'), event('e2'), event('e3')], to('a'), 1_000, claim({ limit: 2 }));
    expect(plan.deliveries.map((d) => d.lockToken)).toEqual(['lease_1', 'lease_1', null]);
    expect(plan.deliveries[0]).toMatchObject({ lockedUntil: 60_000, status: 'pending', attempts: 0 });
    expect(plan.claimed[0]).toEqual({
      id: plan.deliveries[0]!.id,
      eventId: 'e1',
      endpointId: 'a',
      attempts: 0,
      attemptsInSeries: 0,
      lockedUntil: 60_000,
      eventType: 'order.created',
      payload: '{"id":"e1"}',
      sourceId: 'e1',
      occurredAt: 1,
      traceContext: null,
      endpointDisabledReason: null,
      transformed: false,
      requestChanges: null,
    });
  });

  it("keeps each endpoint's share, counting what the round claimed before", () => {
    const events = ['e1', 'e2', 'e3', 'e4'].map((id) => event(id));
    const plan = planFanOut(
      events,
      to('a', 'b'),
      1_000,
      claim({ perEndpoint: 2, alreadyClaimed: new Map([['a', 1]]) }),
    );
    const claimed = plan.claimed.map((d) => d.endpointId);
    expect(claimed.filter((id) => id === 'a')).toHaveLength(1);
    expect(claimed.filter((id) => id === 'b')).toHaveLength(2);
  });

  it('leaves unclaimed the deliveries of ordered events, of excluded endpoints and of paused endpoints', () => {
    const holds = endpointHoldsFromRows([{ endpoint_id: 'paused', paused: 1, disabled_reason: null }]);
    const plan = planFanOut(
      [event('e1', 'Shipment:1'), event('e2')],
      to('a', 'queued', 'paused'),
      1_000,
      claim({ excludeEndpoints: ['queued'] }),
      holds,
    );
    expect(plan.claimed.map((d) => [d.eventId, d.endpointId])).toEqual([['e2', 'a']]);
    expect(plan.deliveries).toHaveLength(6);
    // Only the ordered event's deliveries are left for the claim statement this round.
    expect(fanOutResult(2, plan, () => true)).toMatchObject({ unclaimed: 5, unclaimedOrdered: 3 });
  });

  it('claims the deliveries of a disabled endpoint with the reason, so they are failed without a request', () => {
    const holds = endpointHoldsFromRows([
      { endpoint_id: 'gone', paused: '0', disabled_reason: 'the endpoint answered 410 Gone' },
    ]);
    const plan = planFanOut([event('e1')], to('gone'), 1_000, claim(), holds);
    expect(plan.claimed[0]?.endpointDisabledReason).toBe('the endpoint answered 410 Gone');
  });
});
