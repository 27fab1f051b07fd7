import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookDeliveries,
  WebhookDeliveryEntity,
  WebhookEndpoints,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** A chat receiver wants a message, not an order: the example of the README. */
const CHAT_MESSAGE =
  "data.status == 'paid' && { body: { text: join('', ['Order ', to_string(data.id), ' by ', data.customer, ' is paid']) }, headers: { \"x-chat-channel\": 'sales' } } || null";

describe.each(DATABASE_KINDS)('transformations on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('reshape what a stored endpoint is sent with a JMESPath expression, signed over the bytes sent', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const { id, secret: endpointSecret } = await app.app
      .get(WebhookEndpoints)
      .create({ url: context.receiver.url, eventTypes: ['order.*'], transform: CHAT_MESSAGE });
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await orders.save({ ...order, status: 'paid' });
    await app.relay.runOnce();

    // order.created does not become a message: dropped, no delivery at all.
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ endpointId: id })).toBe(1);
    const [request] = context.receiver.requests;
    expect(JSON.parse(request!.body)).toEqual({ text: `Order ${order.id} by Ada is paid` });
    expect(request!.headers['x-chat-channel']).toBe('sales');
    expect(
      verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret: endpointSecret }).id,
    ).toBe(request!.headers['webhook-id']);
  });

  it('keep the transformed body as the body of record: the log shows it, and a replay sends the same bytes', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    await app.app.get(WebhookEndpoints).create({ url: context.receiver.url, transform: '{ body: { id: data.id } }' });
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 5 });
    await app.relay.runOnce();
    const deliveries = app.app.get(WebhookDeliveries);
    const [delivery] = await deliveries.list();
    const details = await deliveries.get(delivery!.id);
    expect(details).toMatchObject({ transformed: true, payload: JSON.stringify({ id: order.id }) });

    await deliveries.retry(delivery!.id);
    await app.relay.runOnce();
    const [first, replay] = context.receiver.requests;
    expect(replay!.body).toBe(first!.body);
    expect(replay!.body).toBe(details!.payload);
  });

  it('run a function for an endpoint in options: method, headers and body, or null to drop', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        {
          id: 'erp',
          url,
          secret,
          transform: (event) =>
            event.type === 'order.created'
              ? { method: 'GET', body: { order: (event.data as { id: number }).id }, headers: { 'x-source': 'shop' } }
              : null,
        },
      ],
      relay: { enabled: false },
    }));
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await orders.save({ ...order, total: 6 });
    await app.relay.runOnce();

    expect(context.receiver.requests).toHaveLength(1);
    const [request] = context.receiver.requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe(`/hooks?order=${order.id}`);
    expect(request!.headers['x-source']).toBe('shop');
    expect((await app.app.get(WebhookEndpoints).get('erp'))?.transform).toBe('(function)');
  });

  it('fail one delivery, visibly and untried, when its transformation throws or gives what it may not', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        {
          id: 'erp',
          url,
          secret,
          transform: (event) => {
            if ((event.data as { customer: string }).customer === 'Bob') throw new Error('no Bobs');
            return { headers: { 'webhook-signature': 'forged' } };
          },
        },
      ],
      relay: { enabled: false },
    }));
    await app.dataSource.getRepository(ShopOrder).save([
      { customer: 'Bob', total: 1 },
      { customer: 'Ada', total: 1 },
    ]);
    await app.relay.runOnce();

    expect(context.receiver.requests).toEqual([]);
    const failed = await app.dataSource.getRepository(WebhookDeliveryEntity).find({ order: { createdAt: 'ASC' } });
    expect(failed.map((delivery) => [delivery.status, delivery.failureReason])).toEqual([
      ['failed', 'transform-failed'],
      ['failed', 'transform-failed'],
    ]);
    expect(failed.map((delivery) => delivery.lastError).sort()).toEqual([
      'the transformation gave the header "webhook-signature", which it may not set',
      'the transformation threw: no Bobs',
    ]);
  });

  it('are checked on create() and update(), naming the field, and cleared with null', async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const refused = await endpoints.create({ url: context.receiver.url, transform: '{ body: data.[' }).then(
      () => expect.unreachable('create() accepted it'),
      (error: unknown) => error as WebhookValidationError,
    );
    expect(refused.errors).toEqual([
      { field: 'transform', message: expect.stringMatching(/^is not a valid JMESPath expression: /) },
    ]);
    const { id } = await endpoints.create({ url: context.receiver.url, transform: '{ body: data }' });
    expect((await endpoints.update(id, { transform: null })).transform).toBeNull();
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 5 });
    await app.relay.runOnce();
    expect(JSON.parse(context.receiver.requests[0]!.body)).toMatchObject({ type: 'order.created' });
  });
});
