import { generateWebhookSecret, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { startWebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const LEASE = 600;

describe.each(DATABASE_KINDS)('claims renewed while their worker lives, on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('keeps the claim of a request that runs longer than the lease: no other worker sends the delivery meanwhile', async () => {
    const options = (url: string) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, leaseDuration: LEASE },
      delivery: { timeout: 5_000 },
    });
    const slow = await context.start(options);
    const other = await startWebhookTestApp(context.database, options(context.receiver.url), { keepTables: true });
    try {
      context.receiver.respondWith((_request, n) => (n === 1 ? { status: 200, delayMs: 4 * LEASE } : { status: 200 }));
      await slow.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
      const round = slow.relay.runOnce();
      await context.receiver.waitForRequests(1);

      // Four leases long, the other worker looks for due deliveries every 100 ms and never finds this one.
      const claimedByOther: number[] = [];
      while (context.receiver.requests.length === 1 && claimedByOther.length < 30) {
        claimedByOther.push((await other.relay.dispatch({ dueClaimMaxAge: 0 })).claimed);
        await delay(100);
      }
      await round;
      expect(claimedByOther.filter((claimed) => claimed > 0)).toEqual([]);
      expect(context.receiver.requests).toHaveLength(1);
      expect(await slow.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).toMatchObject({
        status: 'succeeded',
        attempts: 1,
      });
    } finally {
      await other.close();
    }
  });
});
