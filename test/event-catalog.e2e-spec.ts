import { Validator } from '@seriousme/openapi-schema-validator';
import { generateWebhookSecret, WebhookEventEntity, WebhookEventTypes } from '@webhook-outbox/nestjs';
import { eventsNotMatchingTheirSchemas } from './support/event-schema.check.js';
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
    const info = app.app
      .get(WebhookEventTypes)
      .list()
      .find((known) => known.type === 'report.ready');
    expect(info).toMatchObject({ type: 'report.ready', source: 'options' });
    expect(info).not.toHaveProperty('example');
  });

  it("derives an entity event's JSON Schema from its columns: their types and nullability, redaction, changes", async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const schemas = new Map(
      app.app
        .get(WebhookEventTypes)
        .list()
        .map((known) => [known.type, known.schema as any]),
    );
    const created = schemas.get('customer.created');
    expect(created).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      required: ['type', 'timestamp', 'data'],
      properties: { type: { const: 'customer.created' }, timestamp: { type: 'string', format: 'date-time' } },
    });
    expect(created.properties.data.properties).toMatchObject({
      id: { type: 'integer' },
      name: { type: 'string' },
      lifetimeCents: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' },
      vip: { type: 'boolean' },
      lastSeenAt: { type: ['string', 'null'], format: 'date-time' },
      birthday: { type: ['string', 'null'], format: 'date' },
      address: { type: 'object', properties: { city: { type: ['string', 'null'] } } },
    });
    expect(Object.keys(created.properties.data.properties)).not.toContain('phone');
    expect(Object.keys(created.properties.data.properties)).not.toContain('passwordHash');
    expect(created.properties.data.properties.address.properties).not.toHaveProperty('street');
    expect(created.properties).not.toHaveProperty('changes');
    expect(schemas.get('customer.tier_changed').properties.changes.properties.tier).toEqual({
      type: 'object',
      properties: { old: { type: 'string' }, new: { type: 'string' } },
      required: ['old', 'new'],
      additionalProperties: false,
    });
  });

  it('gives a published type the envelope, with the data schema and description it was declared with', async () => {
    const data = { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] };
    const app = await context.start(() => ({
      relay: { enabled: false },
      eventTypes: ['report.ready', { type: 'invoice.paid', schema: data, description: 'An invoice was paid.' }],
    }));
    const catalog = app.app.get(WebhookEventTypes).list();
    expect(catalog.find((known) => known.type === 'invoice.paid')).toMatchObject({
      description: 'An invoice was paid.',
      schema: { properties: { type: { const: 'invoice.paid' }, data } },
    });
    expect(catalog.find((known) => known.type === 'report.ready')?.schema).toMatchObject({ properties: { data: {} } });
  });

  it("exports the catalog as a valid OpenAPI 3.1 document whose webhooks reference each type's schema", async () => {
    const app = await context.start(() => ({ relay: { enabled: false }, eventTypes: ['report.ready'] }));
    const document = app.app.get(WebhookEventTypes).openApi({ title: 'Shop webhooks', version: '2.0.0' }) as any;
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Shop webhooks', version: '2.0.0' } });
    const types = app.app
      .get(WebhookEventTypes)
      .list()
      .map((known) => known.type);
    expect(Object.keys(document.webhooks).sort()).toEqual([...types].sort());
    const post = document.webhooks['order.created'].post;
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OrderCreated' });
    expect(document.components.schemas.OrderCreated.properties.type).toEqual({ const: 'order.created' });
    expect(post.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
  });

  it("flags an entity event whose body does not match its type's schema (the check every test of the suite runs)", async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    expect(await eventsNotMatchingTheirSchemas(app)).toEqual([]);
    const events = app.dataSource.getRepository(WebhookEventEntity);
    const [event] = await events.find();
    const body = JSON.parse(event!.payload);
    await events.update(event!.id, { payload: JSON.stringify({ ...body, data: { ...body.data, total: 'one' } }) });
    expect(await eventsNotMatchingTheirSchemas(app)).toEqual([
      expect.stringMatching(/^order\.created: data\/data\/total must be integer/),
    ]);
    await events.delete(event!.id); // leave nothing for the check after the test
  });
});
