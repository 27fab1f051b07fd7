import type { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookConfigurationError,
  WebhookEndpoints,
  WebhookEventEntity,
  WebhookModule,
  type WebhookModuleExtras,
  type WebhookModuleOptions,
  WebhookPublisher,
  WebhookTransactionRequiredError,
} from '@webhook-outbox/nestjs';
import { OutboxRelay } from '@webhook-outbox/nestjs/internal';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuditNote, Invoice, Shipment, ShopOrder } from './support/shop-order.entity.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const secret = generateWebhookSecret();

interface TwoDatabaseApp {
  app: INestApplication;
  /** The module's own DataSource: endpoints, deliveries and the log live here. */
  main: DataSource;
  /** A second DataSource, `billing`, whose entities are captured too. */
  billing: DataSource;
  /** A third, `scratch` (SQLite in memory), that the module does not capture. */
  scratch: DataSource;
  relay: OutboxRelay;
  errors: string[];
}

describe.each(DATABASE_KINDS)('capture on several DataSources, on %s', (kind) => {
  let mainDatabase: TestDatabase;
  let billingDatabase: TestDatabase;
  let receiver: WebhookReceiver;
  let running: INestApplication | undefined;

  beforeAll(async () => {
    [mainDatabase, billingDatabase] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
  });
  afterAll(async () => {
    await Promise.all([mainDatabase.drop(), billingDatabase.drop()]);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await receiver?.stop();
  });

  async function start(
    extras: WebhookModuleExtras = { captureDataSources: ['billing'] },
    options: Partial<WebhookModuleOptions> = {},
  ): Promise<TwoDatabaseApp> {
    receiver = await WebhookReceiver.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...mainDatabase.options,
          entities: [ShopOrder, Shipment],
          autoLoadEntities: true,
          synchronize: true,
          retryAttempts: 0,
        }),
        TypeOrmModule.forRoot({
          ...billingDatabase.options,
          name: 'billing',
          entities: [Invoice, Shipment],
          autoLoadEntities: true,
          synchronize: true,
          retryAttempts: 0,
        }),
        TypeOrmModule.forRoot({
          name: 'scratch',
          type: 'better-sqlite3',
          database: ':memory:',
          entities: [ShopOrder, AuditNote],
          synchronize: true,
          retryAttempts: 0,
        }),
        WebhookModule.forRoot({
          endpoints: [{ id: 'erp', url: receiver.url, secret }],
          eventTypes: ['billing.reminder_sent'],
          relay: { enabled: false },
          retry: { initialDelay: 60_000, jitter: 0 },
          delivery: { allowHttp: true, allowPrivateNetworks: true },
          ...options,
          ...extras,
        }),
      ],
    }).compile();
    const errors: string[] = [];
    const quiet = () => undefined;
    const logger: LoggerService = {
      log: quiet,
      warn: quiet,
      debug: quiet,
      verbose: quiet,
      error: (message: unknown) => void errors.push(String(message)),
    };
    const app = moduleRef.createNestApplication({ logger });
    const main = moduleRef.get<DataSource>(getDataSourceToken());
    const billing = moduleRef.get<DataSource>(getDataSourceToken('billing'));
    for (const dataSource of [main, billing]) {
      for (const metadata of dataSource.entityMetadatas) await dataSource.getRepository(metadata.target).clear();
    }
    await app.init();
    running = app;
    return {
      app,
      main,
      billing,
      scratch: moduleRef.get<DataSource>(getDataSourceToken('scratch')),
      relay: app.get(OutboxRelay),
      errors,
    };
  }

  const bodies = () =>
    receiver.requests.map(
      (request) => JSON.parse(request.body) as { type: string; sequence?: number; data: Record<string, unknown> },
    );

  it("writes a change on another captured DataSource to that database's outbox, in its transaction, and delivers it from the module's", async () => {
    const { main, billing, relay } = await start();
    const invoice = await billing.transaction((manager) =>
      manager.save(Invoice, { number: 'INV-7', amountCents: 1999 }),
    );

    // Committed with the invoice, in the billing database; the module's outbox has nothing yet.
    const captured = await billing.getRepository(WebhookEventEntity).find();
    expect(captured.map((event) => event.type)).toEqual(['billing.invoice.created']);
    expect(await main.getRepository(WebhookEventEntity).count()).toBe(0);

    expect(await relay.runOnce()).toMatchObject({ forwarded: 1, fannedOut: 1, claimed: 1 });
    expect(bodies().map((body) => [body.type, body.data])).toEqual([
      ['billing.invoice.created', { number: 'INV-7', amountCents: '1999', kind: 'insert' }],
    ]);
    // Same id end to end: the receiver's webhook-id is the id the billing transaction wrote.
    const verified = verifyStandardWebhook({
      payload: receiver.requests[0]!.body,
      headers: receiver.requests[0]!.headers,
      secret,
    });
    expect(verified.id).toBe(captured[0]!.id);
    // Moved, not copied: the billing outbox is empty, the event is in the module's outbox, fanned out.
    expect(await billing.getRepository(WebhookEventEntity).count()).toBe(0);
    expect(await main.getRepository(WebhookEventEntity).findOneByOrFail({ id: captured[0]!.id })).toMatchObject({
      fannedOutAt: expect.any(Number),
    });
    expect(invoice.id).toBeGreaterThan(0);
  });

  it('sends nothing for a change rolled back on the other DataSource', async () => {
    const { billing, relay } = await start();
    await expect(
      billing.transaction(async (manager) => {
        await manager.save(Invoice, { number: 'INV-8', amountCents: 1 });
        throw new Error('payment provider said no');
      }),
    ).rejects.toThrow('payment provider said no');
    expect(await billing.getRepository(WebhookEventEntity).count()).toBe(0);
    expect(await relay.runOnce()).toMatchObject({ forwarded: 0, fannedOut: 0 });
    expect(receiver.requests).toEqual([]);
  });

  it('captures keyed statements and explicit publishes on the other DataSource, and refuses a manager of one it does not capture', async () => {
    const { billing, scratch, relay, app } = await start();
    const invoices = billing.getRepository(Invoice);
    const { id } = await invoices.save({ number: 'INV-9', amountCents: 500 });
    await invoices.update(id, { status: 'paid' });
    await billing.transaction((manager) =>
      app.get(WebhookPublisher).publish(manager, { type: 'billing.reminder_sent', data: { invoice: 'INV-9' } }),
    );
    await relay.runOnce();
    expect(
      bodies()
        .map((body) => body.type)
        .sort(),
    ).toEqual(['billing.invoice.created', 'billing.invoice.updated', 'billing.reminder_sent']);

    // A DataSource the module does not capture: its changes emit nothing, and publishing with it is refused.
    await scratch.getRepository(ShopOrder).save({ customer: 'not captured', total: 1 });
    await expect(
      scratch.transaction((manager) =>
        app.get(WebhookPublisher).publish(manager, { type: 'billing.reminder_sent', data: {} }),
      ),
    ).rejects.toThrow(WebhookTransactionRequiredError);
    await relay.runOnce();
    expect(receiver.requests).toHaveLength(3);
  });

  it('forwards an event exactly once when a forward was cut short after copying it', async () => {
    const { main, billing, relay } = await start();
    await billing.getRepository(Invoice).save({ number: 'INV-10', amountCents: 10 });
    // Play a crash between the copy into the module's outbox and the delete from the billing one.
    const [event] = await billing.getRepository(WebhookEventEntity).find();
    await main.getRepository(WebhookEventEntity).insert(event!);

    await relay.runOnce();
    await relay.runOnce();
    expect(receiver.requests).toHaveLength(1);
    expect(await billing.getRepository(WebhookEventEntity).count()).toBe(0);
  });

  it("keeps each database's rows apart: the same entity and id in both are numbered and ordered separately", async () => {
    const { main, billing, relay } = await start();
    // Shipment is ordered, and lives in both databases: both rows are Shipment 1.
    const ours = await main.getRepository(Shipment).save({ id: 1, status: 'packed' });
    const theirs = await billing.getRepository(Shipment).save({ id: 1, status: 'packed' });
    const [firstOwn] = await main.getRepository(WebhookEventEntity).find();
    // The module's Shipment 1 fails its first event: that holds back its own later event, not the billing one's.
    receiver.respondWith((request) => ({ status: request.headers['webhook-id'] === firstOwn!.id ? 500 : 200 }));
    await main.getRepository(Shipment).save({ id: ours.id, status: 'shipped' });
    await billing.getRepository(Shipment).save({ id: theirs.id, status: 'shipped' });

    await relay.runOnce();
    await relay.runOnce();
    const delivered = receiver.requests
      .filter((request) => request.headers['webhook-id'] !== firstOwn!.id)
      .map((request) => JSON.parse(request.body));
    expect(delivered.map((body) => [body.data.status, body.sequence])).toEqual([
      ['packed', 1],
      ['shipped', 2],
    ]);
    expect(receiver.requests).toHaveLength(3);
    const keys = (await main.getRepository(WebhookEventEntity).find()).map((event) => event.orderingKey).sort();
    expect(keys).toEqual([
      `Shipment:${ours.id}`,
      `Shipment:${ours.id}`,
      `billing/Shipment:${theirs.id}`,
      `billing/Shipment:${theirs.id}`,
    ]);
  });

  it('backfills an entity of the other DataSource from its rows, numbered by its counter', async () => {
    const { billing, relay, app } = await start();
    const invoices = billing.getRepository(Invoice);
    const saved = await invoices.save([
      { number: 'INV-1', amountCents: 1 },
      { number: 'INV-2', amountCents: 2 },
    ]);
    await invoices.save({ id: saved[0]!.id, status: 'paid' });
    await relay.runOnce();
    const endpoints = app.get(WebhookEndpoints);
    const { id } = await endpoints.create({ url: `${receiver.url}/new`, eventTypes: ['billing.invoice.snapshot'] });
    expect(await endpoints.backfill(id, { entity: Invoice })).toEqual({ events: 2, completed: true });
    await relay.runOnce();
    const snapshots = receiver.requests
      .filter((request) => request.url === '/hooks/new')
      .map((request) => JSON.parse(request.body));
    // INV-1 had two events (1, 2), INV-2 one (1): the snapshots come after them.
    expect(snapshots.map((body) => [body.data.number, body.sequence]).sort()).toEqual([
      ['INV-1', 3],
      ['INV-2', 2],
    ]);
  });

  it("keeps delivering the module's events while another captured database is unreachable, and says so once", async () => {
    const { main, billing, relay, errors } = await start();
    await billing.destroy();
    await main.getRepository(ShopOrder).save({ customer: 'still served', total: 1 });
    await relay.runOnce();
    await relay.runOnce();
    expect(bodies().map((body) => [body.type, body.data.customer])).toEqual([['order.created', 'still served']]);
    expect(
      errors.filter((message) => message.includes('Cannot forward events from the DataSource "billing"')),
    ).toHaveLength(1);
  });

  it('refuses a configuration that names a DataSource twice, or one without the outbox tables', async () => {
    await expect(start({ captureDataSources: ['default'] })).rejects.toThrow(WebhookConfigurationError);
    await expect(start({ captureDataSources: ['billing', 'billing'] })).rejects.toThrow(
      'captureDataSources names "billing" twice',
    );
    await receiver.stop();
    await expect(start({ captureDataSources: ['scratch'] })).rejects.toThrow(
      'the outbox entities are not in the DataSource "scratch"',
    );
  });
});
