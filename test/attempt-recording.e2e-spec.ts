import { type CanActivate, Injectable } from '@nestjs/common';
import {
  generateWebhookSecret,
  WebhookAdminModule,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  type WebhookModuleOptions,
  WebhookPublisher,
} from '@webhook-outbox/nestjs';
import { type AttemptRecord, OUTBOX_STORE, type OutboxStore } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

describe.each(DATABASE_KINDS)('recording a batch of attempt outcomes on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('stores every outcome whose claim still holds, in one call, and nothing of one whose claim passed to another worker', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ id: 'erp', url, secret: generateWebhookSecret() }],
      relay: { enabled: false },
    }));
    const store = app.app.get<OutboxStore>(OUTBOX_STORE);
    await app.dataSource.getRepository(ShopOrder).save([1, 2, 3].map((n) => ({ customer: `C${n}`, total: n })));
    const now = Date.now();
    await store.fanOut(10, now, () => [{ id: 'erp', tenant: null }]);
    const [won, lost, retried] = await store.claimDeliveries({
      limit: 10,
      perEndpoint: 10,
      excludeEndpoints: [],
      now,
      lockedUntil: now + 60_000,
      lockToken: 'lease-a',
    });
    // Another worker took the second one over after our lease lapsed.
    await app.dataSource.getRepository(WebhookDeliveryEntity).update(lost!.id, { lockToken: 'lease-b' });

    const outcome = (deliveryId: string, ok: boolean): AttemptRecord => ({
      deliveryId,
      lockToken: 'lease-a',
      attemptNumber: 1,
      startedAt: now,
      durationMs: 12,
      outcome: ok ? 'succeeded' : 'failed',
      statusCode: ok ? 200 : 503,
      responseExcerpt: ok ? 'ok' : 'busy',
      error: ok ? null : 'HTTP 503',
      request: JSON.stringify({
        method: 'POST',
        url: `https://erp.example/${deliveryId}`,
        headers: { 'webhook-id': deliveryId },
      }),
      next: ok ? { status: 'succeeded' } : { status: 'pending', nextAttemptAt: now + 5_000 },
      now: now + 12,
    });
    expect(
      await store.recordAttempts([outcome(won!.id, true), outcome(lost!.id, true), outcome(retried!.id, false)]),
    ).toEqual([true, false, true]);

    const deliveries = app.dataSource.getRepository(WebhookDeliveryEntity);
    expect(await deliveries.findOneByOrFail({ id: won!.id })).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lockToken: null,
      lastStatusCode: 200,
      completedAt: now + 12,
    });
    expect(await deliveries.findOneByOrFail({ id: lost!.id })).toMatchObject({
      status: 'pending',
      attempts: 0,
      lockToken: 'lease-b',
      completedAt: null,
    });
    expect(await deliveries.findOneByOrFail({ id: retried!.id })).toMatchObject({
      status: 'pending',
      attempts: 1,
      lockToken: null,
      nextAttemptAt: now + 5_000,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
    });
    const attempts = await app.dataSource.getRepository(WebhookAttemptEntity).find();
    expect(
      attempts
        .map((a) => [
          a.deliveryId,
          a.attemptNumber,
          a.outcome,
          a.statusCode,
          a.responseExcerpt,
          a.durationMs,
          a.request?.url,
        ])
        .sort(),
    ).toEqual(
      [
        [won!.id, 1, 'succeeded', 200, 'ok', 12, `https://erp.example/${won!.id}`],
        [retried!.id, 1, 'failed', 503, 'busy', 12, `https://erp.example/${retried!.id}`],
      ].sort(),
    );
    expect(await store.recordAttempts([])).toEqual([]);
  });
});

/** Every caller is the operator: what is shown here does not depend on who asks. */
@Injectable()
class OperatorGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const admin = WebhookAdminModule.register({ path: 'ops', guards: [OperatorGuard] });
const options: WebhookModuleOptions = { relay: { enabled: false }, eventTypes: ['invoice.paid'] };
const RECEIVER_CREDENTIAL = 'Bearer receiver-credential-0123';

