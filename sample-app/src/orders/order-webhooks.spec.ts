import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WebhookTesting } from '@webhook-outbox/nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppModule } from '../app.module.js';
import { loadSampleConfig } from '../config/sample-config.js';
import { OrdersService } from './orders.service.js';

// The shop's webhooks, tested as a user of the package tests theirs: the harness records what would be sent.
describe("the shop's order webhooks", () => {
  const folder = mkdtempSync(join(tmpdir(), 'sample-app-spec-'));
  const config = loadSampleConfig({ DATABASE_URL: `sqlite:${join(folder, 'shop.sqlite')}` });
  let webhooks: WebhookTesting;
  let app: INestApplication;
  let orders: OrdersService;

  beforeEach(async () => {
    rmSync(join(folder, 'shop.sqlite'), { force: true });
    const builder = Test.createTestingModule({ imports: [AppModule.forConfig(config)] });
    webhooks = WebhookTesting.install(builder);
    app = (await builder.compile()).createNestApplication({ rawBody: true, logger: false });
    await app.init();
    orders = app.get(OrdersService);
  });

  afterEach(() => app.close());

  it('sends order.created to the ERP, signed with its secret, when an order is placed', async () => {
    const order = await orders.create({ customer: 'Ada', total: 9.9, items: [{ sku: 'tea', qty: 2 }] });
    await webhooks.flush();

    expect(webhooks).toHaveSent('order.created', { data: { id: order.id, customer: 'Ada', total: 9.9 } });
    const [toErp] = webhooks.sent({ type: 'order.created', endpoint: 'erp', entity: order.id });
    expect(toErp!.verify(config.erpSecret)).toBe(true);
  });

  it('sends order.updated and payment.recorded together when a payment is recorded', async () => {
    const order = await orders.create({ customer: 'Ada', total: 9.9, items: [] });
    await webhooks.flush();

    await orders.recordPayment(order.id, 9.9);
    const sent = await webhooks.flush();

    expect(sent.map((request) => request.type).sort()).toEqual(['order.updated', 'payment.recorded']);
    expect(webhooks).toHaveSent('payment.recorded', { data: { orderId: order.id, amount: 9.9 } });
  });

  it('sends nothing when a payment is recorded for an order that does not exist', async () => {
    await expect(orders.recordPayment(404, 1)).rejects.toThrow('Order 404 does not exist.');
    await webhooks.flush();

    expect(webhooks).not.toHaveSent();
  });

  it('retries order.created while the ERP is down, and delivers it once the ERP is back', async () => {
    webhooks.respond('erp', [{ status: 503 }, { status: 204 }]);
    await orders.create({ customer: 'Ada', total: 9.9, items: [] });

    const [failed] = await webhooks.flush();
    const [retried] = await webhooks.advance(60_000);

    expect(failed!.answer).toEqual({ status: 503, body: '' });
    expect(retried).toMatchObject({ type: 'order.created', attemptNumber: 2, answer: { status: 204 } });
  });

  it('keeps an order webhook once in the ERP, and answers its redelivery as a duplicate', async () => {
    const payload = webhooks.exampleOf('order.created');
    const first = await webhooks.receive(app, { path: '/erp/webhooks', secret: config.erpSecret, payload });
    const again = await first.resend();

    expect(first.status).toBe(204);
    expect(again).toMatchObject({ status: 200, body: '{"duplicate":true}' });
    const received = (await (await fetch(`${await app.getUrl()}/erp/received`)).json()) as unknown[];
    expect(received).toHaveLength(1);
  });
});
