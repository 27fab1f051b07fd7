import { generateWebhookSecret, WebhookEventEntity, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { Customer, ShopOrder, ShopSale } from './support/shop-order.entity.js';
import { emittedEvents as emitted } from './support/outbox-events.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const options = (url: string): WebhookModuleOptions => ({ endpoints: [{ url, secret }], relay: { enabled: false } });

describe.each(DATABASE_KINDS)('coalescing on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('turns three updates of one row in one transaction into one event with the final state', async () => {
    const app = await context.start(options);
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.dataSource.transaction(async (manager) => {
      const orders = manager.getRepository(ShopOrder);
      await orders.save({ id: order.id, status: 'paid' });
      await orders.save({ id: order.id, status: 'packed', total: 2 });
      await orders.save({ id: order.id, status: 'shipped' });
    });
    const [, updated, ...rest] = await emitted(app);
    expect(rest).toEqual([]);
    expect(updated).toMatchObject({ type: 'order.updated', data: { id: order.id, status: 'shipped', total: 2 } });
    expect(updated!.changes).toEqual({ status: { old: 'new', new: 'shipped' }, total: { old: 1, new: 2 } });
  });

  it('writes the events of a transaction at its commit, all of them, however many (1,200 rows saved at once)', async () => {
    const app = await context.start(options);
    const saved = await app.dataSource.transaction((manager) =>
      manager.getRepository(ShopOrder).save(Array.from({ length: 1200 }, (_, n) => ({ customer: `C${n}`, total: n }))),
    );
    const events = await emitted(app);
    expect(events).toHaveLength(1200);
    expect(events.every((event) => event.type === 'order.created')).toBe(true);
    expect(new Set(events.map((event) => event.data.id))).toEqual(new Set(saved.map((order) => order.id)));
  });

  it("writes many rows' text exactly as saved: quotes, backslashes, line breaks, accents and emoji", async () => {
    const app = await context.start(options);
    const customers = Array.from({ length: 40 }, (_, n) => `"Ada" \\ O'Brien\n\t${n} é 😀`);
    await app.dataSource.transaction((manager) =>
      manager.getRepository(ShopOrder).save(customers.map((customer, total) => ({ customer, total }))),
    );
    expect((await emitted(app)).map((event) => event.data.customer)).toEqual(customers);
  });

  it('stores a lone surrogate in an event column as the driver stores it in the row itself', async () => {
    const app = await context.start(options);
    await app.dataSource.transaction((manager) =>
      manager
        .getRepository(ShopSale)
        .save(Array.from({ length: 20 }, (_, amount) => ({ shop: 'north\ud800', amount }))),
    );
    const [stored] = await app.dataSource.getRepository(ShopSale).find();
    // U+FFFD in place of the surrogate (one, or three on SQLite), never an error that would fail the transaction.
    expect(stored!.shop).toMatch(/^north\ufffd+$/);
    const events = await app.dataSource.getRepository(WebhookEventEntity).find();
    expect(events).toHaveLength(20);
    expect(new Set(events.map((event) => event.tenant))).toEqual(new Set([stored!.shop]));
  });

  it('turns a create followed by updates in one transaction into one created event with the final state', async () => {
    const app = await context.start(options);
    await app.dataSource.transaction(async (manager) => {
      const orders = manager.getRepository(ShopOrder);
      const order = await orders.save({ customer: 'Ada', total: 1 });
      await orders.save({ id: order.id, status: 'paid' });
      await orders.update(order.id, { total: 9 });
    });
    const events = await emitted(app);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'order.created', data: { customer: 'Ada', status: 'paid', total: 9 } });
    expect(events[0]).not.toHaveProperty('changes');
  });

  it('turns an update followed by a removal into the removal, and a row created and removed into nothing', async () => {
    const app = await context.start(options);
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.dataSource.transaction(async (manager) => {
      const orders = manager.getRepository(ShopOrder);
      await orders.save({ id: order.id, status: 'cancelled' });
      await orders.delete(order.id);
      const draft = await orders.save({ customer: 'Draft', total: 0 });
      await orders.remove(draft);
    });
    expect((await emitted(app)).map((event) => [event.type, event.data.customer, event.data.status])).toEqual([
      ['order.created', 'Ada', 'new'],
      ['order.deleted', 'Ada', 'cancelled'],
    ]);
  });

  it('emits nothing for updates that bring every value back', async () => {
    const app = await context.start(options);
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.dataSource.transaction(async (manager) => {
      await manager.save(ShopOrder, { id: order.id, status: 'paid' });
      await manager.save(ShopOrder, { id: order.id, status: 'new' });
    });
    expect((await emitted(app)).map((event) => event.type)).toEqual(['order.created']);
  });

  it('keeps separate transactions separate, and every change for a rule with coalesce: false', async () => {
    const app = await context.start(options);
    const customers = app.dataSource.getRepository(Customer);
    const customer = await customers.save({ name: 'Ada' });
    await app.dataSource.transaction(async (manager) => {
      await manager.save(Customer, { id: customer.id, tier: 'silver' });
      await manager.save(Customer, { id: customer.id, tier: 'gold' });
    });
    await customers.save({ id: customer.id, name: 'Ada L.' });
    const events = await emitted(app);
    // Events written in the same millisecond have no order in the table: compare as sets.
    const changesOf = (type: string) =>
      events
        .filter((event) => event.type === type)
        .map((event) => JSON.stringify(event.changes))
        .sort();
    expect(changesOf('customer.updated')).toEqual(
      [{ tier: { old: 'basic', new: 'gold' } }, { name: { old: 'Ada', new: 'Ada L.' } }]
        .map((changes) => JSON.stringify(changes))
        .sort(),
    );
    expect(changesOf('customer.tier_changed')).toEqual(
      [{ tier: { old: 'basic', new: 'silver' } }, { tier: { old: 'silver', new: 'gold' } }]
        .map((changes) => JSON.stringify(changes))
        .sort(),
    );
  });

  it('forgets the changes of a savepoint that rolls back, and keeps those of one that is released', async () => {
    const app = await context.start(options);
    await app.dataSource.transaction(async (manager) => {
      const kept = await manager.save(ShopOrder, { customer: 'Kept', total: 1 });
      await manager.transaction(async (inner) => {
        await inner.save(ShopOrder, { id: kept.id, status: 'paid' });
      });
      await manager
        .transaction(async (inner) => {
          await inner.save(ShopOrder, { customer: 'Rolled back', total: 2 });
          await inner.save(ShopOrder, { id: kept.id, status: 'refunded' });
          throw new Error('undo this part');
        })
        .catch(() => undefined);
    });
    const events = await emitted(app);
    expect(events.map((event) => [event.type, event.data.customer, event.data.status])).toEqual([
      ['order.created', 'Kept', 'paid'],
    ]);
    expect(await app.dataSource.getRepository(ShopOrder).countBy({ customer: 'Rolled back' })).toBe(0);
  });
});
