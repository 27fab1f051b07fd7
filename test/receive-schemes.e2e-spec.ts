import { Controller, HttpCode, type PipeTransform, Post, BadRequestException } from '@nestjs/common';
import { generateWebhookSecret, IncomingWebhook, VerifyWebhook, WebhookPayload } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS, type ReceiverTestApp, startReceiverApp } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';

const secrets = {
  standard: generateWebhookSecret(),
  stripe: 'whsec_stripe_dashboard_secret_for_tests',
  github: "It's a Secret to Everybody",
  shopify: 'shpss_client_secret_for_tests',
  seatable: 'seatable-secret-key',
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
};

interface Seen {
  id: string;
  scheme: string;
  payload: unknown;
}

const handled: Seen[] = [];
const seen = (webhook: IncomingWebhook): Seen => {
  const entry = { id: webhook.id, scheme: webhook.scheme, payload: webhook.payload };
  handled.push(entry);
  return entry;
};

/** Accepts only orders with a positive amount, as a validation pipe on the payload would. */
class PositiveAmountPipe implements PipeTransform {
  transform(value: { amount?: unknown }) {
    if (typeof value?.amount !== 'number' || value.amount <= 0)
      throw new BadRequestException('amount must be a positive number');
    return { ...value, checked: true };
  }
}

