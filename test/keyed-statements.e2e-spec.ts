import { generateWebhookSecret, WebhookCaptureError, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { In } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { Article, ShopOrder, Subscription } from './support/shop-order.entity.js';
import { emittedEvents as emitted, type EmittedEvent } from './support/outbox-events.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const options =
  (strict = false) =>
  (url: string): WebhookModuleOptions => ({
    endpoints: [{ url, secret }],
    relay: { enabled: false },
    capture: { strict },
  });

describe.each(DATABASE_KINDS)('update(), delete(), softDelete(), restore() and upsert() on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('captures update() by primary key like save(): the whole row after it, and what changed', async () => {
    const app = await context.start(options());
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await orders.update(order.id, { status: 'paid' });
    await orders.update({ id: order.id }, { status: 'paid' }); // nothing changes: nothing to report
    const [, updated, ...rest] = await emitted(app);
    expect(updated).toEqual({
      type: 'order.updated',
      timestamp: expect.any(String),
      sequence: 2,
      data: { id: order.id, customer: 'Ada', status: 'paid', total: 5 },
      changes: { status: { old: 'new', new: 'paid' } },
    } as EmittedEvent);
    expect(rest).toEqual([]);
    expect(app.warnings.filter((warning) => warning.startsWith('ShopOrder:'))).toEqual([]);
  });

  it('captures each row of update() by a list of keys or In([...])', async () => {
    const app = await context.start(options());
    const orders = app.dataSource.getRepository(ShopOrder);
    const [a, b, c] = await orders.save(
      [{ customer: 'A' }, { customer: 'B' }, { customer: 'C' }].map((o) => ({ ...o, total: 1 })),
    );
    await orders.update([a!.id, b!.id], { status: 'packed' });
    await orders.update({ id: In([b!.id, c!.id]) }, { total: 2 });
    const updates = (await emitted(app)).filter((event) => event.type === 'order.updated');
    expect(updates.map((event) => [event.data.customer, Object.keys(event.changes!)[0]]).sort()).toEqual([
      ['A', 'status'],
      ['B', 'status'],
      ['B', 'total'],
      ['C', 'total'],
    ]);
  });

  it('captures delete() by key with the last state of each row that existed', async () => {
    const app = await context.start(options());
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await orders.delete(order.id);
    await orders.delete(order.id); // already gone: nothing to report
    expect((await emitted(app)).map((event) => [event.type, event.data.id, event.data.customer])).toEqual([
      ['order.created', order.id, 'Ada'],
      ['order.deleted', order.id, 'Ada'],
    ]);
  });

  it('captures softDelete() and restore() by key as deleted and restored', async () => {
    const app = await context.start(options());
    const articles = app.dataSource.getRepository(Article);
    const article = await articles.save({ title: 'Hello' });
    await articles.softDelete(article.id);
    await articles.softDelete(article.id); // already deleted
    await articles.restore(article.id);
    const events = await emitted(app);
    expect(events.map((event) => event.type)).toEqual(['article.created', 'article.deleted', 'article.restored']);
    expect(events[1]!.data.deletedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(events[2]!.data.deletedAt).toBeNull();
  });

  it('commits a keyed statement and its event together, or neither', async () => {
    const app = await context.start(options());
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await expect(
      app.dataSource.transaction(async (manager) => {
        await manager.getRepository(ShopOrder).update(order.id, { status: 'paid' });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect((await orders.findOneByOrFail({ id: order.id })).status).toBe('new');
    expect((await emitted(app)).map((event) => event.type)).toEqual(['order.created']);
    // Outside a transaction, the statement gets one of its own with its event: no "not atomic" warning.
    await orders.update(order.id, { status: 'paid' });
    expect(app.warnings.filter((warning) => warning.includes('outside a transaction'))).toEqual([]);
  });

  it('reports an upsert honestly: created for a new row, updated (with changes) for an existing one', async () => {
    const app = await context.start(options());
    const subscriptions = app.dataSource.getRepository(Subscription);
    await subscriptions.upsert({ externalId: 'sub_1', plan: 'basic' }, ['externalId']);
    await subscriptions.upsert(
      [
        { externalId: 'sub_1', plan: 'pro' },
        { externalId: 'sub_2', plan: 'basic' },
      ],
      ['externalId'],
    );
    const events = await emitted(app);
    expect(events.map((event) => [event.type, event.data.externalId, event.data.plan])).toEqual([
      ['subscription.created', 'sub_1', 'basic'],
      expect.anything(),
      expect.anything(),
    ]);
    expect(
      events
        .slice(1)
        .map((event) => [event.type, event.data.externalId, event.changes ?? null])
        .sort(),
    ).toEqual([
      ['subscription.created', 'sub_2', null],
      ['subscription.updated', 'sub_1', { plan: { old: 'basic', new: 'pro' } }],
    ]);
  });

  it('warns about update() by a where clause and runs it; in strict mode refuses it before it runs', async () => {
    const lenient = await context.start(options());
    await lenient.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 5 });
    await lenient.dataSource.getRepository(ShopOrder).update({ customer: 'Ada' }, { status: 'paid' });
    expect(
      lenient.warnings.filter((warning) =>
        warning.startsWith('ShopOrder: an update made with update() by a where clause'),
      ),
    ).toHaveLength(1);
    await context.closeApp();

    const strict = await context.start(options(true));
    const orders = strict.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Bob', total: 5 });
    await expect(orders.update({ customer: 'Bob' }, { status: 'paid' })).rejects.toThrow(WebhookCaptureError);
    await expect(orders.delete({ customer: 'Bob' })).rejects.toThrow(
      /ShopOrder: a removal made with delete\(\) by a where clause.*capture\.strict refuses it/,
    );
    await expect(
      strict.dataSource.createQueryBuilder().update(ShopOrder).set({ status: 'x' }).execute(),
    ).rejects.toThrow(WebhookCaptureError);
    expect(await orders.findOneByOrFail({ id: order.id })).toMatchObject({ status: 'new' });
    // By key it is still captured in strict mode.
    await orders.update(order.id, { status: 'paid' });
    expect((await emitted(strict)).map((event) => event.type)).toEqual(['order.created', 'order.updated']);
  });
});
