import {
  generateWebhookSecret,
  WebhookDeliveries,
  WebhookDeliveryEntity,
  WebhookEventEntity,
} from '@webhook-outbox/nestjs';
import { IsNull } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { Article, ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('delivery log on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('lists deliveries newest first, filtered by endpoint, status, event type and time', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({
        endpoints: [
          { id: 'erp', url, secret },
          { id: 'crm', url, secret, eventTypes: ['article.*'] },
        ],
        relay: { enabled: false },
      }),
      { clock },
    );
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce(); // order → erp
    const afterFirst = clock.now() + 1;
    clock.advance(1_000);
    context.receiver.respondWith(() => ({ status: 500 }));
    await app.dataSource.getRepository(Article).save({ title: 'News' });
    await app.relay.runOnce(); // article → erp and crm, both fail

    const deliveries = app.app.get(WebhookDeliveries);
    const all = await deliveries.list();
    expect(all.map((d) => [d.eventType, d.endpointId, d.status])).toEqual([
      ['article.created', expect.any(String), 'pending'],
      ['article.created', expect.any(String), 'pending'],
      ['order.created', 'erp', 'succeeded'],
    ]);
    expect((await deliveries.list({ endpointId: 'crm' })).map((d) => d.eventType)).toEqual(['article.created']);
    expect((await deliveries.list({ status: 'succeeded' })).map((d) => d.endpointId)).toEqual(['erp']);
    expect(await deliveries.list({ eventType: 'order.created', endpointId: 'erp' })).toHaveLength(1);
    expect(await deliveries.list({ since: afterFirst })).toHaveLength(2);
    expect(await deliveries.list({ until: afterFirst })).toHaveLength(1);
    expect(await deliveries.list({ limit: 1 })).toHaveLength(1);
  });

  it('gives one delivery with the exact body and every attempt, and null for an unknown id', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
      retry: { initialDelay: 0, jitter: 0 },
    }));
    context.receiver.respondWith((_request, n) =>
      n === 1 ? { status: 500, body: 'oops' } : { status: 202, body: 'thanks' },
    );
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    await app.relay.runOnce();

    const deliveries = app.app.get(WebhookDeliveries);
    const [summary] = await deliveries.list();
    const details = await deliveries.get(summary!.id);
    expect(details).toMatchObject({ status: 'succeeded', attempts: 2, eventType: 'order.created' });
    expect(details!.payload).toBe(context.receiver.requests[1]!.body);
    expect(
      details!.attemptLog.map((a) => [a.attemptNumber, a.outcome, a.statusCode, a.responseExcerpt, a.error]),
    ).toEqual([
      [1, 'failed', 500, 'oops', 'HTTP 500'],
      [2, 'succeeded', 202, 'thanks', null],
    ]);
    for (const attempt of details!.attemptLog) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    expect(await deliveries.get('dlv_missing')).toBeNull();
  });

  it('replays a delivered webhook: same bytes, same webhook-id, fresh signature', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    const deliveries = app.app.get(WebhookDeliveries);
    const [delivered] = await deliveries.list();

    expect(await deliveries.retry(delivered!.id)).toBe(true);
    await app.relay.runOnce();

    const [original, replay] = context.receiver.requests;
    expect(replay!.body).toBe(original!.body);
    expect(replay!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
    expect((await deliveries.get(delivered!.id))!.attemptLog.map((a) => a.attemptNumber)).toEqual([1, 2]);
  });

  it('retries a failed delivery with a full new series of attempts', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
      retry: { attempts: 1 },
    }));
    context.receiver.respondWith((_request, n) => ({ status: n === 1 ? 500 : 200 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    const deliveries = app.app.get(WebhookDeliveries);
    const [failed] = await deliveries.list();
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'exhausted' });

    await deliveries.retry(failed!.id);
    await app.relay.runOnce();

    expect(await deliveries.get(failed!.id)).toMatchObject({
      status: 'succeeded',
      failureReason: null,
      attempts: 2,
      seriesStart: 1,
    });
  });

  it('retries in bulk by endpoint and status, and leaves the rest alone', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'erp', url, secret },
        { id: 'crm', url, secret },
      ],
      relay: { enabled: false },
      retry: { attempts: 1 },
    }));
    context.receiver.respondWith(() => ({ status: 500 }));
    for (const customer of ['Ada', 'Bob']) await app.dataSource.getRepository(ShopOrder).save({ customer, total: 1 });
    await app.relay.runOnce();
    const deliveries = app.app.get(WebhookDeliveries);
    expect(await deliveries.list({ status: 'failed' })).toHaveLength(4);

    expect(await deliveries.retryMany({ endpointId: 'erp' })).toBe(2);
    expect((await deliveries.list({ status: 'pending' })).map((d) => d.endpointId)).toEqual(['erp', 'erp']);
    expect(await deliveries.retryMany({ status: 'succeeded' })).toBe(0);
  });

  it('counts pending, due, leased, succeeded and failed deliveries and the lag of the oldest due one', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({
        endpoints: [{ id: 'erp', url, secret }],
        relay: { enabled: false },
        retry: { attempts: 2, initialDelay: 5_000, jitter: 0 },
      }),
      { clock },
    );
    const deliveries = app.app.get(WebhookDeliveries);
    const orders = app.dataSource.getRepository(ShopOrder);
    expect(await deliveries.stats()).toEqual({
      pending: 0,
      due: 0,
      leased: 0,
      succeeded: 0,
      failed: 0,
      oldestDueLag: 0,
      unfannedEvents: 0,
      since: clock.now() - 3_600_000,
    });

    context.receiver.respondWith((_request, n) => ({ status: n === 1 ? 200 : 500 }));
    await orders.save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce(); // succeeded
    await orders.save({ customer: 'Bob', total: 1 });
    await app.relay.runOnce();
    clock.advance(5_000);
    await app.relay.runOnce(); // Bob failed twice: failed for good
    await orders.save([
      { customer: 'Cy', total: 1 },
      { customer: 'Di', total: 1 },
    ]);
    await app.relay.runOnce(); // both failed once; retries due in 5 s
    clock.advance(8_000);
    const [held] = await deliveries.list({ status: 'pending', limit: 1 });
    await app.dataSource
      .getRepository(WebhookDeliveryEntity)
      .update(held!.id, { lockedUntil: clock.now() + 60_000, lockToken: 'lease_other' });

    expect(await deliveries.stats()).toEqual({
      pending: 2,
      due: 1,
      leased: 1,
      succeeded: 1,
      failed: 1,
      oldestDueLag: 3_000,
      unfannedEvents: 0,
      since: clock.now() - 3_600_000,
    });
  });

  it('counts finished deliveries within its window only (the last hour unless told), and events not fanned out', async () => {
    const clock = new ManualClock();
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }), { clock });
    const deliveries = app.app.get(WebhookDeliveries);
    const orders = app.dataSource.getRepository(ShopOrder);
    await orders.save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    clock.advance(2 * 3_600_000);
    await orders.save({ customer: 'Bob', total: 1 });
    await app.relay.runOnce();
    await orders.save({ customer: 'Cy', total: 1 });

    expect(await deliveries.stats()).toMatchObject({ succeeded: 1, unfannedEvents: 1, pending: 0 });
    expect(await deliveries.stats({}, { since: clock.now() - 3 * 3_600_000 })).toMatchObject({ succeeded: 2 });
  });

  it('counts attempts per minute as succeeded, retrying and failed for good, every minute present', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 30, 15));
    const app = await context.start(
      (url) => ({
        endpoints: [
          { id: 'erp', url, secret },
          { id: 'crm', url: `${url}/crm`, secret },
        ],
        relay: { enabled: false },
        retry: { attempts: 2, initialDelay: 0, jitter: 0 },
      }),
      { clock },
    );
    context.receiver.respondWith((request) => ({ status: request.url.endsWith('/crm') ? 500 : 200 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce(); // erp succeeds; crm fails and will be retried
    clock.advance(60_000);
    await app.relay.runOnce(); // crm fails its last attempt
    clock.advance(120_000);

    const timeline = await app.app.get(WebhookDeliveries).timeline({}, { hours: 1 });
    expect(timeline.length).toBeGreaterThanOrEqual(60);
    expect(timeline.every(({ at }, i) => i === 0 || at - timeline[i - 1]!.at === 60_000)).toBe(true);
    const busy = timeline.filter(({ succeeded, retrying, failed }) => succeeded + retrying + failed > 0);
    expect(busy).toEqual([
      { at: Date.UTC(2026, 10, 26, 12, 30, 0), succeeded: 1, retrying: 1, failed: 0 },
      { at: Date.UTC(2026, 10, 26, 12, 31, 0), succeeded: 0, retrying: 0, failed: 1 },
    ]);
  });

  it('gives commit → delivered percentiles of the deliveries that succeeded in the last hour', async () => {
    const clock = new ManualClock();
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }), { clock });
    const deliveries = app.app.get(WebhookDeliveries);
    expect(await deliveries.latency()).toMatchObject({ deliveries: 0, p50: null, p99: null });
    // Capture stamps events with the wall clock; each event's time is set here so the latencies are exact.
    const events = app.dataSource.getRepository(WebhookEventEntity);
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await events.update({ fannedOutAt: IsNull() }, { occurredAt: clock.now() - 250 });
    await app.relay.runOnce();
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Bob', total: 1 });
    await events.update({ fannedOutAt: IsNull() }, { occurredAt: clock.now() - 1_000 });
    await app.relay.runOnce();

    expect(await deliveries.latency()).toEqual({
      since: clock.now() - 3_600_000,
      deliveries: 2,
      p50: 250,
      p95: 1_000,
      p99: 1_000,
      max: 1_000,
    });
    clock.advance(2 * 3_600_000);
    expect(await deliveries.latency()).toMatchObject({ deliveries: 0 });
  });

  it('names the endpoints that failed most in the last hour, most first, with their attempts in all', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'erp', url, secret },
        { id: 'crm', url: `${url}/crm`, secret },
        { id: 'chat', url: `${url}/chat`, secret },
      ],
      relay: { enabled: false },
      retry: { initialDelay: 0, jitter: 0 },
    }));
    let chatCalls = 0;
    context.receiver.respondWith((request) => {
      if (request.url.endsWith('/chat')) chatCalls += 1;
      const failing = request.url.endsWith('/crm') || (request.url.endsWith('/chat') && chatCalls === 1);
      return { status: failing ? 500 : 200 };
    });
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();
    await app.relay.runOnce();

    expect(await app.app.get(WebhookDeliveries).failingEndpoints()).toEqual([
      { endpointId: 'crm', failed: 2, attempts: 2 },
      { endpointId: 'chat', failed: 1, attempts: 2 },
    ]);
  });
});
