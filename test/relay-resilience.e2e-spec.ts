import {
  generateWebhookSecret,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
} from '@webhook-outbox/nestjs';
import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/loopback.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS, type DatabaseKind } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';
import { ManualClock, startWebhookTestApp } from './support/webhook-test-app.js';

const secret = generateWebhookSecret();
/** A code endpoint no running instance has declared for this long is retired (see the README's rolling deploys). */
const RETIRE_AFTER = 10 * 60_000;

/** Cuts every other connection to this test's database, as a server restart would. */
async function killOtherConnections(kind: DatabaseKind, dataSource: DataSource): Promise<number> {
  if (kind === 'postgres') {
    const rows: unknown[] = await dataSource.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.length;
  }
  const ids: Array<{ id: number }> = await dataSource.query(
    'SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()',
  );
  for (const { id } of ids) await dataSource.query(`KILL ${Number(id)}`);
  return ids.length;
}

describe.each(DATABASE_KINDS)('relay resilience on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('records a refused connection as a failed attempt with the reason, and retries later', async () => {
    const port = await freePort(); // nothing listens there
    const { dataSource, relay } = await context.start(() => ({
      endpoints: [{ url: `http://127.0.0.1:${port}/hooks`, secret }],
      relay: { enabled: false },
    }));
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await relay.runOnce();

    const [attempt] = await dataSource.getRepository(WebhookAttemptEntity).find();
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: null });
    expect(attempt!.error).toMatch(/ECONNREFUSED/);
    const delivery = await dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
    expect(delivery.status).toBe('pending');
    expect(delivery.nextAttemptAt).toBeGreaterThan(attempt!.startedAt);
  });

  it('does not follow a redirect: a 3xx is a failed attempt and the target is never called', async () => {
    const target = await WebhookReceiver.start();
    try {
      const { dataSource, relay } = await context.start((url) => ({
        endpoints: [{ url, secret }],
        relay: { enabled: false },
      }));
      context.receiver.respondWith(() => ({ status: 302, body: target.url }));
      await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

      await relay.runOnce();

      expect(context.receiver.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
      const [attempt] = await dataSource.getRepository(WebhookAttemptEntity).find();
      expect(attempt).toMatchObject({ outcome: 'failed', statusCode: 302, error: 'HTTP 302' });
    } finally {
      await target.stop();
    }
  });

  it('keeps delivering to a code endpoint removed from the options of a restarted instance until it is retired ten minutes later', async () => {
    const clock = new ManualClock();
    const first = await context.start(
      (url) => ({ endpoints: [{ id: 'old-erp', url, secret }], relay: { enabled: false } }),
      { clock },
    );
    await first.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await first.relay.runOnce(); // fans out and delivers once
    await first.dataSource.getRepository(ShopOrder).save({ customer: 'Bob', total: 2 });
    await first.close();

    const restarted = await startWebhookTestApp(
      context.database,
      {
        endpoints: [{ id: 'new-erp', url: context.receiver.url, secret, eventTypes: ['invoice.*'] }],
        relay: { enabled: false },
      },
      { keepTables: true, clock },
    );
    try {
      await restarted.relay.runOnce();
      // old-erp is still registered (declared less than ten minutes ago): Bob's event goes to it, with its stored config.
      expect(context.receiver.requests).toHaveLength(2);
      clock.advance(RETIRE_AFTER + 1);
      await restarted.dataSource.getRepository(ShopOrder).save({ customer: 'Cy', total: 3 });
      await restarted.relay.runOnce();
      const deliveries = await restarted.dataSource
        .getRepository(WebhookDeliveryEntity)
        .find({ order: { createdAt: 'ASC' } });
      expect(deliveries.map((d) => [d.endpointId, d.status])).toEqual([
        ['old-erp', 'succeeded'],
        ['old-erp', 'succeeded'],
      ]);
      // Cy's event was fanned out after old-erp was retired: no endpoint configured then subscribes to orders.
      expect(context.receiver.requests).toHaveLength(2);
    } finally {
      await restarted.close();
    }
  });

  it('fails a delivery whose code endpoint no instance has declared for ten minutes as endpoint-deleted, without an attempt', async () => {
    const clock = new ManualClock();
    const first = await context.start(
      (url) => ({ endpoints: [{ id: 'old-erp', url, secret }], relay: { enabled: false } }),
      { clock },
    );
    context.receiver.respondWith(() => ({ status: 500 }));
    await first.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await first.relay.runOnce(); // fanned out to old-erp; the attempt fails and a retry is scheduled
    await first.dataSource.getRepository(WebhookDeliveryEntity).update({ endpointId: 'old-erp' }, { nextAttemptAt: 0 }); // due now
    await first.close();

    const restarted = await startWebhookTestApp(
      context.database,
      { relay: { enabled: false } },
      { keepTables: true, clock },
    );
    try {
      clock.advance(RETIRE_AFTER + 1);
      await restarted.relay.runOnce();
      const delivery = await restarted.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
      expect(delivery).toMatchObject({
        status: 'failed',
        failureReason: 'endpoint-deleted',
        attempts: 1,
        lastError: expect.stringMatching(/^endpoint "old-erp" was retired: no running instance has declared it/),
      });
      expect(await restarted.dataSource.getRepository(WebhookAttemptEntity).count()).toBe(1);
      expect(context.receiver.requests).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });

  it('fails a delivery whose event row was deleted by hand as event-missing, and keeps delivering the others', async () => {
    const { dataSource, relay } = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret }],
      relay: { enabled: false },
    }));
    context.receiver.respondWith(() => ({ status: 500 }));
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await relay.runOnce(); // fanned out; the attempt fails and a retry is scheduled
    const deliveries = dataSource.getRepository(WebhookDeliveryEntity);
    const orphan = await deliveries.findOneByOrFail({});
    await dataSource.getRepository(WebhookEventEntity).delete(orphan.eventId);
    await deliveries.update(orphan.id, { nextAttemptAt: 0 }); // due now, at the front of the queue
    context.receiver.respondWith(() => ({ status: 200 }));
    await dataSource.getRepository(ShopOrder).save({ customer: 'Bob', total: 2 });

    await relay.runOnce();

    expect(await deliveries.findOneByOrFail({ id: orphan.id })).toMatchObject({
      status: 'failed',
      failureReason: 'event-missing',
      lockToken: null,
      lastError: `event "${orphan.eventId}" no longer exists`,
    });
    expect(JSON.parse(context.receiver.requests.at(-1)!.body)).toMatchObject({ data: { customer: 'Bob' } });
  });

  it.runIf(kind !== 'sqlite')(
    'loses nothing when the database drops every connection, and delivers once it is back',
    async () => {
      const { dataSource } = await context.start((url) => ({
        endpoints: [{ url, secret }],
        relay: { pollInterval: 20 },
      }));
      const orders = dataSource.getRepository(ShopOrder);
      await orders.save({ customer: 'before', total: 1 });
      await context.receiver.waitForRequests(1);

      // Two overlapping queries make the pool hold at least two connections, so at least one is cut below.
      const pause = kind === 'postgres' ? 'SELECT pg_sleep(0.05)' : 'SELECT SLEEP(0.05)';
      await Promise.all([dataSource.query(pause), dataSource.query(pause)]);
      expect(await killOtherConnections(kind, dataSource)).toBeGreaterThan(0);
      // The application's own next statement may meet a dead pooled connection; that is the application's to retry.
      for (let tries = 0; ; tries++) {
        try {
          await orders.save({ customer: 'after', total: 2 });
          break;
        } catch (error) {
          if (tries >= 3) throw error;
        }
      }

      const requests = await context.receiver.waitForRequests(2);
      expect(requests.map((r) => JSON.parse(r.body).data.customer)).toEqual(['before', 'after']);
      await expect
        .poll(async () => (await dataSource.getRepository(WebhookDeliveryEntity).find()).map((d) => d.status))
        .toEqual(['succeeded', 'succeeded']);
    },
  );
});
