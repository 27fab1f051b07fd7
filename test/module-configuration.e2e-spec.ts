import { Controller, Injectable, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as delay } from 'node:timers/promises';
import { Test } from '@nestjs/testing';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import {
  generateWebhookSecret,
  WebhookConfigurationError,
  WebhookEventEntity,
  WebhookModule,
} from '@webhook-outbox/nestjs';
import { NodeHttpWebhookTransport, OutboxRelay, WEBHOOK_TRANSPORT } from '@webhook-outbox/nestjs/internal';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from './support/loopback.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const secret = generateWebhookSecret();

@Injectable()
class WebhookSettings {
  url = '';
}

@Module({ providers: [WebhookSettings], exports: [WebhookSettings] })
class SettingsModule {}

describe('WebhookModule configuration', () => {
  let database: TestDatabase;
  let second: TestDatabase;
  let receiver: WebhookReceiver;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    second = await createTestDatabase('sqlite');
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });
  afterAll(async () => {
    await receiver?.stop();
    await database?.drop();
    await second?.drop();
  });

  it('takes its options from an async factory with injected dependencies (forRootAsync)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...database.options,
          entities: [ShopOrder],
          autoLoadEntities: true,
          synchronize: true,
          retryAttempts: 0,
        }),
        WebhookModule.forRootAsync({
          imports: [SettingsModule],
          inject: [WebhookSettings],
          useFactory: async (settings: WebhookSettings) => {
            settings.url = receiver.url;
            return {
              endpoints: [{ url: settings.url, secret }],
              relay: { enabled: false },
              delivery: { allowHttp: true, allowPrivateNetworks: true },
            };
          },
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    closers.push(() => app.close());

    await app.get(DataSource).getRepository(ShopOrder).save({ customer: 'Async', total: 1 });
    await app.get(OutboxRelay).runOnce();

    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'order.created', data: { customer: 'Async' } });
  });

  it('captures on the named DataSource given as dataSource, and only there', async () => {
    @Injectable()
    class Both {
      constructor(
        @InjectDataSource() readonly main: DataSource,
        @InjectDataSource('shop') readonly shop: DataSource,
      ) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...database.options, entities: [ShopOrder], synchronize: true, retryAttempts: 0 }),
        TypeOrmModule.forRoot({
          ...second.options,
          name: 'shop',
          entities: [ShopOrder],
          autoLoadEntities: true,
          synchronize: true,
          retryAttempts: 0,
        }),
        WebhookModule.forRoot({ dataSource: 'shop', relay: { enabled: false } }),
      ],
      providers: [Both],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    closers.push(() => app.close());
    const { main, shop } = app.get(Both);

    await shop.getRepository(ShopOrder).save({ customer: 'On shop', total: 1 });
    await main.getRepository(ShopOrder).save({ customer: 'On main', total: 1 });

    const events = await shop.getRepository(WebhookEventEntity).find();
    expect(events.map((e) => JSON.parse(e.payload).data.customer)).toEqual(['On shop']);
    expect(main.hasMetadata(WebhookEventEntity)).toBe(false);
  });

  it('still captures a change made by a request in flight while the application shuts down', async () => {
    @Controller('slow-orders')
    class SlowOrdersController {
      constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

      @Post()
      async create() {
        // The change lands after app.close() has begun running the destroy hooks.
        await delay(150);
        return this.dataSource.getRepository(ShopOrder).save({ customer: 'In flight', total: 1 });
      }
    }
    const app = await NestFactory.create(
      {
        module: class ShutdownAppModule {},
        imports: [
          TypeOrmModule.forRoot({
            ...database.options,
            entities: [ShopOrder],
            autoLoadEntities: true,
            synchronize: true,
            retryAttempts: 0,
          }),
          WebhookModule.forRoot({ relay: { enabled: false } }),
        ],
        controllers: [SlowOrdersController],
      },
      { logger: false },
    );
    const url = await listenOnLoopback(app);
    await app.get(DataSource).getRepository(WebhookEventEntity).clear();

    const response = fetch(`${url}/slow-orders`, { method: 'POST' });
    await delay(50);
    const closing = app.close();
    expect((await response).status).toBe(201);
    await closing;

    const check = new DataSource({ ...database.options, entities: [ShopOrder, WebhookEventEntity] });
    await check.initialize();
    closers.push(() => check.destroy());
    const orders = await check.getRepository(ShopOrder).findBy({ customer: 'In flight' });
    const events = await check.getRepository(WebhookEventEntity).find();
    expect(orders).toHaveLength(1);
    expect(events.map((e) => JSON.parse(e.payload).data.id)).toContain(orders[0]!.id);
  });

  it('fails at startup, saying what to do, when the outbox entities are not registered', async () => {
    const compile = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...database.options, entities: [ShopOrder], synchronize: true, retryAttempts: 0 }),
        WebhookModule.forRoot({}),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(WebhookConfigurationError);
    await expect(compile).rejects.toThrow(/Add webhookOutboxEntities to its entities, or set autoLoadEntities: true/);
  });

  it("sends with Node's own http client when delivery.transport is 'node-http'", async () => {
    const receiver = await WebhookReceiver.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...database.options,
          entities: [ShopOrder],
          autoLoadEntities: true,
          synchronize: true,
          retryAttempts: 0,
        }),
        WebhookModule.forRoot({
          endpoints: [{ url: receiver.url, secret }],
          relay: { enabled: false },
          delivery: { transport: 'node-http', allowHttp: true, allowPrivateNetworks: true },
        }),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      expect(app.get(WEBHOOK_TRANSPORT)).toBeInstanceOf(NodeHttpWebhookTransport);
      await app.get(DataSource).getRepository(ShopOrder).save({ customer: 'node', total: 1 });
      await app.get(OutboxRelay).runOnce();
      expect(receiver.requests.map((request) => JSON.parse(request.body).data.customer)).toContain('node');
    } finally {
      await app.close();
      await receiver.stop();
    }
  });

  it('fails at startup on invalid options, naming the option', async () => {
    const compile = Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...database.options, autoLoadEntities: true, synchronize: true, retryAttempts: 0 }),
        WebhookModule.forRoot({ endpoints: [{ url: 'not a url', secret }] }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(/endpoints\[0\]\.url: "not a url" is not an absolute URL/);
  });
});
