import {
  generateWebhookSecret,
  WebhookEventEntity,
  type WebhookModuleOptions,
  WebhookPublisher,
  WebhookRetention,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { Currency, Shipment, ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const DAY = 24 * 3_600_000;
const options = (url: string): WebhookModuleOptions => ({
  endpoints: [{ url, secret }],
  eventTypes: ['report.ready'],
  relay: { enabled: false },
  retry: { initialDelay: 10_000, jitter: 0 },
});

describe.each(DATABASE_KINDS)('sequence numbers and ordered delivery on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it("numbers each row's events 1, 2, 3..., per row, and not events that are about no row", async () => {
    const app = await context.start(options);
    const orders = app.dataSource.getRepository(ShopOrder);
    const a = await orders.save({ customer: 'A', total: 1 });
    const b = await orders.save({ customer: 'B', total: 1 });
    await orders.save({ id: a.id, status: 'paid' });
    await orders.update(a.id, { status: 'shipped' });
    await orders.save({ id: b.id, status: 'paid' });
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'report.ready', data: {} }),
    );
    const bodies = (await app.dataSource.getRepository(WebhookEventEntity).find({ order: { id: 'ASC' } })).map((row) =>
      JSON.parse(row.payload),
    );
    expect(bodies.map((body) => [body.type, body.data.customer ?? null, body.sequence ?? null])).toEqual([
      ['order.created', 'A', 1],
      ['order.created', 'B', 1],
      ['order.updated', 'A', 2],
      ['order.updated', 'A', 3],
      ['order.updated', 'B', 2],
      ['report.ready', null, null],
    ]);
  });

  it("keeps counting after the row's old events are pruned", async () => {
    const clock = new ManualClock();
    const app = await context.start(options, { clock });
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'A', total: 1 });
    await app.relay.runOnce();
    clock.advance(40 * DAY);
    expect((await app.app.get(WebhookRetention).prune()).events).toBe(1);
    await orders.save({ id: order.id, status: 'paid' });
    const [latest] = await app.dataSource.getRepository(WebhookEventEntity).find();
    expect(JSON.parse(latest!.payload).sequence).toBe(2);
  });

  it('keeps counting for a natural key that comes back after a removal', async () => {
    const app = await context.start(options);
    const currencies = app.dataSource.getRepository(Currency);
    await currencies.save({ code: 'CHF', name: 'Swiss franc' });
    await currencies.save({ code: 'CHF', name: 'Franc' });
    await currencies.delete('CHF');
    await currencies.save({ code: 'CHF', name: 'Swiss franc' });
    const bodies = (await app.dataSource.getRepository(WebhookEventEntity).find({ order: { id: 'ASC' } })).map((row) =>
      JSON.parse(row.payload),
    );
    expect(bodies.map((body) => [body.type, body.sequence])).toEqual([
      ['currency.created', 1],
      ['currency.updated', 2],
      ['currency.deleted', 3],
      ['currency.created', 4],
    ]);
  });

  it("holds back a row's next event while its previous one is failing, for that row only, then sends both in order", async () => {
    const clock = new ManualClock();
    const app = await context.start(options, { clock });
    const shipments = app.dataSource.getRepository(Shipment);
    const late = await shipments.save({});
    const fine = await shipments.save({});
    await shipments.save({ id: late.id, status: 'dispatched' });
    await shipments.save({ id: fine.id, status: 'dispatched' });
    // The receiver fails the first event of one shipment until told otherwise.
    let failing = true;
    context.receiver.respondWith((request) => {
      const body = JSON.parse(request.body);
      return { status: failing && body.data.id === late.id && body.type === 'shipment.created' ? 500 : 200 };
    });
    const sent = () =>
      context.receiver.requests
        .map((request) => JSON.parse(request.body))
        .map((body) => `${body.data.id === late.id ? 'late' : 'fine'} ${body.type} #${body.sequence}`);

    for (let round = 0; round < 3; round++) await app.relay.runOnce();
    // The late shipment's update waits; the other shipment's events go, one after the other.
    expect([...sent()].sort()).toEqual([
      'fine shipment.created #1',
      'fine shipment.updated #2',
      'late shipment.created #1',
    ]);
    expect(sent().indexOf('fine shipment.created #1')).toBeLessThan(sent().indexOf('fine shipment.updated #2'));

    failing = false;
    clock.advance(10_000); // the retry is due
    for (let round = 0; round < 3; round++) await app.relay.runOnce();
    expect(sent().slice(3)).toEqual(['late shipment.created #1', 'late shipment.updated #2']);
  });
});
