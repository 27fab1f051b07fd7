import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  applyWebhookBodyLimits,
  generateWebhookSecret,
  signStandardWebhook,
  VerifyWebhook,
  verifyStandardWebhook,
  WebhookEndpoints,
  WebhookPayload,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const received: unknown[] = [];

@Controller('inbound')
class XmlInboundController {
  @Post('xml')
  @HttpCode(200)
  @VerifyWebhook({ secret })
  xml(@WebhookPayload() payload: unknown) {
    received.push(payload);
    return { ok: true };
  }
}

describe.each(DATABASE_KINDS)('XML bodies sent on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it("send an endpoint with bodyFormat 'xml' the event as application/xml, signed over the XML bytes", async () => {
    const app = await context.start((url) => ({
      endpoints: [{ url, secret, bodyFormat: 'xml' }],
      relay: { enabled: false },
    }));
    const order = await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada & <Bob>', total: 12 });
    await app.relay.runOnce();

    const [request] = context.receiver.requests;
    expect(request!.headers['content-type']).toBe('application/xml');
    expect(XMLValidator.validate(request!.body)).toBe(true);
    expect(request!.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><webhook><type>order\.created<\/type>/);
    expect(request!.body).toContain(`<data><id>${order.id}</id><customer>Ada &amp; &lt;Bob&gt;</customer>`);
    expect(verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret }).id).toBe(
      request!.headers['webhook-id'],
    );
  });

  it("take bodyFormat 'xml' on a stored endpoint, and refuse it for GET, naming the field", async () => {
    const app = await context.start(() => ({ relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    expect(await endpoints.create({ url: context.receiver.url, bodyFormat: 'xml' })).toMatchObject({
      bodyFormat: 'xml',
    });
    const refused = await endpoints.create({ url: context.receiver.url, bodyFormat: 'xml', method: 'GET' }).then(
      () => expect.unreachable('create() accepted it'),
      (error: unknown) => error as WebhookValidationError,
    );
    expect(refused.errors).toEqual([
      { field: 'bodyFormat', message: 'a GET request has no body: use POST for "xml".' },
    ]);
  });

  it('reach a receiver of this library, verified and parsed into @WebhookPayload()', async () => {
    const database = await createTestDatabase('sqlite');
    const receiver = await startReceiverApp(database, { controllers: [XmlInboundController] });
    try {
      received.length = 0;
      const app = await context.start(() => ({
        endpoints: [{ url: `${receiver.base}/inbound/xml`, secret, bodyFormat: 'xml' }],
        relay: { enabled: false },
      }));
      await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 12 });
      await app.relay.runOnce();

      expect(received).toEqual([
        {
          webhook: expect.objectContaining({
            type: 'order.created',
            data: expect.objectContaining({ customer: 'Ada', total: '12', status: 'new' }),
          }),
        },
      ]);
    } finally {
      await receiver.close();
      await database.drop();
    }
  });
});

describe.each(HTTP_PLATFORMS)('XML bodies received on %s', (platform) => {
  let database: TestDatabase;
  let receiver: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    receiver = await startReceiverApp(database, {
      platform,
      controllers: [XmlInboundController],
      // On Fastify it is what lets XML through at all (Fastify answers 415 to a type it has no parser for).
      configure: (app) => void applyWebhookBodyLimits(app),
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });
  beforeEach(() => {
    received.length = 0;
  });

  const post = (body: string, contentType = 'application/xml') =>
    receiver.post('/inbound/xml', body, {
      'content-type': contentType,
      ...signStandardWebhook({ id: `msg_${Date.now()}${Math.random()}`, timestamp: new Date(), payload: body, secret }),
    });

  it('parse a signed XML body into an object of its elements, values as text, <item>s as a list', async () => {
    const body =
      '<?xml version="1.0"?><order id="7"><customer>Ada</customer><total>12.50</total>' +
      '<items><item><sku>A1</sku></item></items></order>';
    expect((await post(body)).status).toBe(200);
    expect(received).toEqual([
      { order: { '@id': '7', customer: 'Ada', total: '12.50', items: { item: [{ sku: 'A1' }] } } },
    ]);
  });

  it('accept text/xml and +xml types too', async () => {
    expect((await post('<a>1</a>', 'text/xml; charset=utf-8')).status).toBe(200);
    expect((await post('<a>2</a>', 'application/atom+xml')).status).toBe(200);
    expect(received).toEqual([{ a: '1' }, { a: '2' }]);
  });

  it('refuse a DOCTYPE and a body that is not well-formed with 400, at most a warning', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;&a;&a;</x>';
    expect((await post(bomb)).status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'malformed-body',
      message: expect.stringMatching(/DOCTYPE/),
    });
    expect((await post('<order><customer>Ada</order>')).status).toBe(400);
    expect(receiver.refusals.at(-1)?.message).toMatch(/not well-formed XML/);
    expect(received).toEqual([]);
    expect(receiver.logs.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});
