import { generateWebhookSecret, WebhookDeliveryEntity, WebhookEventEntity } from '@webhook-outbox/nestjs';
import { OUTBOX_STORE, type OutboxStore } from '@webhook-outbox/nestjs/internal';
import { IsNull } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('fan-out creating deliveries claimed, on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  /** Every event goes to two endpoints on the receiver; the relay is driven by hand with `concurrency` slots. */
  const twoEndpoints = (url: string, concurrency: number) => ({
    endpoints: [
      { id: 'erp', url: `${url}/erp`, secret },
      { id: 'crm', url: `${url}/crm`, secret },
    ],
    relay: { enabled: false, concurrency },
  });

  /** Counts the claim statements and the deliveries they take, passing each call through to the real store. */
  function countClaimed(store: OutboxStore): { calls: number; deliveries: number } {
    const counter = { calls: 0, deliveries: 0 };
    const claim = store.claimDeliveries.bind(store);
    store.claimDeliveries = async (request) => {
      counter.calls++;
      const claimed = await claim(request);
      counter.deliveries += claimed.length;
      return claimed;
    };
    return counter;
  }

  it('sends the deliveries of new events in the round that fans them out, without claiming them again', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const claimStatement = countClaimed(app.app.get<OutboxStore>(OUTBOX_STORE));
    await app.dataSource.getRepository(ShopOrder).save([1, 2, 3].map((n) => ({ customer: `C${n}`, total: n })));

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 3, claimed: 3 });

    expect(context.receiver.requests).toHaveLength(3);
    expect(claimStatement.deliveries).toBe(0);
    const deliveries = await app.dataSource.getRepository(WebhookDeliveryEntity).find();
    expect(deliveries.map((d) => [d.status, d.attempts, d.lockToken])).toEqual(
      [1, 2, 3].map(() => ['succeeded', 1, null]),
    );
  });

  it('fans out no more events than there are free slots; the others wait in the outbox, not as unclaimed deliveries', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, concurrency: 2 },
    }));
    const orders = app.dataSource.getRepository(ShopOrder);
    for (const n of [1, 2, 3, 4]) await orders.save({ customer: `C${n}`, total: n });

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 2, claimed: 2, more: true });
    expect(await app.dataSource.getRepository(WebhookEventEntity).countBy({ fannedOutAt: IsNull() })).toBe(2);
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'pending' })).toBe(0);

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 2, claimed: 2 });
    const customers = context.receiver.requests.map((request) => JSON.parse(request.body).data.customer);
    expect(customers.slice(0, 2).sort()).toEqual(['C1', 'C2']);
    expect(customers.slice(2).sort()).toEqual(['C3', 'C4']);
  });

  it('claims the deliveries a fan-out left unclaimed, oldest first, before newer events are fanned out', async () => {
    const app = await context.start((url) => twoEndpoints(url, 2));
    const orders = app.dataSource.getRepository(ShopOrder);
    for (const n of [1, 2]) await orders.save({ customer: `C${n}`, total: n });

    // Two events for the two slots, but four deliveries: two are created unclaimed.
    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 2, claimed: 2 });
    const waiting = await app.dataSource.getRepository(WebhookDeliveryEntity).findBy({ status: 'pending' });
    expect(waiting.map((d) => d.lockToken)).toEqual([null, null]);

    await orders.save({ customer: 'C3', total: 3 });
    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 0, claimed: 2 });
    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 1, claimed: 2 });
    const customers = context.receiver.requests.map((request) => JSON.parse(request.body).data.customer);
    expect(customers.slice(0, 4).sort()).toEqual(['C1', 'C1', 'C2', 'C2']);
    expect(customers.slice(4)).toEqual(['C3', 'C3']);
  });

  it('skips the claim statement while the last one found every due delivery, and claims again once a fan-out leaves some unclaimed', async () => {
    const app = await context.start((url) => twoEndpoints(url, 4));
    const claimStatements = countClaimed(app.app.get<OutboxStore>(OUTBOX_STORE));
    // A claim's finding stands for a minute here, so that the test does not depend on how fast the machine is.
    const dispatch = async () => {
      const round = await app.relay.dispatch({ dueClaimMaxAge: 60_000 });
      await app.relay.settled();
      return round;
    };
    const orders = app.dataSource.getRepository(ShopOrder);

    await orders.save({ customer: 'C1', total: 1 });
    expect(await dispatch()).toMatchObject({ fannedOut: 1, claimed: 2 });
    expect(claimStatements.calls).toBe(1); // the first round looks

    await orders.save({ customer: 'C2', total: 2 });
    expect(await dispatch()).toMatchObject({ fannedOut: 1, claimed: 2 });
    expect(claimStatements.calls).toBe(1); // nothing can have come due since

    // Three events for four slots: six deliveries, two of them created unclaimed.
    await orders.save([3, 4, 5].map((n) => ({ customer: `C${n}`, total: n })));
    expect(await dispatch()).toMatchObject({ fannedOut: 3, claimed: 4 });
    await orders.save({ customer: 'C6', total: 6 });
    expect(await dispatch()).toMatchObject({ claimed: 4 });
    // The round looked again, found the two, then fanned out the newer event into the two slots left.
    expect(claimStatements.calls).toBe(2);
    const customers = context.receiver.requests.map((request) => JSON.parse(request.body).data.customer);
    expect(customers.slice(4).sort()).toEqual(['C3', 'C3', 'C4', 'C4', 'C5', 'C5', 'C6', 'C6']);
  });

  it('leaves its events to the next fan-out when it fails midway: the marks roll back with the deliveries', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save([1, 2].map((n) => ({ customer: `C${n}`, total: n })));
    const store = app.app.get<OutboxStore>(OUTBOX_STORE);
    // Routing runs inside the fan-out's transaction, after the events are taken (and, on PostgreSQL, marked).
    const route = (): never => {
      throw new Error('routing failed');
    };

    await expect(store.fanOut(100, Date.now(), route)).rejects.toThrow('routing failed');
    expect(await app.dataSource.getRepository(WebhookEventEntity).countBy({ fannedOutAt: IsNull() })).toBe(2);
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).count()).toBe(0);

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 2, claimed: 2 });
    expect(context.receiver.requests).toHaveLength(2);
  });

  it('sends nothing for a delivery that already existed for the event and endpoint (a fan-out repeated)', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    const [event] = await app.dataSource.getRepository(WebhookEventEntity).find();
    // As if an earlier fan-out had created and delivered it, and the event had come back unmarked.
    const now = Date.now();
    await app.dataSource.getRepository(WebhookDeliveryEntity).insert({
      id: 'dlv_earlier',
      eventId: event!.id,
      endpointId: 'erp',
      tenant: null,
      orderingKey: null,
      sequence: null,
      status: 'succeeded',
      attempts: 1,
      nextAttemptAt: now,
      lockedUntil: null,
      lockToken: null,
      lastStatusCode: 200,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      completedAt: now,
    });

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 1, claimed: 0 });

    expect(context.receiver.requests).toHaveLength(0);
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).count()).toBe(1);
  });

  it('leaves the deliveries of a paused endpoint unclaimed until the pause ends', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const now = Date.now();
    await app.app.get<OutboxStore>(OUTBOX_STORE).pauseEndpoint('erp', now + 60_000, now);
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 1, claimed: 0 });

    expect(context.receiver.requests).toHaveLength(0);
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).toMatchObject({
      status: 'pending',
      lockToken: null,
    });
  });

  describe('when a commit woke the relay (events likely wait, so the store may take them without looking first)', () => {
    it('fans out and sends the new events in that round', async () => {
      const app = await context.start((url) => ({
        endpoints: [{ id: 'erp', url, secret }],
        relay: { enabled: false },
      }));
      await app.dataSource.getRepository(ShopOrder).save([1, 2].map((n) => ({ customer: `C${n}`, total: n })));

      expect(await app.relay.dispatch({ committed: true })).toMatchObject({ fannedOut: 2, claimed: 2 });
      await app.relay.settled();

      expect(context.receiver.requests).toHaveLength(2);
      expect(await app.dataSource.getRepository(WebhookEventEntity).countBy({ fannedOutAt: IsNull() })).toBe(0);
    });

    it('changes nothing when no event waits after all', async () => {
      const app = await context.start((url) => ({
        endpoints: [{ id: 'erp', url, secret }],
        relay: { enabled: false },
      }));

      expect(await app.relay.dispatch({ committed: true })).toMatchObject({ fannedOut: 0, claimed: 0, more: false });
      expect(await app.dataSource.getRepository(WebhookDeliveryEntity).count()).toBe(0);
    });

    it('leaves the deliveries of a paused endpoint unclaimed', async () => {
      const app = await context.start((url) => twoEndpoints(url, 4));
      const now = Date.now();
      await app.app.get<OutboxStore>(OUTBOX_STORE).pauseEndpoint('crm', now + 60_000, now);
      await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

      expect(await app.relay.dispatch({ committed: true })).toMatchObject({ fannedOut: 1, claimed: 1 });
      await app.relay.settled();

      expect(context.receiver.requests.map((request) => request.url)).toEqual(['/hooks/erp']);
      const crm = await app.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({ endpointId: 'crm' });
      expect(crm).toMatchObject({ status: 'pending', lockToken: null });
    });

    it('sends the new events before it claims the due deliveries when nothing was in flight, and sends both', async () => {
      const app = await context.start((url) => twoEndpoints(url, 4));
      const orders = app.dataSource.getRepository(ShopOrder);
      // Three events, six deliveries for four slots: two are left unclaimed, due now.
      await orders.save([1, 2, 3].map((n) => ({ customer: `C${n}`, total: n })));
      expect(await app.relay.runOnce()).toMatchObject({ fannedOut: 3, claimed: 4 });
      const store = app.app.get<OutboxStore>(OUTBOX_STORE);
      const calls: string[] = [];
      const fanOut = store.fanOut.bind(store);
      store.fanOut = (...args) => {
        calls.push('fan-out');
        return fanOut(...args);
      };
      const claim = store.claimDeliveries.bind(store);
      store.claimDeliveries = (request) => {
        calls.push('claim');
        return claim(request);
      };

      await orders.save({ customer: 'C4', total: 4 });
      expect(await app.relay.dispatch({ committed: true })).toMatchObject({ fannedOut: 1, claimed: 4 });
      await app.relay.settled();

      expect(calls).toEqual(['fan-out', 'claim']);
      const customers = context.receiver.requests.map((request) => JSON.parse(request.body).data.customer);
      expect(customers.slice(4).sort()).toEqual(['C3', 'C3', 'C4', 'C4']);
    });

    it('leaves its events to the next fan-out when routing fails midway', async () => {
      const app = await context.start((url) => ({
        endpoints: [{ id: 'erp', url, secret }],
        relay: { enabled: false },
      }));
      await app.dataSource.getRepository(ShopOrder).save([1, 2].map((n) => ({ customer: `C${n}`, total: n })));
      const route = (): never => {
        throw new Error('routing failed');
      };
      const claim = {
        limit: 10,
        perEndpoint: 10,
        alreadyClaimed: new Map(),
        excludeEndpoints: [],
        lockToken: 'lease_test',
        lockedUntil: Date.now() + 60_000,
      };

      const store = app.app.get<OutboxStore>(OUTBOX_STORE);
      await expect(store.fanOut(100, Date.now(), route, claim, true)).rejects.toThrow('routing failed');

      expect(await app.dataSource.getRepository(WebhookEventEntity).countBy({ fannedOutAt: IsNull() })).toBe(2);
      expect(await app.dataSource.getRepository(WebhookDeliveryEntity).count()).toBe(0);
    });
  });
});
