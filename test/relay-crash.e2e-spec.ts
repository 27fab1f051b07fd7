import { generateWebhookSecret, WebhookAttemptEntity, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { spawnRelayWorker } from './support/relay-worker.js';
import { ManualClock } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const LEASE = 5_000;

describe.each(DATABASE_KINDS)('a relay process killed mid-delivery on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('is taken over once its lease lapses: the webhook is sent again with the same webhook-id', async () => {
    const clock = new ManualClock();
    const survivor = await context.start(
      (url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }),
      { clock },
    );
    await survivor.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    const worker = spawnRelayWorker(context.database, {
      endpoints: [{ id: 'erp', url: context.receiver.url, secret }],
      relay: { pollInterval: 20, leaseDuration: LEASE },
      delivery: { timeout: 2_000, allowHttp: true, allowPrivateNetworks: true },
    }).process;
    const exited = once(worker, 'exit');
    // The receiver gets the request, then the worker dies before it can record anything: SIGKILL, no shutdown hooks.
    context.receiver.respondWith((_request, n) => {
      if (n === 1) worker.kill('SIGKILL');
      return { status: 200, delayMs: n === 1 ? 200 : 0 };
    });
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');

    const deliveries = survivor.dataSource.getRepository(WebhookDeliveryEntity);
    const orphan = await deliveries.findOneByOrFail({});
    expect(orphan).toMatchObject({ status: 'pending', attempts: 0 });
    expect(orphan.lockToken).not.toBeNull(); // still leased to the dead worker
    expect(await survivor.dataSource.getRepository(WebhookAttemptEntity).count()).toBe(0);

    await survivor.relay.runOnce(); // the lease holds: nothing is sent
    expect(context.receiver.requests).toHaveLength(1);

    clock.advance(Date.now() - clock.now() + LEASE); // the worker leased by the wall clock; move past its lease
    await survivor.relay.runOnce();

    const [lost, resent] = context.receiver.requests;
    expect(resent?.headers['webhook-id']).toBe(lost!.headers['webhook-id']);
    expect(resent!.body).toBe(lost!.body);
    expect(await deliveries.findOneByOrFail({})).toMatchObject({ status: 'succeeded', attempts: 1, lockToken: null });
  }, 60_000);
});
