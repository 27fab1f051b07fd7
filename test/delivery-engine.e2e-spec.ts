import {
  generateWebhookSecret,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointNotFoundError,
  WebhookEndpoints,
} from '@webhook-outbox/nestjs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Article, ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { ManualClock, startWebhookTestApp, type WebhookTestApp } from './support/webhook-test-app.js';
import { until } from './support/until.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const DAY = 24 * 3_600_000;

async function saveOrders(app: WebhookTestApp, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await app.dataSource.getRepository(ShopOrder).save({ customer: `C${i}`, total: i });
}

describe.each(DATABASE_KINDS)('delivery engine on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('pauses an endpoint that answers 503 with Retry-After for every worker, while other endpoints are delivered at once', async () => {
    const clock = new ManualClock();
    const articles = await WebhookReceiver.start();
    let second: WebhookTestApp | undefined;
    try {
      const options = (url: string) => ({
        endpoints: [
          { id: 'orders', url, secret, eventTypes: ['order.*'] },
          { id: 'articles', url: articles.url, secret, eventTypes: ['article.*'] },
        ],
        relay: { enabled: false, endpointConcurrency: 1 },
      });
      const first = await context.start(options, { clock });
      context.receiver.respondWith((_request, n) =>
        n === 1 ? { status: 503, body: 'busy', headers: { 'retry-after': '120' } } : { status: 200 },
      );
      await saveOrders(first, 3);
      await first.dataSource.getRepository(Article).save([{ title: 'a' }, { title: 'b' }]);

      await first.relay.runOnce(); // one of each endpoint (endpointConcurrency 1): the order gets 503
      await first.relay.runOnce(); // the orders endpoint is paused; the other article goes

      expect(context.receiver.requests).toHaveLength(1);
      expect(articles.requests).toHaveLength(2);
      const endpoint = await first.app.get(WebhookEndpoints).get('orders');
      expect(endpoint).toMatchObject({ state: 'paused', pausedUntil: clock.now() + 120_000 });

      // A second worker, on its own connections, sees the pause: nothing is attempted for two minutes.
      second = await startWebhookTestApp(context.database, options(context.receiver.url), { keepTables: true, clock });
      clock.advance(119_000);
      await second.relay.runOnce();
      await first.relay.runOnce();
      expect(context.receiver.requests).toHaveLength(1);
      expect(await first.dataSource.getRepository(WebhookAttemptEntity).countBy({ outcome: 'failed' })).toBe(1);

      clock.advance(1_000);
      for (let round = 0; round < 3; round++) await second.relay.runOnce();
      expect(context.receiver.requests).toHaveLength(4);
      const ids = context.receiver.requests.map((request) => request.headers['webhook-id']);
      expect(new Set(ids).size).toBe(3); // the throttled one was sent again under its own id
      expect(await first.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'succeeded' })).toBe(5);
    } finally {
      await second?.close();
      await articles.stop();
    }
  });

  it('on 410 Gone fails the delivery as rejected, disables the endpoint, and sends it nothing more until enabled', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'gone', url, secret }],
      relay: { enabled: false, endpointConcurrency: 1 },
    }));
    context.receiver.respondWith((_request, n) => (n === 1 ? { status: 410 } : { status: 200 }));
    await saveOrders(app, 2);

    await app.relay.runOnce();
    await app.relay.runOnce();

    expect(context.receiver.requests).toHaveLength(1);
    const deliveries = await app.dataSource
      .getRepository(WebhookDeliveryEntity)
      .find({ order: { createdAt: 'ASC', id: 'ASC' } });
    expect(deliveries.map((d) => [d.status, d.failureReason, d.attempts]).sort()).toEqual([
      ['failed', 'endpoint-disabled', 0],
      ['failed', 'rejected', 1],
    ]);
    const endpoints = app.app.get(WebhookEndpoints);
    expect((await endpoints.get('gone'))?.disabled).toMatchObject({ reason: 'the endpoint answered 410 Gone' });
    expect(app.warnings.some((w) => w.includes('Endpoint gone disabled: the endpoint answered 410 Gone'))).toBe(true);

    await endpoints.enable('gone');
    await saveOrders(app, 1);
    await app.relay.runOnce();
    expect(context.receiver.requests).toHaveLength(2);
    expect((await endpoints.get('gone'))?.disabled).toBeNull();
    await expect(endpoints.enable('nowhere')).rejects.toThrow(WebhookEndpointNotFoundError);
    expect(await endpoints.get('nowhere')).toBeNull();
  });

  it('sends nothing to an endpoint an operator disabled: its due deliveries fail as endpoint-disabled', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'erp', url, secret },
        { id: 'crm', url: `${url}/crm`, secret },
      ],
      relay: { enabled: false },
    }));
    const endpoints = app.app.get(WebhookEndpoints);
    await endpoints.disable('crm', 'migrating the CRM');
    expect(await endpoints.get('crm')).toMatchObject({ state: 'disabled', disabled: { reason: 'migrating the CRM' } });
    expect(await endpoints.get('erp')).toMatchObject({ state: 'active' });
    await saveOrders(app, 1);

    await app.relay.runOnce();

    expect(context.receiver.requests.map((r) => r.url)).toEqual(['/hooks']);
    const crm = await app.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({ endpointId: 'crm' });
    expect(crm).toMatchObject({
      status: 'failed',
      failureReason: 'endpoint-disabled',
      attempts: 0,
      lastError: 'endpoint "crm" is disabled: migrating the CRM',
    });
    expect((await endpoints.list()).map((e) => [e.id, e.disabled?.reason ?? null])).toEqual([
      ['erp', null],
      ['crm', 'migrating the CRM'],
    ]);
  });

  it('disables an endpoint after disableEndpointAfter with failures and no success, and records why', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({ endpoints: [{ id: 'flaky', url, secret }], relay: { enabled: false } }),
      { clock },
    );
    context.receiver.respondWith(() => ({ status: 500 }));
    const endpoints = app.app.get(WebhookEndpoints);
    await saveOrders(app, 1);

    await app.relay.runOnce();
    const failingSince = clock.now();
    expect(await endpoints.get('flaky')).toMatchObject({ failingSince, disabled: null });

    clock.advance(5 * DAY - 1);
    await app.relay.runOnce(); // still failing, one millisecond short of five days: still enabled
    expect((await endpoints.get('flaky'))?.disabled).toBeNull();

    clock.advance(DAY);
    await app.relay.runOnce();
    expect((await endpoints.get('flaky'))?.disabled).toMatchObject({
      at: clock.now(),
      reason: 'no successful delivery for 5 days (last error: HTTP 500)',
    });
    expect(context.receiver.requests).toHaveLength(3);

    clock.advance(DAY);
    await app.relay.runOnce();
    expect(context.receiver.requests).toHaveLength(3);
    const delivery = await app.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
    expect(delivery).toMatchObject({ status: 'failed', failureReason: 'endpoint-disabled', attempts: 3 });
  });

  it('ends a failing streak with a success', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
      retry: { initialDelay: 0, jitter: 0 },
    }));
    context.receiver.respondWith((_request, n) => ({ status: n === 1 ? 500 : 200 }));
    const endpoints = app.app.get(WebhookEndpoints);
    await saveOrders(app, 1);

    await app.relay.runOnce();
    expect((await endpoints.get('erp'))?.failingSince).not.toBeNull();
    await app.relay.runOnce();
    expect(await endpoints.get('erp')).toMatchObject({ failingSince: null, disabled: null });
  });

  it("refuses a worker's late outcome once its lease has passed to another worker, which resent under the same webhook-id", async () => {
    const clock = new ManualClock();
    const options = (url: string) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, leaseDuration: 30_000 },
    });
    const stale = await context.start(options, { clock });
    const other = await startWebhookTestApp(context.database, options(context.receiver.url), {
      keepTables: true,
      clock,
    });
    try {
      // The first request hangs long enough for its lease to lapse and another worker to take over.
      context.receiver.respondWith((_request, n) => (n === 1 ? { status: 200, delayMs: 1_500 } : { status: 200 }));
      await saveOrders(stale, 1);
      const staleRound = stale.relay.runOnce();
      await context.receiver.waitForRequests(1);

      clock.advance(30_001);
      await other.relay.runOnce();
      await staleRound;

      const [firstSend, resend] = context.receiver.requests;
      expect(resend?.headers['webhook-id']).toBe(firstSend?.headers['webhook-id']);
      // Nest's logger is process-wide: the last application started receives every warning.
      expect(other.warnings.some((w) => /lease lost before the outcome was recorded/.test(w))).toBe(true);
      const attempts = await stale.dataSource.getRepository(WebhookAttemptEntity).find();
      expect(attempts).toHaveLength(1); // the taker's; the stale write was refused
      expect(await stale.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
    } finally {
      await other.close();
    }
  });

  it('keeps a slow endpoint from delaying a healthy one', async () => {
    const healthy = await WebhookReceiver.start();
    try {
      const app = await context.start((url) => ({
        endpoints: [
          { id: 'slow', url, secret, eventTypes: ['order.*'] },
          { id: 'healthy', url: healthy.url, secret, eventTypes: ['article.*'] },
        ],
        relay: { pollInterval: 50, concurrency: 4, endpointConcurrency: 2 },
      }));
      context.receiver.respondWith(() => ({ status: 200, delayMs: 3_000 }));
      await saveOrders(app, 6);
      await context.receiver.waitForRequests(2);
      const started = Date.now();
      for (let i = 0; i < 10; i++) await app.dataSource.getRepository(Article).save({ title: `t${i}` });

      await healthy.waitForRequests(10, 2_500);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(context.receiver.requests).toHaveLength(2); // the slow endpoint holds its own two slots only
    } finally {
      await healthy.stop();
    }
  });

  it('sends a failing endpoint one request at a time until it answers again, then its full share', async () => {
    // A receiver that notes how many requests it holds at once, and answers after 150 ms.
    let status = 500;
    let open = 0;
    let answered = 0;
    /** Per request: how many were open when it arrived, and how many had been answered by then. */
    const peaks: Array<{ open: number; answeredBefore: number }> = [];
    const server = createServer((request, response) => {
      request.resume();
      open++;
      peaks.push({ open, answeredBefore: answered });
      setTimeout(() => {
        open--;
        answered++;
        response.writeHead(status).end();
      }, 150);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      const app = await context.start(() => ({
        endpoints: [{ id: 'flaky', url, secret }],
        relay: { pollInterval: 50, concurrency: 8, endpointConcurrency: 4 },
        retry: { initialDelay: 60_000, jitter: 0 },
      }));
      await saveOrders(app, 10);
      await until(() => answered >= 10);
      // Once its first failure is known, every request it gets is alone. Up to endpointConcurrency (4) requests left
      // before the relay heard the first answer, and a busy host may deliver one of them late; once 4 are answered,
      // every request since was sent knowing of the failure.
      const afterFailure = peaks.filter((peak) => peak.answeredBefore >= 4);
      expect(afterFailure.length).toBeGreaterThan(3);
      expect(afterFailure.map((peak) => peak.open)).toEqual(afterFailure.map(() => 1));

      status = 200;
      const before = peaks.length;
      await saveOrders(app, 8);
      await until(() => answered >= 18);
      // The first success restores its share: several at once again, never more than endpointConcurrency.
      const recovered = peaks.slice(before).map((peak) => peak.open);
      expect(Math.max(...recovered)).toBeGreaterThan(1);
      expect(Math.max(...recovered)).toBeLessThanOrEqual(4);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('on shutdown finishes the requests in flight and gives back the claim it had not started', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, endpointConcurrency: 2 },
    }));
    context.receiver.respondWith((_request, n) => ({ status: 200, delayMs: n === 2 ? 0 : 400 }));
    await saveOrders(app, 4);
    await app.relay.dispatch(); // two claimed and sent; the second answers at once
    await context.receiver.waitForRequests(2);
    await until(
      async () => (await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'succeeded' })) === 1,
    );
    // One slot of the endpoint is free: two more are claimed, one is sent and one waits for a slot.
    expect((await app.relay.dispatch()).claimed).toBe(2);
    await context.receiver.waitForRequests(3);

    await context.closeApp();

    expect(context.receiver.requests).toHaveLength(3);
    const reader = await startWebhookTestApp(context.database, { relay: { enabled: false } }, { keepTables: true });
    try {
      const deliveries = await reader.dataSource.getRepository(WebhookDeliveryEntity).find();
      expect(deliveries.filter((d) => d.status === 'succeeded')).toHaveLength(3);
      const untouched = deliveries.filter((d) => d.status === 'pending');
      expect(untouched).toHaveLength(1);
      expect(untouched[0]).toMatchObject({ attempts: 0, lockToken: null, lockedUntil: null });
    } finally {
      await reader.close();
    }
  });
});
