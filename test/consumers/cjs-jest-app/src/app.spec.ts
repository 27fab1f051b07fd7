import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { WebhookEventEntity } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule, ERP_SECRET } from './app.module';
import { ErpController } from './erp.controller';
import { Order } from './order.entity';

// A unit test as a NestJS 11 team writes it: Jest 29 + ts-jest as `nest new` configures them, nothing added.
describe('the webhook outbox in a Jest test', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('loads the CommonJS build of the package', () => {
    expect(require.resolve('@webhook-outbox/nestjs')).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
    expect(require.resolve('@webhook-outbox/nestjs/testing')).toMatch(/dist[\\/]cjs[\\/]testing[\\/]index\.js$/);
  });

  it('writes the order and its order.created event in one transaction', async () => {
    const dataSource = app.get(DataSource);
    const order = await dataSource.getRepository(Order).save({ customer: 'Jest', total: '1.50' });
    const events = await dataSource.getRepository(WebhookEventEntity).find();
    const created = events.map((event) => JSON.parse(event.payload)).find((body) => body.type === 'order.created' && body.data.id === order.id);
    expect(created.data).toMatchObject({ customer: 'Jest', total: '1.50' });
  });

  it('verifies a signed webhook with the guard before the controller sees it', async () => {
    const { body, headers } = signWebhook({ secret: ERP_SECRET, payload: { type: 'order.created', data: { id: 7 } } });
    const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/erp/webhooks`;
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(204);
    expect((await fetch(url, { method: 'POST', headers, body: body.replace('7', '8') })).status).toBe(401);
    expect(app.get(ErpController).received.filter((webhook) => webhook.id === headers['webhook-id'])).toHaveLength(1);
  });
});
