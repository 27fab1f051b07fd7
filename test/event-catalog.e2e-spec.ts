import { generateWebhookSecret, WebhookEventTypes } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

/** A value's shape: its keys (sorted) and the JSON type of each value, recursively. */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return [value.length === 0 ? 'empty' : shapeOf(value[0])];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  return typeof value;
}

describe.each(DATABASE_KINDS)('event catalog on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it("gives each entity event type an example with the shape of that type's real deliveries", async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));
    const orders = app.dataSource.getRepository(ShopOrder);
    const order = await orders.save({ customer: 'Ada', total: 5 });
    await orders.save({ ...order, status: 'paid' });
    const customers = app.dataSource.getRepository(Customer);
    const customer = await customers.save({
      name: 'Ada',
      phone: '+44 20 7946 0000',
      passwordHash: 'x',
      lastSeenAt: new Date(),
      birthday: '1990-12-10',
      address: { street: '1 Main St', city: 'London' },
    });
    await customers.save({ ...customer, tier: 'gold' });
    await app.dataSource.getRepository(Invoice).save({ number: 'INV-1', amountCents: 1200 });
    await app.relay.runOnce();
    await app.relay.runOnce();

    const delivered = new Map(
      context.receiver.requests.map((request) => {
        const body = JSON.parse(request.body) as { type: string };
        return [body.type, body];
      }),
    );
    const catalog = app.app.get(WebhookEventTypes).list();
    const types = [
      'order.created',
      'order.updated',
      'customer.created',
      'customer.tier_changed',
      'billing.invoice.created',
    ];
    // Which column an update changed is the example's choice; what a change looks like is not.
    const comparable = (body: unknown) => {
      const { changes, ...rest } = body as { changes?: Record<string, unknown> };
      return changes ? { ...rest, changes: Object.values(changes).map(shapeOf) } : rest;
    };
    for (const type of types) {
      const example = catalog.find((known) => known.type === type)?.example;
      expect([type, shapeOf(comparable(example))]).toEqual([type, shapeOf(comparable(delivered.get(type)))]);
    }
  });

  it('leaves redacted and excluded columns out of the examples, and shows an update its changes', async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));
    const examples = new Map(
      app.app
        .get(WebhookEventTypes)
        .list()
        .map((known) => [known.type, known.example]),
    );
    const created = examples.get('customer.created') as { data: Record<string, unknown> };
    expect(created.data).not.toHaveProperty('phone');
    expect(created.data).not.toHaveProperty('passwordHash');
    expect(created.data.address).not.toHaveProperty('street');
    expect(examples.get('customer.tier_changed')).toMatchObject({
      changes: { tier: { old: expect.any(String), new: expect.any(String) } },
    });
    expect(examples.get('order.updated')).toMatchObject({ changes: expect.any(Object) });
  });

  it('has no example for a type declared in options, whose data the application shapes itself', async () => {
    const app = await context.start(() => ({ relay: { enabled: false }, eventTypes: ['report.ready'] }));
    expect(app.app.get(WebhookEventTypes).list()).toContainEqual({ type: 'report.ready', source: 'options' });
  });
});