@Controller('hooks')
class SchemesController {
  @Post('standard')
  @HttpCode(200)
  @VerifyWebhook('standard')
  standard(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('svix')
  @HttpCode(200)
  @VerifyWebhook('svix')
  svix(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('stripe')
  @HttpCode(200)
  @VerifyWebhook('stripe')
  stripe(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('github')
  @HttpCode(200)
  @VerifyWebhook('github')
  github(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('shopify')
  @HttpCode(200)
  @VerifyWebhook('shopify')
  shopify(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('seatable')
  @HttpCode(200)
  @VerifyWebhook('seatable')
  seatable(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('slack')
  @HttpCode(200)
  @VerifyWebhook('slack')
  slack(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('small')
  @HttpCode(200)
  @VerifyWebhook('small')
  small(@IncomingWebhook() webhook: IncomingWebhook) {
    return seen(webhook);
  }

  @Post('validated')
  @HttpCode(200)
  @VerifyWebhook('standard')
  validated(
    @WebhookPayload(new PositiveAmountPipe()) order: { amount: number; checked: boolean },
    @WebhookPayload('amount') amount: number,
  ) {
    return { order, amount };
  }
}

/** Every route of this controller is verified by one receiver. */
@Controller('github-app')
@VerifyWebhook('github')
class GithubAppController {
  @Post('push')
  @HttpCode(200)
  push(@WebhookPayload() payload: unknown, @IncomingWebhook() webhook: IncomingWebhook) {
    return { route: 'push', id: webhook.id, payload };
  }

  @Post('issues')
  @HttpCode(200)
  issues(@IncomingWebhook() webhook: IncomingWebhook) {
    return { route: 'issues', id: webhook.id };
  }
}

/** Each sender's request, signed with that sender's own published algorithm or official library. */
const senders: Record<string, () => { body: string; headers: Record<string, string>; id: string }> = {
  standard: () => {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'order.created', data: { id: 7 } });
    const at = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secrets.standard).sign(id, at, body),
    };
    return { body, id, headers: { 'content-type': 'application/json', ...headers } };
  },
  svix: () => {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'invoice.paid' });
    const at = new Date();
    const headers = {
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(secrets.standard).sign(id, at, body),
    };
    return { body, id, headers: { 'content-type': 'application/json', ...headers } };
  },
  stripe: () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({
      id,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { amount: 1200 } },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: secrets.stripe });
    return { body, id, headers: { 'content-type': 'application/json', 'stripe-signature': header } };
  },
  github: () => {
    // The exact example from GitHub's "Validating webhook deliveries" page.
    const id = randomUUID();
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'x-github-delivery': id,
    };
    return { body: 'Hello, World!', id, headers: { 'content-type': 'text/plain', ...headers } };
  },
  shopify: () => {
    const id = randomUUID();
    const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com' });
    const hmac = createHmac('sha256', secrets.shopify).update(body, 'utf8').digest('base64');
    return {
      body,
      id,
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': hmac, 'x-shopify-webhook-id': id },
    };
  },
  seatable: () => {
    const body = JSON.stringify({
      event: 'update',
      data: { row_id: randomUUID(), op_type: 'modify_row', op_time: Date.now() / 1000 },
    });
    const signature = `sha256=${createHmac('sha256', secrets.seatable).update(body).digest('hex')}`;
    // SeaTable sends no id: the receiver derives one from the body.
    return { body, id: '', headers: { 'content-type': 'application/json', 'x-seatable-signature': signature } };
  },
  slack: () => {
    const id = `Ev${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({ type: 'event_callback', event_id: id, event: { type: 'app_mention' } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', secrets.slack).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return {
      body,
      id,
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
      },
    };
  },
};

describe.each(HTTP_PLATFORMS)('receiving webhooks from every common sender on %s', (platform) => {
  let database: TestDatabase;
  let receiver: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    receiver = await startReceiverApp(database, {
      platform,
      controllers: [SchemesController, GithubAppController],
      receivers: {
        standard: { secret: secrets.standard },
        svix: { scheme: 'svix', secret: secrets.standard },
        stripe: { scheme: 'stripe', secret: secrets.stripe },
        github: { scheme: 'github', secret: secrets.github },
        shopify: { scheme: 'shopify', secrets: ['an-older-secret', secrets.shopify] },
        seatable: { scheme: 'seatable', secret: secrets.seatable },
        slack: { scheme: 'slack', secret: secrets.slack },
        small: { secret: secrets.standard, maxBodySize: 1024 },
      },
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  describe.each(Object.keys(senders))('from %s', (name) => {
    it('accepts a request signed by the sender, and gives the handler its id and payload', async () => {
      const request = senders[name]!();
      const response = await receiver.post(`/hooks/${name}`, request.body, request.headers);
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Seen;
      if (name === 'seatable') expect(answer.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      else expect(answer.id).toBe(request.id);
      expect(answer.payload).toEqual(
        request.headers['content-type'] === 'text/plain' ? request.body : JSON.parse(request.body),
      );
    });

    it('refuses the same request with one byte of the body changed: 401, generic answer, reason in log and event', async () => {
      const request = senders[name]!();
      const tampered = request.body.replace(/.$/, (last) => (last === '}' ? ' }' : `${last}!`));
      const before = handled.length;
      const response = await receiver.post(`/hooks/${name}`, tampered, request.headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'Webhook signature verification failed.' });
      expect(receiver.refusals.at(-1)).toMatchObject({ receiver: name, reason: 'invalid-signature' });
      expect(receiver.logs.at(-1)).toMatch(
        new RegExp(`^warn: Refused .* webhook for receiver "${name}" \\(invalid-signature\\)`),
      );
      expect(handled.length).toBe(before);
    });
  });

  it('acknowledges a redelivery with 200 without running the handler again', async () => {
    const request = senders.github!();
    expect((await receiver.post('/hooks/github', request.body, request.headers)).status).toBe(200);
    const runs = handled.length;
    const again = await receiver.post('/hooks/github', request.body, request.headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
    expect(handled.length).toBe(runs);
    expect(receiver.duplicates.at(-1)).toMatchObject({ receiver: 'github', id: request.id });
  });

  it('verifies every route of a controller decorated with @VerifyWebhook', async () => {
    for (const route of ['push', 'issues']) {
      const signed = signWebhook({ scheme: 'github', secret: secrets.github, payload: { ref: 'refs/heads/main' } });
      const accepted = await receiver.post(`/github-app/${route}`, signed.body, signed.headers);
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toMatchObject({ route, id: signed.headers['x-github-delivery'] });
      expect(
        (await receiver.post(`/github-app/${route}`, signed.body.replace('main', 'dev'), signed.headers)).status,
      ).toBe(401);
    }
  });

  it('refuses a stale timestamp with the same generic 401, naming the reason only in the event', async () => {
    const { body, headers } = signWebhook({
      secret: secrets.standard,
      payload: { type: 'late' },
      timestamp: new Date(Date.now() - 10 * 60_000),
    });
    const response = await receiver.post('/hooks/standard', body, headers);
    expect(response.status).toBe(401);
    expect(JSON.stringify(await response.json())).not.toMatch(/timestamp|tolerance/);
    expect(receiver.refusals.at(-1)).toMatchObject({
      reason: 'timestamp-out-of-tolerance',
      scheme: 'standard-webhooks',
    });
  });

  it('answers 400 to a correctly signed Stripe request whose body is not a Stripe event', async () => {
    const { body, headers } = signWebhook({
      scheme: 'stripe',
      secret: secrets.stripe,
      payload: { object: 'event', type: 'no id' },
    });
    const response = await receiver.post('/hooks/stripe', body, headers);
    expect(response.status).toBe(400);
    expect(receiver.refusals.at(-1)).toMatchObject({ reason: 'malformed-body', receiver: 'stripe' });
  });

  it("answers 413 to a body above the receiver's maxBodySize, before verifying anything", async () => {
    const { body, headers } = signWebhook({ secret: secrets.standard, payload: { filler: 'x'.repeat(2000) } });
    const response = await receiver.post('/hooks/small', body, headers);
    expect(response.status).toBe(413);
    expect(receiver.refusals.at(-1)).toMatchObject({ reason: 'payload-too-large', receiver: 'small' });
    const fits = signWebhook({ secret: secrets.standard, payload: { filler: 'x'.repeat(100) } });
    expect((await receiver.post('/hooks/small', fits.body, fits.headers)).status).toBe(200);
  });

  it('runs pipes given to @WebhookPayload() on the verified payload', async () => {
    const good = signWebhook({ secret: secrets.standard, payload: { amount: 12 } });
    const accepted = await receiver.post('/hooks/validated', good.body, good.headers);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ order: { amount: 12, checked: true }, amount: 12 });
    const bad = signWebhook({ secret: secrets.standard, payload: { amount: -1 } });
    const refused = await receiver.post('/hooks/validated', bad.body, bad.headers);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ message: 'amount must be a positive number' });
  });
});

describe.each(HTTP_PLATFORMS)('an app on %s created without rawBody', (platform) => {
  let database: TestDatabase;
  let receiver: ReceiverTestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    receiver = await startReceiverApp(database, {
      platform,
      rawBody: false,
      controllers: [SchemesController],
      receivers: { standard: { secret: secrets.standard } },
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it('never lets a JSON webhook through unverified, and logs how to enable the raw body', async () => {
    const { body, headers } = signWebhook({ secret: secrets.standard, payload: { type: 'order.created' } });
    const before = handled.length;
    const response = await receiver.post('/hooks/standard', body, headers);
    expect(response.status).toBe(500);
    expect(handled.length).toBe(before);
    expect(receiver.logs.join('\n')).toMatch(/raw bytes were not kept.*\{ rawBody: true \}/);
  });
});
