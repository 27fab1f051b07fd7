import '@webhook-outbox/nestjs/testing/vitest';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { generateWebhookSecret, WebhookDeliveryEntity, WebhookModule } from '@webhook-outbox/nestjs';
import { WebhookTesting } from '@webhook-outbox/nestjs/testing';
import { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerEntry, PaymentsController } from './support/payments-receiver.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';

const secret = generateWebhookSecret();
const paymentsSecret = generateWebhookSecret();
const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('the testing harness on %s', (kind) => {
  let database: TestDatabase;
  let app: INestApplication;
  let webhooks: WebhookTesting;
  let orders: ReturnType<DataSource['getRepository']>;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    const builder = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...database.options,
          entities: [ShopOrder, LedgerEntry],
          autoLoadEntities: true,
          synchronize: true,
        }),
        WebhookModule.forRoot({
          endpoints: [
            { id: 'erp', url: 'https://erp.example.com/hooks', secret, eventTypes: ['order.*'] },
            { id: 'crm', url: 'https://crm.example.com/hooks', secret, eventTypes: ['order.created'] },
          ],
          retry: { attempts: 3, initialDelay: 5 * MINUTE, factor: 1, jitter: 0 },
          receivers: { payments: { secret: paymentsSecret } },
        }),
      ],
      controllers: [PaymentsController],
    });
    webhooks = WebhookTesting.install(builder);
    app = (await builder.compile()).createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
    await app.init();
    orders = app.get(DataSource).getRepository(ShopOrder);
  });

  afterEach(async () => {
    await app?.close();
    await database?.drop();
  });

  it('records each request a save() causes, signed, once flush() has run', async () => {
    const order = (await orders.save({ customer: 'Ada', total: 42 })) as ShopOrder;
    expect(webhooks.sent()).toEqual([]);

    const sent = await webhooks.flush();

    expect(sent.map((request) => request.endpointId).sort()).toEqual(['crm', 'erp']);
    const [toErp] = webhooks.sent({ type: 'order.created', endpoint: 'erp', entity: order.id });
    expect(toErp!.method).toBe('POST');
    expect(toErp!.url).toBe('https://erp.example.com/hooks');
    expect(toErp!.payload).toMatchObject({ type: 'order.created', data: { id: order.id, customer: 'Ada' } });
    expect(toErp!.entity).toEqual({ name: 'ShopOrder', id: String(order.id) });
    expect(toErp!.attemptNumber).toBe(1);
    expect(toErp!.verify(secret)).toBe(true);
    expect(toErp!.verify(generateWebhookSecret())).toBe(false);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    await expect(
      app.get(DataSource).transaction(async (manager) => {
        await manager.save(ShopOrder, { customer: 'Rolled back', total: 1 });
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');

    await webhooks.flush();

    expect(webhooks.captured()).toEqual([]);
    expect(webhooks).not.toHaveSent();
  });

  it('offers toHaveSent() matching part of the body, with asymmetric matchers inside', async () => {
    const order = (await orders.save({ customer: 'Grace', total: 7 })) as ShopOrder;
    await webhooks.flush();

    expect(webhooks).toHaveSent('order.created', { data: { id: order.id, customer: expect.any(String) } });
    expect(webhooks).not.toHaveSent('order.deleted');
    expect(() => expect(webhooks).toHaveSent('order.created', { data: { customer: 'Linus' } })).toThrow(
      /expected to have sent a "order.created" webhook containing .*Linus.*sent: /s,
    );
  });

  it('reaches a retry by advancing the clock, not by waiting', async () => {
    webhooks.respond('erp', [{ status: 503 }, { status: 200 }]);
    await orders.save({ customer: 'Retry', total: 3 });

    expect((await webhooks.flush()).map((sent) => [sent.endpointId, sent.answer])).toEqual(
      expect.arrayContaining([['erp', { status: 503, body: '' }]]),
    );
    expect(await webhooks.advance(5 * MINUTE - 1)).toEqual([]);
    const [retry] = await webhooks.advance(1);

    expect(retry).toMatchObject({ endpointId: 'erp', attemptNumber: 2, answer: { status: 200, body: '' } });
    const deliveries = await app.get(DataSource).getRepository(WebhookDeliveryEntity).find();
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('records an endpoint that gives no response as a failed attempt, and its error', async () => {
    webhooks.respond('crm', { error: 'connect ECONNREFUSED 203.0.113.7:443' });
    await orders.save({ customer: 'Down', total: 5 });

    const [toCrm] = (await webhooks.flush()).filter((sent) => sent.endpointId === 'crm');

    expect(toCrm!.answer).toEqual({ error: 'connect ECONNREFUSED 203.0.113.7:443' });
    const delivery = await app
      .get(DataSource)
      .getRepository(WebhookDeliveryEntity)
      .findOneByOrFail({ endpointId: 'crm' });
    expect(delivery.status).toBe('pending');
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
  });

  it("sends a signed webhook through the app's guard and inbox, processed once however often it is resent", async () => {
    const first = await webhooks.receive(app, { path: '/payments', secret: paymentsSecret, payload: { amount: 12 } });
    const again = await first.resend();
    const forged = await webhooks.receive(app, {
      path: '/payments',
      secret: generateWebhookSecret(),
      payload: { amount: 99 },
    });

    expect([first.status, again.status, forged.status]).toEqual([200, 200, 401]);
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    const ledger = await app.get(DataSource).getRepository(LedgerEntry).find();
    expect(ledger.map(({ webhookId, amount }) => ({ webhookId, amount }))).toEqual([
      { webhookId: first.requestHeaders['webhook-id'], amount: 12 },
    ]);
  });

  it("gives the event catalog's example body of a type, and names the known types for an unknown one", () => {
    expect(webhooks.exampleOf('order.created')).toMatchObject({
      type: 'order.created',
      data: { customer: expect.any(String) },
    });
    expect(() => webhooks.exampleOf('order.shipped')).toThrow(/no event type "order.shipped"; known: .*order.created/);
  });
});
