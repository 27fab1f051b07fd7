import { Body, Controller, Get, HttpCode, type INestApplication, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  generateWebhookSecret,
  generateWebhookSigningKey,
  IncomingWebhook,
  VerifyWebhook,
  WebhookModule,
  WebhookReceiverEvents,
  type WebhookRefusedEvent,
} from '@webhook-outbox/nestjs';
import { signStandardWebhook } from '@webhook-outbox/signature';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from './support/loopback.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';

const partnerSecret = generateWebhookSecret();
const inlineSecret = generateWebhookSecret();
/** A sender that signs v1a: the receiver holds only its public key. */
const partnerKeys = generateWebhookSigningKey();

@Controller('inbound')
class InboundController {
  @Post('partner')
  @HttpCode(200)
  @VerifyWebhook('partner')
  named(@Body() body: unknown, @IncomingWebhook() webhook: IncomingWebhook) {
    return { webhook: { id: webhook.id, receiver: webhook.receiver, timestamp: webhook.timestamp }, body };
  }

  @Get('partner')
  @VerifyWebhook('partner')
  byQuery(@Query() query: Record<string, string>) {
    return query;
  }

  @Post('asymmetric')
  @HttpCode(200)
  @VerifyWebhook({ secret: partnerKeys.publicKey })
  asymmetric(@Body() body: unknown) {
    return body;
  }

  @Post('inline')
  @HttpCode(200)
  @VerifyWebhook({ secret: inlineSecret, tolerance: 60 })
  inline(@Body() body: unknown) {
    return body;
  }
}