describe.each(DATABASE_KINDS)("a delivery's history of requests on %s", (kind) => {
  const context = useWebhookTestContext(kind);
  const start = () => context.start(() => options, { imports: [admin], listen: true });
  const call = (app: WebhookTestApp) => adminClient(app, '/ops', 'any');
  const publish = (app: WebhookTestApp) =>
    app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { invoice: 'INV-1' } }),
    );

  it('shows where each attempt went and with which headers, after the endpoint moved, and never a secret', async () => {
    const app = await start();
    const ops = call(app);
    const urlA = `${context.receiver.url}/hooks/a`;
    const urlB = `${context.receiver.url}/hooks/b`;
    const created = (
      await ops('POST', '/endpoints', {
        url: urlA,
        eventTypes: ['invoice.paid'],
        headers: { authorization: RECEIVER_CREDENTIAL, 'x-shop': 'demo' },
      })
    ).body;
    await publish(app);
    await app.relay.runOnce();
    const [delivery] = (await ops('GET', '/deliveries')).body;
    expect((await ops('PATCH', `/endpoints/${created.id}`, { url: urlB })).status).toBe(200);
    expect((await ops('POST', `/deliveries/${delivery.id}/retry`)).status).toBe(202);
    await app.relay.runOnce();
    const [first, second] = context.receiver.requests;
    expect([first!.url, second!.url]).toEqual([new URL(urlA).pathname, new URL(urlB).pathname]);

    const { body: page } = await ops('GET', `/deliveries/${delivery.id}`);
    expect(page.attemptLog.map((attempt: WebhookAttemptEntity) => attempt.request?.url)).toEqual([urlA, urlB]);
    const sent = page.attemptLog[0].request;
    expect(sent.method).toBe('POST');
    for (const name of ['webhook-id', 'webhook-timestamp', 'content-type', 'user-agent'])
      expect([name, sent.headers[name]]).toEqual([name, first!.headers[name]]);
    expect(first!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]{40,}$/);
    expect(sent.headers['webhook-signature']).toBe('v1,…');
    // The endpoint's own headers are write-only, whatever their names.
    expect([first!.headers['x-shop'], sent.headers['x-shop']]).toEqual(['demo', '…']);
    expect(sent.headers.authorization).toBe('…');
    const shown = JSON.stringify(page);
    for (const secret of [created.secret, RECEIVER_CREDENTIAL, first!.headers['webhook-signature'] as string])
      expect(shown).not.toContain(secret);
    // Attempted: no request rebuilt from the endpoint as it is now beside what was sent.
    expect(page.request).toBeNull();
  });

  it('shows a delivery never attempted the request its first attempt will send, rebuilt from the endpoint now', async () => {
    const app = await start();
    const ops = call(app);
    const url = `${context.receiver.url}/hooks/later`;
    const created = (await ops('POST', '/endpoints', { url, eventTypes: ['invoice.paid'] })).body;
    await publish(app);
    // Fanned out but not sent: the delivery waits for its first attempt.
    await app.app.get<OutboxStore>(OUTBOX_STORE).fanOut(10, Date.now(), () => [{ id: created.id, tenant: null }]);
    const [delivery] = (await ops('GET', '/deliveries')).body;

    const { body: page } = await ops('GET', `/deliveries/${delivery.id}`);
    expect(page.attemptLog).toEqual([]);
    expect(page.request).toMatchObject({ method: 'POST', url, body: page.payload });
    expect(page.request.headers['webhook-signature']).toBe('v1,…');
    expect(JSON.stringify(page)).not.toContain(created.secret);
  });

  it('stores no request for an attempt refused before one was built: the destination is no longer allowed', async () => {
    const first = await start();
    await call(first)('POST', '/endpoints', {
      url: `${context.receiver.url}/hooks/private`,
      eventTypes: ['invoice.paid'],
    });
    await publish(first);
    await context.closeApp();
    // The same tables under stricter rules: the endpoint's 127.0.0.1 is refused as written, before any request.
    const app = await context.startAnother(() => ({ ...options, delivery: { allowPrivateNetworks: false } }), {
      imports: [admin],
      listen: true,
    });
    await app.relay.runOnce();
    const [delivery] = (await call(app)('GET', '/deliveries')).body;

    const { body: page } = await call(app)('GET', `/deliveries/${delivery.id}`);
    expect(page.attemptLog).toHaveLength(1);
    expect(page.attemptLog[0]).toMatchObject({ outcome: 'failed', statusCode: null, request: null });
    expect(page.attemptLog[0].error).toMatch(/refused/);
    expect(context.receiver.connections).toBe(0);
  });

  it('records a GET attempt with the event in the query string of its URL, as the receiver was asked', async () => {
    const app = await start();
    const ops = call(app);
    await ops('POST', '/endpoints', {
      url: `${context.receiver.url}/hooks/get?shop=demo`,
      eventTypes: ['invoice.paid'],
      method: 'GET',
    });
    await publish(app);
    await app.relay.runOnce();
    const [received] = context.receiver.requests;
    const [delivery] = (await ops('GET', '/deliveries')).body;

    const { body: page } = await ops('GET', `/deliveries/${delivery.id}`);
    const sent = page.attemptLog[0].request;
    expect(sent).toMatchObject({ method: 'GET', url: `${new URL(context.receiver.url).origin}${received!.url}` });
    expect(new URL(sent.url).searchParams.get('data.invoice')).toBe('INV-1');
    expect(new URL(sent.url).searchParams.get('shop')).toBe('demo');
    expect(sent.headers['content-type']).toBeUndefined();
    expect(sent.headers['webhook-signature']).toBe('v1,…');
  });
});
