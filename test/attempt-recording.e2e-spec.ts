import { generateWebhookSecret, WebhookAttemptEntity, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import { type AttemptRecord, OUTBOX_STORE, type OutboxStore } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

describe.each(DATABASE_KINDS)('recording a batch of attempt outcomes on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('stores every outcome whose claim still holds, in one call, and nothing of one whose claim passed to another worker', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret: generateWebhookSecret() }],
      relay: { enabled: false },
    }));
    const store = app.app.get<OutboxStore>(OUTBOX_STORE);
    await app.dataSource.getRepository(ShopOrder).save([1, 2, 3].map((n) => ({ customer: `C${n}`, total: n })));
    const now = Date.now();
    await store.fanOut(10, now, () => [{ id: 'erp', tenant: null }]);
    const [won, lost, retried] = await store.claimDeliveries({
      limit: 10,
      perEndpoint: 10,
      excludeEndpoints: [],
      now,
      lockedUntil: now + 60_000,
      lockToken: 'lease-a',
    });
    // Another worker took the second one over after our lease lapsed.
    await app.dataSource.getRepository(WebhookDeliveryEntity).update(lost!.id, { lockToken: 'lease-b' });

    const outcome = (deliveryId: string, ok: boolean): AttemptRecord => ({
      deliveryId,
      lockToken: 'lease-a',
      attemptNumber: 1,
      startedAt: now,
      durationMs: 12,
      outcome: ok ? 'succeeded' : 'failed',
      statusCode: ok ? 200 : 503,
      responseExcerpt: ok ? 'ok' : 'busy',
      error: ok ? null : 'HTTP 503',
      next: ok ? { status: 'succeeded' } : { status: 'pending', nextAttemptAt: now + 5_000 },
      now: now + 12,
    });
    expect(
      await store.recordAttempts([outcome(won!.id, true), outcome(lost!.id, true), outcome(retried!.id, false)]),
    ).toEqual([true, false, true]);

    const deliveries = app.dataSource.getRepository(WebhookDeliveryEntity);
    expect(await deliveries.findOneByOrFail({ id: won!.id })).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lockToken: null,
      lastStatusCode: 200,
      completedAt: now + 12,
    });
    expect(await deliveries.findOneByOrFail({ id: lost!.id })).toMatchObject({
      status: 'pending',
      attempts: 0,
      lockToken: 'lease-b',
      completedAt: null,
    });
    expect(await deliveries.findOneByOrFail({ id: retried!.id })).toMatchObject({
      status: 'pending',
      attempts: 1,
      lockToken: null,
      nextAttemptAt: now + 5_000,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
    });
    const attempts = await app.dataSource.getRepository(WebhookAttemptEntity).find();
    expect(
      attempts
        .map((a) => [a.deliveryId, a.attemptNumber, a.outcome, a.statusCode, a.responseExcerpt, a.durationMs])
        .sort(),
    ).toEqual(
      [
        [won!.id, 1, 'succeeded', 200, 'ok', 12],
        [retried!.id, 1, 'failed', 503, 'busy', 12],
      ].sort(),
    );
    expect(await store.recordAttempts([])).toEqual([]);
  });
});
