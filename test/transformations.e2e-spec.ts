import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookDeliveries,
  WebhookDeliveryEntity,
  WebhookEndpoints,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Get, Module } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ShopOrder, ShopSale } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** A chat receiver wants a message, not an order: the example of the README. */
const CHAT_MESSAGE =
  "data.status == 'paid' && { body: { text: join('', ['Order ', to_string(data.id), ' by ', data.customer, ' is paid']) }, headers: { \"x-chat-channel\": 'sales' } } || null";

/** Issue 30: builds a 40-million-character string and counts it; it held the event loop, every tenant's requests, 7-9 s. */
const HOSTILE = "length(pad_right(type, `40000000`, 'x')) == `0` && null || null";

/** Another tenant's business with the application: a route that answers at once, unless the event loop is held. */
@Controller('ping')
class PingController {
  @Get()
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/**
 * Asks `url` every 10 ms, on a fixed schedule, until `stop()`; resolves to each answer's time in ms from when it was
 * due, so a held event loop counts fully: the requests due while it was held are late by as much (at most 20 are
 * sent at once after a hold; the others count their lateness so far).
 */
function pollLatencies(url: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  const answers: Array<Promise<void>> = [];
  const start = performance.now();
  let due = 0;
  const tick = () => {
    const now = performance.now();
    for (let sent = 0; start + due * 10 <= now; due++, sent++) {
      const dueAt = start + due * 10;
      if (sent >= 20) latencies.push(now - dueAt);
      else
        answers.push(
          fetch(url)
            .then((response) => response.text())
            // A request refused (a connection its server dropped meanwhile) counts as answered when it failed.
            .catch(() => undefined)
            .then(() => {
              latencies.push(performance.now() - dueAt);
            }),
        );
    }
  };
  const timer = setInterval(tick, 10);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await Promise.all(answers);
      return latencies;
    },
  };
}

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

  // Tried again on a miss: the client and the server share a busy 2-core host, so a p99 above 100 ms can be the host's
  // contention once; the old code held every request 4-5 s, on every try.
  it("stop a tenant's slow transformation at 50 ms: its one delivery fails, other requests keep answering, the rest is sent", {
    retry: 2,
  }, async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }), {
      imports: [PingModule],
      listen: true,
    });
    const endpoints = app.app.get(WebhookEndpoints);
    const url = context.receiver.url;
    const slow = await endpoints.create(
      { url: `${url}/a-slow`, eventTypes: ['sale.*'], transform: HOSTILE },
      { tenant: 'a' },
    );
    await endpoints.create({ url: `${url}/a-plain`, eventTypes: ['sale.*'] }, { tenant: 'a' });
    await endpoints.create(
      { url: `${url}/b`, eventTypes: ['sale.*'], transform: '{ body: { amount: data.amount } }' },
      { tenant: 'b' },
    );
    // A first round warms the application up (and starts the sandbox's worker with tenant b's transformation).
    const sales = app.dataSource.getRepository(ShopSale);
    await sales.save({ shop: 'b', amount: 0 });
    await app.relay.runOnce();
    for (let warmUp = 0; warmUp < 20; warmUp++) await (await fetch(`${app.url}/ping`)).text();
    await sales.save([
      { shop: 'a', amount: 1 },
      { shop: 'b', amount: 2 },
    ]);

    // Polled while the round runs, and for a second at least: 100 answers or more, so p99 is not the slowest.
    const poll = pollLatencies(`${app.url}/ping`);
    await Promise.all([app.relay.runOnce(), delay(1_000)]);
    const latencies = (await poll.stop()).sort((a, b) => a - b);

    const p99 = latencies[Math.ceil(latencies.length * 0.99) - 1]!;
    const summary = `${latencies.length} requests to GET /ping: p99 ${Math.round(p99)} ms, slowest ${Math.round(latencies.at(-1)!)} ms`;
    expect(p99, summary).toBeLessThan(100);
    const [failed] = await app.dataSource.getRepository(WebhookDeliveryEntity).findBy({ endpointId: slow.id });
    expect(failed).toMatchObject({
      status: 'failed',
      failureReason: 'transform-failed',
      lastError: 'the transformation took longer than 50 ms and was stopped',
    });
    const sent = context.receiver.requests.map((request) => [request.url, JSON.parse(request.body).amount ?? null]);
    expect(sent.sort()).toEqual([
      ['/hooks/a-plain', null],
      ['/hooks/b', 0],
      ['/hooks/b', 2],
    ]);
  });
});
