import { generateWebhookSecret, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { until } from './support/until.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

// Row locks hold the recording back while claims go on. SQLite has one writer (everything would wait); MariaDB
// reads a table of six rows by scanning it, and its locking reads then wait on or skip every row, not just the two.
describe.each(DATABASE_KINDS.filter((kind) => kind === 'postgres'))('relay back-pressure on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('claims no new work while as many answered attempts wait to be recorded as there are request slots', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false, concurrency: 2 },
    }));
    context.receiver.respondWith(() => ({ status: 200, delayMs: 300 }));
    await app.dataSource
      .getRepository(ShopOrder)
      .save([1, 2, 3, 4, 5, 6].map((n) => ({ customer: `C${n}`, total: n })));
    expect((await app.relay.dispatch()).claimed).toBe(2);

    // Another transaction holds the two claimed rows: their outcomes cannot be written until it ends.
    const claimedIds = (await app.dataSource.getRepository(WebhookDeliveryEntity).find())
      .filter((d) => d.lockToken !== null)
      .map((d) => d.id);
    const holder = app.dataSource.createQueryRunner();
    await holder.startTransaction();
    try {
      const placeholders = claimedIds.map((_, i) => `$${i + 1}`).join(', ');
      await holder.query(`SELECT id FROM webhook_delivery WHERE id IN (${placeholders}) FOR UPDATE`, claimedIds);
      await until(() => app.relay.freeSlots === 2); // both answered; their outcomes wait
      context.receiver.respondWith(() => ({ status: 200 }));
      expect((await app.relay.dispatch()).claimed).toBe(2);
      await context.receiver.waitForRequests(4);
      await until(() => app.relay.freeSlots === 0);

      expect((await app.relay.dispatch()).claimed).toBe(0);
      expect(await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'succeeded' })).toBe(0);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    for (let round = 0; round < 4 && context.receiver.requests.length < 6; round++) await app.relay.runOnce();
    await app.relay.settled();
    expect(context.receiver.requests).toHaveLength(6);
    expect(await app.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'succeeded' })).toBe(6);
  });
});
