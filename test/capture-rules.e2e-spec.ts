import { generateWebhookSecret, WebhookEventEntity, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { CatalogItem, Customer, Parcel, Warehouse } from './support/shop-order.entity.js';
import { emittedEvents as emitted } from './support/outbox-events.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const PASSWORD_HASH = '$argon2id$never-in-a-webhook';
const PHONE = '+41 79 555 01 02';
const STREET = 'Secret Lane 7';

const options = (url: string): WebhookModuleOptions => ({
  endpoints: [{ url, secret, eventTypes: ['customer.*'] }],
  relay: { enabled: false },
});

const types = async (app: WebhookTestApp) => (await emitted(app)).map((event) => event.type).sort();

describe.each(DATABASE_KINDS)('capture rules on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('applies every rule of an entity: an insert emits only what the rules that cover inserts say', async () => {
    const app = await context.start(options);
    await app.dataSource.getRepository(Customer).save({ name: 'Ada' });
    expect(await types(app)).toEqual(['customer.created']);
  });

  it('emits a column-triggered update only when one of its columns changed, under its own event name', async () => {
    const app = await context.start(options);
    const customers = app.dataSource.getRepository(Customer);
    const customer = await customers.save({ name: 'Ada' });
    await customers.save({ ...customer, name: 'Ada L.' });
    expect(await types(app)).toEqual(['customer.created', 'customer.updated']);

    await customers.save({ id: customer.id, tier: 'gold' });
    expect(await types(app)).toEqual([
      'customer.created',
      'customer.tier_changed',
      'customer.updated',
      'customer.updated',
    ]);
    const tierChange = (await emitted(app)).find((event) => event.type === 'customer.tier_changed')!;
    expect(tierChange.changes).toEqual({ tier: { old: 'basic', new: 'gold' } });
    expect(tierChange.data).toMatchObject({ id: customer.id, name: 'Ada L.', tier: 'gold' });
  });

  it('sends column values in the form their declared types give, the same on insert and on a partial update', async () => {
    const app = await context.start(options);
    const customers = app.dataSource.getRepository(Customer);
    const seen = new Date('2026-11-23T10:15:30.000Z');
    const customer = await customers.save({
      name: 'Ada',
      lifetimeCents: 12_345_678_901_234,
      vip: true,
      lastSeenAt: seen,
      birthday: '1990-04-01',
    });
    await customers.save({ id: customer.id, name: 'Ada L.' });
    const [created, updated] = (await emitted(app)).filter((event) => event.type !== 'customer.tier_changed');
    for (const event of [created!, updated!]) {
      expect(event.data).toMatchObject({
        lifetimeCents: '12345678901234', // bigint: a string, whether the caller or the driver gave a number
        vip: true,
        lastSeenAt: '2026-11-23T10:15:30.000Z',
        birthday: '1990-04-01',
        address: { city: null },
      });
    }
    expect(updated!.changes).toEqual({ name: { old: 'Ada', new: 'Ada L.' } });
  });

  it('lists a decimal among the changes only when its value changed, not when the database spells it differently', async () => {
    const app = await context.start(options);
    const items = app.dataSource.getRepository(CatalogItem);
    const item = await items.save({ price: '9.90' });
    item.featured = true;
    await items.save(item);
    const [created, updated] = await emitted(app);
    expect(created!.data).toMatchObject({ price: '9.90' });
    expect(updated).toMatchObject({ type: 'item.updated', data: { price: '9.90', featured: true } });
    expect(updated!.changes).toEqual({ featured: { old: false, new: true } });
  });

  it("fires a rule on a decimal column only for a new value, sent at the column's scale", async () => {
    const app = await context.start(options);
    const items = app.dataSource.getRepository(CatalogItem);
    const item = await items.save({ price: '9.90' });
    await items.save({ ...item, price: '9.9', featured: true });
    expect(await types(app)).toEqual(['item.created', 'item.updated']);

    await items.save({ id: item.id, price: '12.5' });
    const repriced = (await emitted(app)).find((event) => event.type === 'item.repriced');
    expect(repriced!.changes).toEqual({ price: { old: '9.90', new: '12.50' } });
  });

  it('never puts redacted or excluded columns in the outbox table, the log or the request body', async () => {
    const app = await context.start(options);
    const customers = app.dataSource.getRepository(Customer);
    const customer = await customers.save({
      name: 'Ada',
      phone: PHONE,
      passwordHash: PASSWORD_HASH,
      address: { street: STREET, city: 'Zug' },
    });
    await customers.save({
      id: customer.id,
      passwordHash: `${PASSWORD_HASH}-2`,
      phone: `${PHONE}-2`,
      address: { street: `${STREET}-2`, city: 'Bern' },
    });
    await customers.save({ id: customer.id, tier: 'gold' });
    await app.relay.runOnce();
    const requests = await context.receiver.waitForRequests(5); // created, updated, password_changed, updated, tier_changed

    const rows = await app.dataSource.getRepository(WebhookEventEntity).find();
    const stored = rows.map((row) => row.payload).join('\n');
    const sent = requests.map((request) => request.body).join('\n');
    const logged = app.logs.join('\n');
    for (const [where, text] of [
      ['outbox', stored],
      ['requests', sent],
      ['log', logged],
    ] as const) {
      expect({ where, hash: text.includes('argon2id') }).toEqual({ where, hash: false });
    }
    // The rule that redacts phone and street keeps them out; the tier rule does not redact them, so they are sent there.
    const events = await emitted(app);
    const created = events.find((event) => event.type === 'customer.created');
    const updated = events.find((event) => event.type === 'customer.updated' && event.changes?.['address.city']);
    const tierChanged = events.find((event) => event.type === 'customer.tier_changed');
    expect(created).toMatchObject({ type: 'customer.created', data: { address: { city: 'Zug' } } });
    expect(created!.data).not.toHaveProperty('phone');
    expect(created!.data.address).not.toHaveProperty('street');
    expect(updated).toMatchObject({
      type: 'customer.updated',
      changes: { 'address.city': { old: 'Zug', new: 'Bern' } },
    });
    expect(Object.keys(updated!.changes!)).toEqual(['address.city']);
    expect(tierChanged).toMatchObject({
      type: 'customer.tier_changed',
      data: { phone: `${PHONE}-2`, address: { street: `${STREET}-2` } },
    });
    // Only the rules without `redact` send the street: never customer.created or customer.updated.
    const withStreet = requests
      .filter((request) => request.body.includes('Secret Lane'))
      .map((request) => JSON.parse(request.body).type);
    expect(withStreet.sort()).toEqual(['customer.password_changed', 'customer.tier_changed']);
  });

  it('fires a trigger on an excluded column without revealing its values', async () => {
    const app = await context.start(options);
    const customers = app.dataSource.getRepository(Customer);
    const customer = await customers.save({ name: 'Ada', passwordHash: PASSWORD_HASH });
    await customers.save({ id: customer.id, passwordHash: `${PASSWORD_HASH}-new` });
    const changed = (await emitted(app)).find((event) => event.type === 'customer.password_changed');
    expect(changed).toMatchObject({ data: { id: customer.id, name: 'Ada' }, changes: {} });
    expect(JSON.stringify(changed)).not.toContain('argon2id');
  });

  it('sends relations as { id }, or as the loaded object (without its excluded columns) when the rule asks for them', async () => {
    const app = await context.start(options);
    const warehouse = await app.dataSource.getRepository(Warehouse).save({ name: 'North', accessCode: '4711' });
    const parcel = await app.dataSource.getRepository(Parcel).save({ label: 'P1', warehouse });
    await app.dataSource.getRepository(Parcel).save({ id: parcel.id, label: 'P1b' }); // warehouse not loaded on this object
    const events = await emitted(app);
    expect(events.find((event) => event.type === 'parcel.created')!.data).toEqual({
      id: parcel.id,
      label: 'P1',
      warehouse: { id: warehouse.id, name: 'North' },
    });
    expect(events.find((event) => event.type === 'parcel_ref.created')!.data).toEqual({
      id: parcel.id,
      label: 'P1',
      warehouse: { id: warehouse.id },
    });
    expect(events.find((event) => event.type === 'parcel.updated')!.data).toEqual({
      id: parcel.id,
      label: 'P1b',
      warehouse: { id: warehouse.id },
    });
    expect(JSON.stringify(events)).not.toContain('4711');
  });
});
