import { generateWebhookSecret, WebhookDeliveryEntity } from '@webhook-outbox/nestjs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from '../support/shop-order.entity.js';
import { DATABASE_KINDS } from '../support/test-databases.js';
import { useWebhookTestContext } from '../support/webhook-test-context.js';
import { spawnRelayWorker } from '../support/relay-worker.js';

const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('a relay process SIGKILLed mid-delivery on %s (default options)', (kind) => {
  const context = useWebhookTestContext(kind);

  it('has its in-flight delivery resent by a surviving instance within 10 s, under the same webhook-id', async () => {
    const survivor = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
    }));
    await survivor.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    let killedAt = 0;
    // The receiver is set up before the worker starts (it may send at once): it has the request when the worker dies,
    // so no outcome is recorded and no shutdown hook runs.
    context.receiver.respondWith((_request, n) => {
      if (n === 1) {
        killedAt = performance.now();
        worker.process.kill('SIGKILL');
      }
      return { status: 200, delayMs: n === 1 ? 200 : 0 };
    });
    const worker = spawnRelayWorker(context.database, {
      endpoints: [{ id: 'erp', url: context.receiver.url, secret }],
    });
    const exited = once(worker.process, 'exit');
    await exited;
    survivor.orchestrator.start();
    await context.receiver.waitForRequests(2, 20_000);

    const recovery = context.receiver.arrivedAt[1]! - killedAt;
    console.log(`relay SIGKILL on ${kind}: the delivery was resent ${Math.round(recovery)} ms after the kill`);
    expect(recovery).toBeLessThan(10_000);
    const [lost, resent] = context.receiver.requests;
    expect(resent!.headers['webhook-id']).toBe(lost!.headers['webhook-id']);
    await survivor.orchestrator.stop();
    expect(await survivor.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
  });
});
