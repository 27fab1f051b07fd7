import {
  generateWebhookSecret,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { verifyStandardWebhook } from '@webhook-outbox/signature';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { Article, AuditNote, ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const secret = generateWebhookSecret();
const fastRetries = { attempts: 3, initialDelay: 20, factor: 1, jitter: 0 };

describe.each(DATABASE_KINDS)('emitting and delivering on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  const start = context.start;

  const manual = (url: string, extra: WebhookModuleOptions = {}): WebhookModuleOptions => ({
    endpoints: [{ id: 'erp', url, secret }],
    relay: { enabled: false },
    ...extra,
  });

  const outboxRows = (dataSource: DataSource) => dataSource.getRepository(WebhookEventEntity).find();

  it('delivers a committed insert as a signed POST that the official standardwebhooks library verifies', async () => {
    const { dataSource, relay } = await start((url) => manual(url));
    const order = await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 42 });

    await relay.runOnce();

    const [request] = await context.receiver.waitForRequests(1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as Record<
      string,
      unknown
    >;
    expect(verified).toMatchObject({
      type: 'order.created',
      data: { id: order.id, customer: 'Ada', status: 'new', total: 42 },
    });
    expect(new Date(verified.timestamp as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const [event] = await outboxRows(dataSource);
    expect(request!.headers['webhook-id']).toBe(event!.id);
  });

  it('sends nothing when the transaction rolls back, and still delivers what commits afterwards', async () => {
    const { dataSource, relay } = await start((url) => manual(url));

    await expect(
      dataSource.transaction(async (manager) => {
        await manager.save(ShopOrder, { customer: 'Rolled back', total: 1 });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(await outboxRows(dataSource)).toHaveLength(0);

    await dataSource.getRepository(ShopOrder).save({ customer: 'Committed', total: 2 });
    await relay.runOnce();
    await relay.runOnce();

    const requests = await context.receiver.waitForRequests(1);
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]!.body).data.customer).toBe('Committed');
  });

  it('writes the outbox row in the caller transaction as it commits, so it is committed together with the change', async () => {
    const { dataSource } = await start((url) => manual(url));
    await dataSource.transaction(async (manager) => {
      await manager.save(ShopOrder, { customer: 'Ada', total: 3 });
      // Held until the commit, so later changes of the same row can be coalesced into it.
      expect(await manager.count(WebhookEventEntity)).toBe(0);
    });
    expect(await outboxRows(dataSource)).toHaveLength(1);
    // That the row is written inside the transaction, before COMMIT, is shown by a failing write undoing the change:
    // see "rolls the change back with a clear error when the payload function throws".
  });

  it('describes an update with the full new state and the changed fields with old and new values', async () => {
    const { dataSource, relay } = await start((url) => manual(url));
    const orders = dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 10 });
    await orders.save({ ...order, status: 'paid' });

    await relay.runOnce();

    const bodies = (await context.receiver.waitForRequests(2)).map((r) => JSON.parse(r.body));
    const updated = bodies.find((b) => b.type === 'order.updated');
    expect(updated.data).toEqual({ id: order.id, customer: 'Ada', status: 'paid', total: 10 });
    expect(updated.changes).toEqual({ status: { old: 'new', new: 'paid' } });
  });

  it('emits nothing for a save() that changes nothing', async () => {
    const { dataSource } = await start((url) => manual(url));
    const orders = dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 10 });
    await orders.save({ ...order });

    expect((await outboxRows(dataSource)).map((e) => e.type)).toEqual(['order.created']);
  });

  it('describes a removal with the last state, including the id TypeORM has already cleared', async () => {
    const { dataSource, relay } = await start((url) => manual(url));
    const orders = dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    const id = order.id;
    await orders.remove(order);

    await relay.runOnce();

    const bodies = (await context.receiver.waitForRequests(2)).map((r) => JSON.parse(r.body));
    expect(bodies.find((b) => b.type === 'order.deleted').data).toEqual({
      id,
      customer: 'Ada',
      status: 'new',
      total: 5,
    });
  });

  it('emits deleted on softRemove() and restored on recover()', async () => {
    const { dataSource } = await start((url) => manual(url));
    const articles = dataSource.getRepository(Article);
    const article = await articles.save({ title: 'Publish now' });
    await articles.softRemove(article);
    await articles.recover(article);

    const events = (await outboxRows(dataSource)).sort((a, b) => a.occurredAt - b.occurredAt);
    const bodies = events.map((e) => JSON.parse(e.payload));
    expect(bodies.map((b) => b.type)).toEqual(['article.created', 'article.deleted', 'article.restored']);
    expect(bodies[1].data).toMatchObject({ id: article.id, title: 'Publish now' });
    expect(bodies[1].data.deletedAt).not.toBeNull();
    expect(bodies[2].data).toMatchObject({ id: article.id, deletedAt: null });
  });

  it('captures repository.insert(), warning once that outside a transaction it is not atomic', async () => {
    const { dataSource, warnings } = await start((url) => manual(url));
    await dataSource.getRepository(ShopOrder).insert({ customer: 'Ada', total: 1 });
    await dataSource.getRepository(ShopOrder).insert({ customer: 'Bob', total: 2 });

    const bodies = (await outboxRows(dataSource)).map((e) => JSON.parse(e.payload));
    expect(bodies.map((b) => [b.type, b.data.customer]).sort()).toEqual([
      ['order.created', 'Ada'],
      ['order.created', 'Bob'],
    ]);
    expect(bodies.every((b) => typeof b.data.id === 'number')).toBe(true);
    expect(warnings.filter((w) => w.includes('captured outside a transaction'))).toHaveLength(1);
  });

  it('warns, naming the entity and the call, every time update() or delete() by a where clause changes rows it cannot report', async () => {
    const { dataSource, warnings } = await start((url) => manual(url));
    const orders = dataSource.getRepository(ShopOrder);
    await orders.save({ customer: 'Ada', total: 1 });

    await orders.update({ customer: 'Ada' }, { status: 'paid' });
    await orders.update({ customer: 'Ada' }, { status: 'shipped' });
    await orders.delete({ customer: 'Ada' });

    expect((await outboxRows(dataSource)).map((e) => e.type)).toEqual(['order.created']);
    const relevant = warnings.filter((w) => w.startsWith('ShopOrder:'));
    expect(relevant).toHaveLength(3);
    expect(relevant[0]).toMatch(
      /ShopOrder: an update made with update\(\) by a where clause, .* emits no webhook.*Use save\(\), or update\(\) by primary key,/,
    );
    expect(relevant[2]).toMatch(
      /ShopOrder: a removal made with delete\(\) by a where clause, .* Use remove\(\), or delete\(\) by primary key,/,
    );
  });

  it('records nothing for entities without @EmitsWebhook', async () => {
    const { dataSource } = await start((url) => manual(url));
    await dataSource.getRepository(AuditNote).save({ text: 'not a webhook source' });
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    expect((await outboxRows(dataSource)).map((e) => e.type)).toEqual(['order.created']);
  });

  it('fans an event out to every endpoint whose eventTypes match, and to no other', async () => {
    const other = await WebhookReceiver.start();
    try {
      const { dataSource, relay } = await start((url) => ({
        endpoints: [
          { id: 'orders', url, secret, eventTypes: ['order.*'] },
          { id: 'created-only', url: other.url, secret, eventTypes: ['order.created'] },
          { id: 'invoices', url: `${other.url}/invoices`, secret, eventTypes: ['invoice.*'] },
        ],
        relay: { enabled: false },
      }));
      const orders = dataSource.getRepository(ShopOrder);
      const order = await orders.save({ customer: 'Ada', total: 1 });
      await orders.save({ ...order, status: 'paid' });

      await relay.runOnce();

      expect((await context.receiver.waitForRequests(2)).map((r) => JSON.parse(r.body).type).sort()).toEqual([
        'order.created',
        'order.updated',
      ]);
      expect((await other.waitForRequests(1)).map((r) => [r.url, JSON.parse(r.body).type])).toEqual([
        ['/hooks', 'order.created'],
      ]);
      const deliveries = await dataSource.getRepository(WebhookDeliveryEntity).find();
      expect(deliveries.map((d) => d.endpointId).sort()).toEqual(['created-only', 'orders', 'orders']);
    } finally {
      await other.stop();
    }
  });

  it('retries a failing receiver with the same webhook-id: 500, 500, then 200 is three attempts and one success', async () => {
    const { dataSource } = await start((url) => ({
      endpoints: [{ url, secret }],
      retry: fastRetries,
      relay: { pollInterval: 10 },
    }));
    context.receiver.respondWith((_, n) => (n <= 2 ? { status: 500, body: 'database down' } : { status: 200 }));

    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    const requests = await context.receiver.waitForRequests(3);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const request of requests) {
      expect(() => verifyStandardWebhook({ payload: request.body, headers: request.headers, secret })).not.toThrow();
    }
    await expect
      .poll(async () => (await dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).status)
      .toBe('succeeded');
    const delivery = await dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lockToken: null });
    const attempts = await dataSource.getRepository(WebhookAttemptEntity).find({ order: { attemptNumber: 'ASC' } });
    expect(attempts.map((a) => [a.attemptNumber, a.outcome, a.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'succeeded', 200],
    ]);
    expect(attempts[0]!.responseExcerpt).toBe('database down');
    expect(context.receiver.requests).toHaveLength(3);
  });

  it('fails a delivery as exhausted after its last attempt and sends it no more', async () => {
    const { dataSource, relay } = await start((url) => manual(url, { retry: { ...fastRetries, attempts: 2 } }));
    context.receiver.respondWith(() => ({ status: 500 }));
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await relay.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await relay.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await relay.runOnce();

    expect(context.receiver.requests).toHaveLength(2);
    const delivery = await dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({});
    expect(delivery).toMatchObject({
      status: 'failed',
      failureReason: 'exhausted',
      attempts: 2,
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    });
    expect(delivery.completedAt).not.toBeNull();
  });

  it('counts a receiver that does not answer within the timeout as a failed attempt', async () => {
    const { dataSource, relay } = await start((url) =>
      manual(url, { delivery: { timeout: 200 }, relay: { enabled: false, leaseDuration: 5_000 } }),
    );
    context.receiver.respondWith(() => ({ status: 200, delayMs: 2_000 }));
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    const started = Date.now();
    await relay.runOnce();

    expect(Date.now() - started).toBeLessThan(1_500);
    const [attempt] = await dataSource.getRepository(WebhookAttemptEntity).find();
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: null, error: 'timed out after 200 ms' });
    expect((await dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({})).status).toBe('pending');
  });

  it('sends GET endpoints the same data as query parameters, signed over the exact query string', async () => {
    const { dataSource, relay } = await start((url) => ({
      endpoints: [{ url: `${url}?token=abc`, secret, method: 'GET' }],
      relay: { enabled: false },
    }));
    const order = await dataSource.getRepository(ShopOrder).save({ customer: 'Ada Lovelace & Co', total: 7 });

    await relay.runOnce();

    const [request] = await context.receiver.waitForRequests(1);
    expect(request!.method).toBe('GET');
    expect(request!.body).toBe('');
    const query = request!.url.slice(request!.url.indexOf('?') + 1);
    const params = new URLSearchParams(query);
    expect(params.get('token')).toBe('abc');
    expect(params.get('type')).toBe('order.created');
    expect(params.get('data.id')).toBe(String(order.id));
    expect(params.get('data.customer')).toBe('Ada Lovelace & Co');
    expect(verifyStandardWebhook({ payload: query, headers: request!.headers, secret }).id).toMatch(/^msg_/);
  });

  it('starts the relay with the application, delivers without manual help, and stops it on close', async () => {
    const { dataSource, orchestrator } = await start((url) => ({
      endpoints: [{ url, secret }],
      relay: { pollInterval: 5_000 },
    }));
    expect(orchestrator.isRunning).toBe(true);

    const startedAt = Date.now();
    await dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await context.receiver.waitForRequests(1);
    // The commit wakes the relay: far sooner than the 5 s poll interval.
    expect(Date.now() - startedAt).toBeLessThan(2_000);

    await context.closeApp();
    expect(orchestrator.isRunning).toBe(false);
  });

  it('never lets a relay running alongside open application transactions deliver a rolled-back change', async () => {
    const { dataSource } = await start((url) => ({ endpoints: [{ url, secret }], relay: { pollInterval: 5 } }));
    const orders = dataSource.getRepository(ShopOrder);

    // One application transaction at a time (TypeORM cannot run concurrent transactions on SQLite's single
    // connection at all), each held open while the relay polls every 5 ms; every other one rolls back.
    for (let i = 0; i < 10; i++) {
      const attempt = dataSource.transaction(async (manager) => {
        await manager.save(ShopOrder, { customer: `customer ${i}`, total: i });
        await new Promise((resolve) => setTimeout(resolve, 15));
        if (i % 2 === 1) throw new Error('roll back');
      });
      if (i % 2 === 1) await expect(attempt).rejects.toThrow('roll back');
      else await attempt;
    }

    const committed = (await orders.find()).map((o) => o.customer).sort();
    expect(committed).toEqual(['customer 0', 'customer 2', 'customer 4', 'customer 6', 'customer 8']);
    const requests = await context.receiver.waitForRequests(committed.length);
    // Give a wrongly delivered rolled-back event time to show up before concluding there is none.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requests.map((r) => JSON.parse(r.body).data.customer).sort()).toEqual(committed);
  });
});
