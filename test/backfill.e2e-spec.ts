import { setTimeout as delay } from 'node:timers/promises';
import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookEndpointNotFoundError,
  WebhookEndpoints,
  WebhookValidationError,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { WebhookBackfillEntity } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { AuditNote, Invoice, ShopOrder, ShopSale, Subscription } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const appSecret = generateWebhookSecret();
const options = (url: string): WebhookModuleOptions => ({
  endpoints: [{ id: 'everything', url: `${url}/everything`, secret: appSecret, eventTypes: ['*'] }],
  relay: { enabled: false },
});

describe.each(DATABASE_KINDS)('backfill on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('sends every existing row to the new endpoint only, as signed snapshot events, in batches', async () => {
    const app = await context.start(options);
    const orders = await app.dataSource
      .getRepository(ShopOrder)
      .save([1, 2, 3, 4, 5].map((n) => ({ customer: `C${n}`, total: n })));
    await app.relay.runOnce(); // the live order.created events go to the existing endpoint
    const before = context.receiver.requests.length;
    const { id, secret } = await app.app
      .get(WebhookEndpoints)
      .create({ url: `${context.receiver.url}/new`, eventTypes: ['article.*'] });

    expect(await app.app.get(WebhookEndpoints).backfill(id, { entity: ShopOrder, batchSize: 2 })).toEqual({
      events: 5,
      completed: true,
    });
    await app.relay.runOnce();
    const sent = context.receiver.requests.slice(before);
    expect(sent.every((request) => request.url === '/hooks/new')).toBe(true);
    expect(
      sent
        .map((request) => JSON.parse(request.body))
        .map((body) => [body.type, body.data.customer])
        .sort(),
    ).toEqual(orders.map((order) => ['order.snapshot', order.customer]).sort());
    expect(
      sent.every((request) =>
        verifyStandardWebhook({ payload: request.body, headers: request.headers, secret }).id.startsWith('msg_'),
      ),
    ).toBe(true);

    // Asked again once complete: nothing more.
    expect(await app.app.get(WebhookEndpoints).backfill(id, { entity: ShopOrder, batchSize: 2 })).toEqual({
      events: 5,
      completed: true,
    });
    await app.relay.runOnce();
    expect(context.receiver.requests.length).toBe(before + 5);
  });

  it('resumes after the last row a cut-short backfill sent', async () => {
    const app = await context.start(options);
    const orders = await app.dataSource
      .getRepository(ShopOrder)
      .save([1, 2, 3, 4, 5].map((n) => ({ customer: `C${n}`, total: n })));
    await app.relay.runOnce(); // the live events are fanned out before the new endpoint exists
    const { id } = await app.app.get(WebhookEndpoints).create({ url: `${context.receiver.url}/new` });
    const snapshots = () =>
      context.receiver.requests
        .filter((request) => request.url === '/hooks/new')
        .map((request) => JSON.parse(request.body).data.customer);
    await app.app.get(WebhookEndpoints).backfill(id, { entity: ShopOrder, batchSize: 2 });
    await app.relay.runOnce();
    expect(snapshots()).toHaveLength(5);
    // Play a crash after the first batch: the progress row says two rows were sent and the backfill is not done.
    const progress = await app.dataSource.getRepository(WebhookBackfillEntity).findOneByOrFail({ endpointId: id });
    await app.dataSource
      .getRepository(WebhookBackfillEntity)
      .update(progress.id, { lastKey: JSON.stringify(orders[1]!.id), events: 2, completedAt: null });

    expect(await app.app.get(WebhookEndpoints).backfill(id, { entity: ShopOrder, batchSize: 2 })).toEqual({
      events: 5,
      completed: true,
    });
    await app.relay.runOnce();
    expect(snapshots().slice(5).sort()).toEqual(['C3', 'C4', 'C5']);
  });

  it("sends only the rows changed since a time, and only a tenant's rows to a tenant's endpoint", async () => {
    const app = await context.start(options);
    const subscriptions = app.dataSource.getRepository(Subscription);
    await subscriptions.save([
      { externalId: 'old', plan: 'basic' },
      { externalId: 'recent', plan: 'basic' },
    ]);
    await delay(1100);
    // A whole second: SQLite's CURRENT_TIMESTAMP, which sets the update date of a statement update, keeps no more.
    const since = new Date(Math.floor(Date.now() / 1000) * 1000);
    await subscriptions.update({ externalId: 'recent' }, { plan: 'pro' });
    await app.dataSource.getRepository(ShopSale).save([
      { shop: 'north', amount: 1 },
      { shop: 'north', amount: 2 },
      { shop: 'south', amount: 3 },
    ]);

    const endpoints = app.app.get(WebhookEndpoints);
    const all = await endpoints.create({ url: `${context.receiver.url}/since` });
    expect(await endpoints.backfill(all.id, { entity: Subscription, since })).toEqual({ events: 1, completed: true });
    const north = await endpoints.create({ url: `${context.receiver.url}/north` }, { tenant: 'north' });
    expect(await endpoints.backfill(north.id, { entity: ShopSale }, { tenant: 'north' })).toEqual({
      events: 2,
      completed: true,
    });
    await expect(endpoints.backfill(north.id, { entity: ShopSale }, { tenant: 'south' })).rejects.toThrow(
      WebhookEndpointNotFoundError,
    );
  });

  it("shapes each snapshot with the rule's payload function, called with kind snapshot; its when is not asked", async () => {
    const app = await context.start(options);
    const invoices = app.dataSource.getRepository(Invoice);
    // Neither is paid: the rule's when would not emit an update of them, but a backfill sends every row.
    await invoices.save([
      { number: 'INV-1', amountCents: 1250 },
      { number: 'INV-2', amountCents: 300 },
    ]);
    await app.relay.runOnce(); // the live events are fanned out before the new endpoint exists
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({
      url: `${context.receiver.url}/invoices`,
      eventTypes: ['billing.invoice.*'],
    });

    expect(await endpoints.backfill(id, { entity: Invoice })).toEqual({ events: 2, completed: true });
    await app.relay.runOnce();
    const snapshots = context.receiver.requests
      .filter((request) => request.url === '/hooks/invoices')
      .map((request) => JSON.parse(request.body));
    // Sent concurrently, so in no particular order.
    expect(
      snapshots.map((body) => [body.type, body.data]).sort((a, b) => a[1].number.localeCompare(b[1].number)),
    ).toEqual([
      ['billing.invoice.snapshot', { number: 'INV-1', amountCents: '1250', kind: 'snapshot' }],
      ['billing.invoice.snapshot', { number: 'INV-2', amountCents: '300', kind: 'snapshot' }],
    ]);
  });

  it('stops, having sent nothing of the batch, when the payload function throws, and says which rule', async () => {
    const app = await context.start(options);
    const invoices = app.dataSource.getRepository(Invoice);
    await invoices.save({ number: 'INV-1', amountCents: 100 });
    await invoices.update({ number: 'INV-1' }, { number: '' }); // a where-clause update: not captured, so nothing threw yet
    await app.relay.runOnce();
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({
      url: `${context.receiver.url}/invoices`,
      eventTypes: ['billing.invoice.*'],
    });

    await expect(endpoints.backfill(id, { entity: Invoice })).rejects.toThrow(
      '@EmitsWebhook on Invoice: payload() threw: an invoice without a number cannot be published',
    );
    await app.relay.runOnce();
    expect(context.receiver.requests.filter((request) => request.url === '/hooks/invoices')).toEqual([]);
    expect(await app.dataSource.getRepository(WebhookBackfillEntity).findOneByOrFail({ endpointId: id })).toMatchObject(
      { events: 0, completedAt: null },
    );
  });

  it('refuses what it cannot backfill, saying why', async () => {
    const app = await context.start(options);
    const endpoints = app.app.get(WebhookEndpoints);
    const { id } = await endpoints.create({ url: context.receiver.url });
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(WebhookValidationError);
      return (error as WebhookValidationError).errors;
    };
    expect(await refusal(endpoints.backfill(id, { entity: AuditNote }))).toEqual([
      { field: 'entity', message: 'AuditNote has no @EmitsWebhook rule.' },
    ]);
    expect(await refusal(endpoints.backfill(id, { entity: ShopOrder, since: Date.now(), batchSize: 0 }))).toEqual([
      { field: 'since', message: 'ShopOrder has no @UpdateDateColumn or @CreateDateColumn to filter by.' },
      { field: 'batchSize', message: 'must be a whole number ≥ 1.' },
    ]);
    expect(await refusal(endpoints.backfill(id, { entity: 'NoSuchEntity' }))).toEqual([
      { field: 'entity', message: 'is not an entity of a DataSource the webhook module captures.' },
    ]);
  });
});