describe('WebhookGuard on a real HTTP server', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let base: string;
  const refusals: WebhookRefusedEvent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await NestFactory.create(
      {
        module: class ReceiverAppModule {},
        imports: [
          TypeOrmModule.forRoot({ ...database.options, autoLoadEntities: true, synchronize: true, retryAttempts: 0 }),
          WebhookModule.forRoot({ receivers: { partner: { secret: partnerSecret } }, relay: { enabled: false } }),
        ],
        controllers: [InboundController],
      },
      { rawBody: true, logger: false },
    );
    app.get(WebhookReceiverEvents).refused.subscribe((event) => refusals.push(event));
    base = await listenOnLoopback(app);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const body = JSON.stringify({
    type: 'payment.recorded',
    timestamp: '2026-11-23T10:00:00.000Z',
    data: { amount: 1200 },
  });
  // Every request gets its own id: a repeated id is a redelivery, acknowledged without running the handler.
  const signed = (payload: string, secret = partnerSecret, at = new Date(), id = `msg_${randomUUID()}`) =>
    signStandardWebhook({ id, timestamp: at, payload, secret });

  const post = (path: string, payload: string, headers: Record<string, string>, contentType = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: payload });

  /** A refusal tells the sender nothing specific; the reason goes to the refusal event (and the log). */
  async function expectRefused(response: Response, reason: RegExp): Promise<void> {
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Webhook signature verification failed.' });
    expect(refusals.at(-1)?.message).toMatch(reason);
    expect(refusals.at(-1)?.message).not.toContain('\n');
  }

  it('lets a correctly signed request through to the handler, with the verified id on the request', async () => {
    const response = await post('/inbound/partner', body, signed(body, partnerSecret, new Date(), 'msg_guard_test'));
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { webhook: Pick<IncomingWebhook, 'id' | 'receiver'>; body: unknown };
    expect(answer.body).toEqual(JSON.parse(body));
    expect(answer.webhook).toMatchObject({ id: 'msg_guard_test', receiver: 'partner' });
  });

  it('accepts what the official standardwebhooks library signs', async () => {
    const at = new Date();
    const headers = {
      'webhook-id': 'msg_official',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(partnerSecret).sign('msg_official', at, body),
    };
    expect((await post('/inbound/partner', body, headers)).status).toBe(200);
  });

  it("lets a v1a (ed25519) request through on the sender's public key alone, and refuses another key's with 401", async () => {
    const ok = await post('/inbound/asymmetric', body, signed(body, partnerKeys.secretKey));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(JSON.parse(body));
    await expectRefused(
      await post('/inbound/asymmetric', body, signed(body, generateWebhookSigningKey().secretKey)),
      /No signature .* matches/,
    );
    await expectRefused(await post('/inbound/asymmetric', body, signed(body, partnerSecret)), /has no v1a signature/);
  });

  it('verifies the raw bytes: the same JSON with different spacing is refused', async () => {
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    await expectRefused(await post('/inbound/partner', reformatted, signed(body)), /No signature .* matches/);
  });

  it('refuses a tampered body with 401', async () => {
    const tampered = body.replace('1200', '9999');
    await expectRefused(await post('/inbound/partner', tampered, signed(body)), /No signature .* matches/);
  });

  it('refuses a request signed with another secret with 401', async () => {
    await expectRefused(
      await post('/inbound/partner', body, signed(body, generateWebhookSecret())),
      /No signature .* matches/,
    );
  });

  it('refuses a timestamp outside ±5 minutes with 401, in either direction', async () => {
    const stale = signed(body, partnerSecret, new Date(Date.now() - 6 * 60_000));
    await expectRefused(await post('/inbound/partner', body, stale), /webhook-timestamp .* at most 300 s/);
    const future = signed(body, partnerSecret, new Date(Date.now() + 6 * 60_000));
    await expectRefused(await post('/inbound/partner', body, future), /webhook-timestamp .* at most 300 s/);
  });

  it('refuses a request without signature headers with 401 naming them', async () => {
    await expectRefused(
      await post('/inbound/partner', body, {}),
      /Missing header webhook-id, webhook-timestamp, webhook-signature/,
    );
  });

  it('refuses malformed headers with 401, not 500', async () => {
    const headers = { ...signed(body), 'webhook-timestamp': 'yesterday', 'webhook-signature': '%%%' };
    await expectRefused(await post('/inbound/partner', body, headers), /not a number/);
    const noV1 = { ...signed(body), 'webhook-signature': 'v0,abc' };
    await expectRefused(await post('/inbound/partner', body, noV1), /no v1 signature/);
  });

  it('verifies bodies of content types Nest does not parse, over their raw bytes', async () => {
    const text = 'plain text payload';
    expect((await post('/inbound/partner', text, signed(text), 'text/plain')).status).toBe(200);
    await expectRefused(await post('/inbound/partner', `${text}!`, signed(text), 'text/plain'), /No signature/);
  });

  it('answers a malformed JSON body with 400 from the body parser, never 500', async () => {
    const response = await post('/inbound/partner', '{"broken": ', signed('{"broken": '));
    expect(response.status).toBe(400);
  });

  it('verifies GET webhooks over the raw query string', async () => {
    const query = 'type=order.created&data.id=7&data.customer=Ada+Lovelace';
    const ok = await fetch(`${base}/inbound/partner?${query}`, { headers: signed(query) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ 'data.customer': 'Ada Lovelace' });
    const altered = query.replace('data.id=7', 'data.id=8');
    await expectRefused(await fetch(`${base}/inbound/partner?${altered}`, { headers: signed(query) }), /No signature/);
  });

  it('supports an inline secret and tolerance on the decorator', async () => {
    expect((await post('/inbound/inline', body, signed(body, inlineSecret))).status).toBe(200);
    await expectRefused(await post('/inbound/inline', body, signed(body)), /No signature/);
    const old = signed(body, inlineSecret, new Date(Date.now() - 90_000));
    await expectRefused(await post('/inbound/inline', body, old), /at most 60 s/);
  });
});

describe('@VerifyWebhook configuration', () => {
  it('refuses an unusable inline secret when the controller is defined, not on the first request', () => {
    expect(() => VerifyWebhook({ secret: 'not-a-secret' })).toThrow(/@VerifyWebhook: the secret is not usable/);
    expect(() => VerifyWebhook({ scheme: 'paypal' as never, secret: 'x' })).toThrow(/Unknown webhook scheme "paypal"/);
    expect(() => VerifyWebhook({ scheme: 'github', secret: 'a', secrets: ['b'] })).toThrow(
      /give secret or secrets, not both/,
    );
  });
});
