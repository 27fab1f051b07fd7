import type { INestApplication } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { WebhookReceiverEvents, type WebhookRefusedEvent } from '@webhook-outbox/nestjs';
import { signWebhook } from '@webhook-outbox/nestjs/testing';
import { verifyStandardWebhook } from '@webhook-outbox/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSampleConfig } from '../sample-app/src/config/sample-config.js';
import { createShopApp } from '../sample-app/src/shop-app.factory.js';
import { freePort } from './support/loopback.js';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/** The ERP receiver's secret when ERP_WEBHOOK_SECRET is not set, as in these tests. */
const ERP_SECRET = loadSampleConfig({}).erpSecret;

interface Received {
  webhookId: string;
  type: string;
  data: Record<string, unknown>;
  changes?: Record<string, { old: unknown; new: unknown }>;
}

/** The sample app as `npm start` runs it, on a SQLite file of its own, with extra environment variables. */
async function startSampleApp(
  env: Record<string, string> = {},
): Promise<{ app: INestApplication; base: string; database: TestDatabase }> {
  const database = await createTestDatabase('sqlite');
  const port = await freePort();
  const config = loadSampleConfig({
    PORT: String(port),
    DATABASE_URL: `sqlite:${(database.options as { database: string }).database}`,
    ...env,
  });
  const app = await createShopApp(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${port}`, database };
}

describe.each(HTTP_PLATFORMS)('sample shop app on %s', (platform) => {
  let database: TestDatabase;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base, database } = await startSampleApp({ HTTP_ADAPTER: platform }));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const json = (method: string, path: string, body?: unknown) =>
    // A content type only with a body: Fastify refuses an empty body declared as JSON (400).
    fetch(
      `${base}${path}`,
      body === undefined
        ? { method }
        : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );

  async function receivedWithin(ms: number, predicate: (r: Received[]) => boolean): Promise<Received[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const received = (await (await fetch(`${base}/erp/received`)).json()) as Received[];
      if (predicate(received)) return received;
      if (Date.now() > deadline)
        throw new Error(`ERP did not receive the expected webhooks within ${ms} ms: ${JSON.stringify(received)}`);
      await delay(20);
    }
  }

  it('delivers a new order to its ERP receiver, verified, within about a second', async () => {
    const created = await json('POST', '/orders', { customer: 'Ada', items: [{ sku: 'A1', qty: 2 }], total: 42 });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: number };

    const received = await receivedWithin(1_500, (r) =>
      r.some((w) => w.type === 'order.created' && w.data.id === order.id),
    );
    const webhook = received.find((w) => w.data.id === order.id)!;
    expect(webhook.webhookId).toMatch(/^msg_/);
    expect(webhook.data).toMatchObject({ customer: 'Ada', items: [{ sku: 'A1', qty: 2 }], total: 42, status: 'new' });
  });

  it('emits order.updated on a status change and order.deleted on deletion', async () => {
    const order = (await (
      await json('POST', '/orders', { customer: 'Bob', items: [{ sku: 'B2', qty: 1 }], total: 5 })
    ).json()) as { id: number };
    expect((await json('PATCH', `/orders/${order.id}`, { status: 'paid' })).status).toBe(200);
    expect((await json('DELETE', `/orders/${order.id}`)).status).toBe(204);

    const received = await receivedWithin(2_000, (r) =>
      r.some((w) => w.type === 'order.deleted' && w.data.id === order.id),
    );
    // Delivery order is not guaranteed (several events may go out in one concurrent batch), so compare as a set.
    const forOrder = received.filter((w) => w.data.id === order.id).map((w) => `${w.type}:${w.data.status}`);
    expect(forOrder.sort()).toEqual(['order.created:new', 'order.deleted:paid', 'order.updated:paid']);
    expect(received.find((w) => w.type === 'order.updated' && w.data.id === order.id)!.changes).toMatchObject({
      status: { old: 'new', new: 'paid' },
    });
  });

  it('answers invalid orders with 400 and the reasons, and unknown ones with 404', async () => {
    const response = await json('POST', '/orders', { customer: '', items: [], total: -1 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string[] }).message).toEqual([
      'customer must be a non-empty string of at most 200 characters',
      'items must be a non-empty array',
      'total must be a number ≥ 0',
    ]);
    expect((await json('PATCH', '/orders/999999', { status: 'paid' })).status).toBe(404);
  });

  it("publishes payment.recorded with the order's status change, in one transaction", async () => {
    const order = (await (
      await json('POST', '/orders', { customer: 'Cy', items: [{ sku: 'C3', qty: 1 }], total: 9 })
    ).json()) as { id: number };
    expect((await json('POST', `/orders/${order.id}/payments`, { amount: 9 })).status).toBe(201);
    const paid = (w: Received) => w.type === 'order.updated' && w.data.id === order.id && w.data.status === 'paid';
    const payment = (w: Received) => w.type === 'payment.recorded' && w.data.orderId === order.id;
    // Both arrive (in either order: deliveries run concurrently).
    const received = await receivedWithin(2_000, (r) => r.some(payment) && r.some(paid));
    expect(received.find(payment)!.data).toEqual({ orderId: order.id, amount: 9 });
    expect((await json('POST', '/orders/999999/payments', { amount: 1 })).status).toBe(404);
  });

  it('does not mount the admin API without ADMIN_TOKEN', async () => {
    expect((await fetch(`${base}/admin/webhooks/endpoints`)).status).toBe(404);
  });

  it.each([150_000, 500_000, 1_000_000])(
    'accepts a signed webhook of %d bytes at the ERP, up to its maxBodySize',
    async (bytes) => {
      const { body, headers } = signWebhook({
        secret: ERP_SECRET,
        payload: { type: 'bulk.exported', data: { id: -bytes }, filler: 'x'.repeat(bytes) },
      });
      const response = await fetch(`${base}/erp/webhooks`, { method: 'POST', headers, body });
      expect(response.status).toBe(204);
    },
  );

  it("refuses a signed webhook above the ERP receiver's maxBodySize with 413 and a refusal event", async () => {
    const refusals: WebhookRefusedEvent[] = [];
    const subscription = app.get(WebhookReceiverEvents).refused.subscribe((event) => refusals.push(event));
    try {
      const { body, headers } = signWebhook({
        secret: ERP_SECRET,
        payload: { type: 'bulk.exported', data: { id: -1 }, filler: 'x'.repeat(1_500_000) },
      });
      const response = await fetch(`${base}/erp/webhooks`, { method: 'POST', headers, body });
      expect(response.status).toBe(413);
      expect(refusals).toMatchObject([{ receiver: 'erp', reason: 'payload-too-large' }]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('refuses an unsigned request to the ERP with 401 and records nothing', async () => {
    const before = ((await (await fetch(`${base}/erp/received`)).json()) as Received[]).length;
    const response = await json('POST', '/erp/webhooks', { type: 'order.created', data: { id: -1 } });
    expect(response.status).toBe(401);
    const after = (await (await fetch(`${base}/erp/received`)).json()) as Received[];
    expect(after).toHaveLength(before);
  });
});

describe.each(HTTP_PLATFORMS)('sample shop app with ADMIN_TOKEN on %s', (platform) => {
  const token = 'sample-admin-token-0123456789';
  let database: TestDatabase;
  let app: INestApplication;
  let base: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    ({ app, base, database } = await startSampleApp({ ADMIN_TOKEN: token, HTTP_ADAPTER: platform }));
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
    await database?.drop();
  });

  const admin = (method: string, path: string, body?: unknown, auth = `Bearer ${token}`) =>
    fetch(`${base}/admin/webhooks${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers 401 without the bearer token', async () => {
    expect((await admin('GET', '/endpoints', undefined, '')).status).toBe(401);
    expect((await admin('GET', '/endpoints', undefined, `Bearer ${token}x`)).status).toBe(401);
  });

  it("subscribes a new endpoint at runtime, which then receives the shop's orders signed with its secret", async () => {
    const listed = (await (await admin('GET', '/endpoints')).json()) as Array<{ id: string }>;
    expect(listed.map((endpoint) => endpoint.id)).toEqual(['erp']);
    const created = await admin('POST', '/endpoints', {
      url: receiver.url,
      eventTypes: ['order.created'],
      description: 'a partner',
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: 'Dee', items: [{ sku: 'D4', qty: 1 }], total: 3 }),
    });
    const [request] = await receiver.waitForRequests(1, 3_000);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'order.created', data: { customer: 'Dee' } });
    expect(verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret }).id).toMatch(/^msg_/);
  });
});

