import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WebhookTesting } from '@webhook-outbox/nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule, ERP_SECRET } from './app.module';
import { ErpController } from './erp.controller';
import { Order } from './order.entity';

// The app's webhooks tested with the package's harness, its matchers registered by "setupFilesAfterEnv".
describe("the app's order webhooks", () => {
  let app: INestApplication;
  let webhooks: WebhookTesting;
  let dataSource: DataSource;

  beforeAll(async () => {
    const builder = Test.createTestingModule({ imports: [AppModule] });
    webhooks = WebhookTesting.install(builder);
    app = (await builder.compile()).createNestApplication({ rawBody: true, logger: ['error'] });
    await app.init();
    dataSource = app.get(DataSource);
    // app.spec.ts shares the database, and its relay may leave deliveries due: send them here and forget them.
    await webhooks.flush();
    webhooks.clear();
  });

  afterEach(() => webhooks.clear());

  afterAll(async () => {
    await app?.close();
  });

  it('sends order.created, signed with the endpoint secret, once an order is saved', async () => {
    const order = await dataSource.getRepository(Order).save({ customer: 'Ada', total: '9.90' });
    expect((await webhooks.flush()).map((sent) => sent.verify(ERP_SECRET))).toEqual([true]);
    expect(webhooks).toHaveSent('order.created', { data: { id: order.id, customer: 'Ada', total: '9.90' } });
  });

  it('sends nothing when the transaction rolls back', async () => {
    const rollback = dataSource.transaction(async (manager) => {
      await manager.save(Order, { customer: 'Bob', total: '1.00' });
      throw new Error('payment declined');
    });
    await expect(rollback).rejects.toThrow('payment declined');
    await webhooks.flush();
    expect(webhooks).not.toHaveSent();
  });

  it('processes a signed webhook sent into its own receiver once, however often it is resent', async () => {
    const payload = { type: 'order.created', data: { id: 42 } };
    const first = await webhooks.receive(app, { path: '/erp/webhooks', secret: ERP_SECRET, payload });
    const again = await first.resend();

    expect([first.status, again.status]).toEqual([204, 200]);
    expect(JSON.parse(again.body)).toEqual({ duplicate: true });
    const id = first.requestHeaders['webhook-id'];
    expect(app.get(ErpController).received.filter((webhook) => webhook.id === id)).toHaveLength(1);
  });
});
