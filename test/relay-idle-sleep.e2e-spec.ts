import { generateWebhookSecret, WebhookDeliveries, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { until } from './support/until.js';
import type { WebhookReceiver } from './support/webhook-receiver.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
/** Long enough that polling cannot explain anything the relay does within a test. */
const POLL = 60_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the statements (and transactions) an application takes connections from its pool for. */
function countPoolCheckouts(app: WebhookTestApp): { readonly count: number; stop(): void } {
  // The pg driver's pool: every statement or transaction TypeORM runs checks a connection out of it.
  const pool = (app.dataSource.driver as unknown as { master: EventEmitter }).master;
  const counter = { count: 0, stop: () => pool.off('acquire', onAcquire) };
  const onAcquire = () => void counter.count++;
  pool.on('acquire', onAcquire);
  return counter;
}

describe.skipIf(!DATABASE_KINDS.includes('postgres'))('an idle relay while commits are pushed (postgres)', () => {
  const context = useWebhookTestContext('postgres');
  let receiver: WebhookReceiver;

  async function relaying(options: { pollInterval?: number; retry?: Record<string, number> } = {}) {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { pollInterval: options.pollInterval },
      retry: options.retry,
    }));
    receiver = context.receiver;
    await until(() => app.orchestrator.isRunning, 2_000);
    return app;
  }

  it('asks the database nothing for seconds on end, where polling would ask several times a second', async () => {
    const app = await relaying({ pollInterval: 100 });
    // Its first rounds and its first look at the outbox are over.
    await pause(1_000);
    const checkouts = countPoolCheckouts(app);
    await pause(3_000);
    checkouts.stop();
    expect(checkouts.count).toBe(0);
  });

  it('still delivers at once what is committed while it sleeps', async () => {
    const app = await relaying({ pollInterval: POLL });
    await pause(500);
    const started = Date.now();
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await receiver.waitForRequests(1, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends a retry when it comes due, though no commit wakes it', async () => {
    const app = await relaying({ pollInterval: POLL, retry: { initialDelay: 1_500, jitter: 0 } });
    receiver.respondWith((_request, n) => ({ status: n === 1 ? 500 : 200 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await receiver.waitForRequests(2, 10_000);
    const gap = receiver.arrivedAt[1]! - receiver.arrivedAt[0]!;
    expect(gap).toBeGreaterThanOrEqual(1_400);
    expect(gap).toBeLessThan(4_000);
  });

  it("sends a paused endpoint's delivery when the pause ends, though no commit wakes it", async () => {
    const app = await relaying({ pollInterval: POLL, retry: { initialDelay: 200, jitter: 0 } });
    // A 503 with Retry-After pauses the endpoint for every instance; the retry is due when the pause ends.
    receiver.respondWith((_request, n) =>
      n === 1 ? { status: 503, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await receiver.waitForRequests(2, 10_000);
    const gap = receiver.arrivedAt[1]! - receiver.arrivedAt[0]!;
    expect(gap).toBeGreaterThanOrEqual(1_900);
    expect(gap).toBeLessThan(5_000);
  });

  it('sends at once a delivery retried by hand on an instance without a relay', async () => {
    const app = await relaying({ pollInterval: POLL });
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await receiver.waitForRequests(1, 5_000);
    const admin = await context.startAnother((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
    }));
    const delivery = await admin.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
    await until(
      async () =>
        (await admin.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).status === 'succeeded',
      5_000,
    );
    await pause(500);
    const retriedAt = performance.now();
    expect(await admin.app.get(WebhookDeliveries).retry(delivery.id)).toBe(true);
    await receiver.waitForRequests(2, 5_000);
    expect(receiver.arrivedAt[1]! - retriedAt).toBeLessThan(2_000);
  });
});