describe('sample app configuration', () => {
  it('defaults to port 3000 and an embedded SQLite file', () => {
    const config = loadSampleConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({ type: 'better-sqlite3' });
    expect(config.externalTarget).toBeUndefined();
  });

  it('accepts postgres:// and mysql:// URLs', () => {
    expect(loadSampleConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/shop' }).database).toMatchObject({
      type: 'postgres',
    });
    expect(loadSampleConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop' }).database).toMatchObject({
      type: 'mysql',
    });
  });

  it('refuses an unknown database URL scheme and a half-configured outside target', () => {
    expect(() => loadSampleConfig({ DATABASE_URL: 'mongodb://x' })).toThrow(/DATABASE_URL must start with/);
    expect(() => loadSampleConfig({ WEBHOOK_TARGET_URL: 'https://example.com/hooks' })).toThrow(/together/);
  });

  it('refuses an ADMIN_TOKEN too short to protect anything', () => {
    expect(() => loadSampleConfig({ ADMIN_TOKEN: 'secret' })).toThrow(/ADMIN_TOKEN must be at least 16 characters/);
    expect(loadSampleConfig({}).adminToken).toBeUndefined();
  });

  it('adds an outside endpoint when WEBHOOK_TARGET_URL and WEBHOOK_SECRET are set', () => {
    const config = loadSampleConfig({
      WEBHOOK_TARGET_URL: 'https://example.com/hooks',
      WEBHOOK_SECRET: 'whsec_c2FtcGxlLWFwcC1kZXYtb25seS1zZWNyZXQ=',
    });
    expect(config.externalTarget).toEqual({
      url: 'https://example.com/hooks',
      secret: 'whsec_c2FtcGxlLWFwcC1kZXYtb25seS1zZWNyZXQ=',
    });
  });

  it('runs on Express unless HTTP_ADAPTER names Fastify, and refuses any other platform', () => {
    expect(loadSampleConfig({}).httpAdapter).toBe('express');
    expect(loadSampleConfig({ HTTP_ADAPTER: 'fastify' }).httpAdapter).toBe('fastify');
    expect(() => loadSampleConfig({ HTTP_ADAPTER: 'koa' })).toThrow(/HTTP_ADAPTER must be express or fastify/);
  });
});
