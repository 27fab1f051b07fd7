import {
  generateWebhookSecret,
  WebhookDeliveryEntity,
  WebhookEndpoints,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { resolveWebhookOptions } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** The bodies a path of the receiver got, as `[type, customer]`. */
function received(requests: ReadonlyArray<{ url: string; body: string }>, path: string) {
  return requests
    .filter((request) => request.url === path)
    .map((request) => JSON.parse(request.body) as { type: string; data: { customer: string } })
    .map((body) => [body.type, body.data.customer])
    .sort();
}

describe('endpoint filters in options', () => {
  it('are checked at start-up, naming the endpoint and the place in the filter at fault', () => {
    expect(() =>
      resolveWebhookOptions({
        endpoints: [{ url: 'https://erp.example.com/hooks', secret, filter: { 'data.total': { $gt: [1] } } as never }],
      }),
    ).toThrow('endpoints[0].filter.data.total.$gt: must be a number or a string.');
  });
});

describe.each(DATABASE_KINDS)('endpoint filters on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('deliver to an endpoint in options only the events its filter matches, and every event to the others', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'big-orders', url: `${url}/big`, secret, filter: { 'data.total': { $gte: 100 } } },
        { id: 'all', url: `${url}/all`, secret },
      ],
      relay: { enabled: false },
    }));
    await app.dataSource.getRepository(ShopOrder).save([
      { customer: 'Small', total: 50 },
      { customer: 'Big', total: 150 },
    ]);
    await app.relay.runOnce();

    expect(received(context.receiver.requests, '/hooks/big')).toEqual([['order.created', 'Big']]);
    expect(received(context.receiver.requests, '/hooks/all')).toEqual([
      ['order.created', 'Big'],
      ['order.created', 'Small'],
    ]);
    // An event that does not match creates no delivery at all for that endpoint.
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ endpointId: 'big-orders' })).toBe(1);
  });

  it("route an update by its changes: only the orders whose status became 'paid'", async () => {
    const app = await context.start((url) => ({
      endpoints: [
        {
          id: 'erp',
          url,
          secret,
          eventTypes: ['order.updated'],
          filter: { 'changes.status.new': 'paid' },
        },
      ],
      relay: { enabled: false },
    }));
    const orders = app.dataSource.getRepository(ShopOrder);
    const [ada, bob] = await orders.save([
      { customer: 'Ada', total: 1 },
      { customer: 'Bob', total: 1 },
    ]);
    await orders.save({ ...ada!, status: 'paid' });
    await orders.save({ ...bob!, total: 2 });
    await app.relay.runOnce();

    expect(received(context.receiver.requests, '/hooks')).toEqual([['order.updated', 'Ada']]);
  });

  it('are refused on create() with every mistake named, and nothing is stored', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const error = await app.app
      .get(WebhookEndpoints)
      .create({
        url: context.receiver.url,
        filter: { 'data.status': { $regex: '^p' }, $where: 'sleep(1000)' } as never,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookValidationError);
    expect((error as WebhookValidationError).errors.map((wrong) => wrong.field)).toEqual([
      'filter.data.status.$regex',
      'filter.$where',
    ]);
    expect(await app.app.get(WebhookEndpoints).list()).toEqual([]);
  });

  it('of a stored endpoint route from the next fan-out on, change with update(), and clear with null', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const orders = app.dataSource.getRepository(ShopOrder);
    const { id, filter } = await endpoints.create({
      url: context.receiver.url,
      filter: { 'data.customer': { $startsWith: 'A' } },
    });
    expect(filter).toEqual({ 'data.customer': { $startsWith: 'A' } });
    await orders.save([
      { customer: 'Ada', total: 1 },
      { customer: 'Bob', total: 1 },
    ]);
    await app.relay.runOnce();
    expect(received(context.receiver.requests, '/hooks')).toEqual([['order.created', 'Ada']]);

    await endpoints.update(id, { filter: { $not: { 'data.customer': { $startsWith: 'A' } } } });
    await orders.save([
      { customer: 'Ann', total: 1 },
      { customer: 'Cy', total: 1 },
    ]);
    await app.relay.runOnce();
    expect(received(context.receiver.requests, '/hooks').map(([, customer]) => customer)).toEqual(['Ada', 'Cy']);

    expect((await endpoints.update(id, { filter: null })).filter).toBeNull();
    await orders.save({ customer: 'Dee', total: 1 });
    await app.relay.runOnce();
    expect(received(context.receiver.requests, '/hooks').map(([, customer]) => customer)).toEqual(['Ada', 'Cy', 'Dee']);
  });

  it('hold for a backfill too: a snapshot the filter does not match is not sent', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save([
      { customer: 'Ada', total: 500 },
      { customer: 'Bob', total: 5 },
    ]);
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({
      url: context.receiver.url,
      eventTypes: ['order.snapshot'],
      filter: { 'data.total': { $gt: 100 } },
    });
    expect(await endpoints.backfill(id, { entity: ShopOrder })).toEqual({ events: 1, completed: true });
    await app.relay.runOnce();
    expect(received(context.receiver.requests, '/hooks')).toEqual([['order.snapshot', 'Ada']]);
  });
});
