import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  applyWebhookBodyLimits,
  generateWebhookSecret,
  signStandardWebhook,
  VerifyWebhook,
  verifyStandardWebhook,
  WebhookEndpoints,
  WebhookPayload,
  WebhookPublisher,
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

  it('reach a receiver of this library with data keys __proto__, constructor and prototype kept as <field name="…">', async () => {
    const database = await createTestDatabase('sqlite');
    const receiver = await startReceiverApp(database, { controllers: [XmlInboundController] });
    try {
      received.length = 0;
      const app = await context.start(() => ({
        endpoints: [{ url: `${receiver.base}/inbound/xml`, secret, bodyFormat: 'xml' }],
        relay: { enabled: false },
      }));
      // JSON.parse makes __proto__ an own key, as it is for a sender whose data came from JSON.
      const data = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"c","prototype":"p"}') as object;
      await app.dataSource.transaction((manager) =>
        app.app.get(WebhookPublisher).publish(manager, { type: 'order.created', data }),
      );
      await app.relay.runOnce();

      expect(receiver.logs.filter((line) => line.startsWith('error'))).toEqual([]);
      expect(received).toEqual([
        {
          webhook: expect.objectContaining({
            data: {
              field: [
                { '@name': '__proto__', polluted: 'yes' },
                { '@name': 'constructor', '#text': 'c' },
                { '@name': 'prototype', '#text': 'p' },
              ],
            },
          }),
        },
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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

  const errorLines = () => receiver.logs.filter((line) => line.startsWith('error'));

  it('refuse a DOCTYPE and a body that is not well-formed with 400, at most a warning', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;&a;&a;</x>';
    expect((await post(bomb)).status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'malformed-body',
      message: expect.stringMatching(/DOCTYPE/),
    });
    const laughs = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    expect((await post(`<!DOCTYPE l [<!ENTITY l0 "lol">${laughs}]><l>&l9;</l>`)).status).toBe(400);
    expect((await post('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')).status).toBe(400);
    expect((await post('<order><customer>Ada</order>')).status).toBe(400);
    expect(receiver.refusals.at(-1)?.message).toMatch(/not well-formed XML/);
    expect(received).toEqual([]);
    expect(errorLines()).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuse an element named %s with 400 malformed-body, a warning and no ERROR, leaving Object.prototype alone',
    async (name) => {
      const response = await post(`<${name}><polluted>yes</polluted></${name}>`);
      expect(response.status).toBe(400);
      expect(receiver.refusals.at(-1)).toMatchObject({
        reason: 'malformed-body',
        message: expect.stringContaining(`"${name}"`),
      });
      expect(receiver.logs.filter((line) => line.startsWith('warn')).at(-1)).toMatch(/malformed-body/);
      expect(errorLines()).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(received).toEqual([]);
    },
  );

  it('refuse 100,000 nested elements with 400 malformed-body naming the depth limit, no ERROR', async () => {
    const response = await post(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`);
    expect(response.status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'malformed-body',
      message: expect.stringMatching(/nested deeper than 100/),
    });
    expect(errorLines()).toEqual([]);
  });

  it('refuse an element with 60,000 attributes with 400 malformed-body naming the attribute limit', async () => {
    const attributes = Array.from({ length: 60_000 }, (_, i) => `a${i}="1"`).join(' ');
    const response = await post(`<a ${attributes}/>`);
    expect(response.status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'malformed-body',
      message: expect.stringMatching(/more than 100 attributes/),
    });
    expect(errorLines()).toEqual([]);
    expect(received).toEqual([]);
  });

  it('refuse a body of 50,000 elements with 400 malformed-body naming the element limit, before parsing it', async () => {
    const elements = Array.from({ length: 50_000 }, (_, i) => `<b${i}>1</b${i}>`).join('');
    const response = await post(`<r>${elements}</r>`);
    expect(response.status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'malformed-body',
      message: expect.stringMatching(/more than 10000 elements/),
    });
    expect(errorLines()).toEqual([]);
    expect(received).toEqual([]);
  });
});
