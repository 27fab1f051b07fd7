import { type CanActivate, Injectable } from '@nestjs/common';
import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WEBHOOK_TEST_EVENT_TYPE,
  WebhookAdminModule,
  WebhookDeliveryEntity,
  WebhookEndpointDisabledError,
  WebhookEndpointNotFoundError,
  WebhookEndpoints,
  WebhookEventEntity,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();

@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}
const admin = WebhookAdminModule.register({ path: 'ops', guards: [AllowGuard] });

/** Rows in the outbox: a refused test event must leave none behind. */
async function rows(app: WebhookTestApp) {
  return [
    await app.dataSource.getRepository(WebhookEventEntity).count(),
    await app.dataSource.getRepository(WebhookDeliveryEntity).count(),
  ];
}

describe.each(DATABASE_KINDS)('test events on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('sends a signed webhook.test event to that endpoint only, whatever it subscribes to', async () => {
    const app = await context.start((url) => ({
      endpoints: [
        { id: 'erp', url, secret, eventTypes: ['order.*'] },
        { id: 'crm', url: `${url}/crm`, secret },
      ],
      relay: { enabled: false },
    }));
    const sent = await app.app.get(WebhookEndpoints).sendTestEvent('erp');
    await app.relay.runOnce();

    expect(context.receiver.requests).toHaveLength(1);
    const [request] = context.receiver.requests;
    expect(request!.url).toBe('/hooks');
    expect(request!.headers['webhook-id']).toBe(sent.webhookId);
    expect(verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret }).id).toBe(
      sent.webhookId,
    );
    const body = JSON.parse(request!.body) as { type: string; data: unknown };
    expect(body.type).toBe(WEBHOOK_TEST_EVENT_TYPE);
    expect(body.data).toMatchObject({ endpointId: 'erp' });
  });

  it("refuses another tenant's endpoint as not found", async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    const created = await endpoints.create({ url: `${context.receiver.url}/a` }, { tenant: 'acme' });
    await expect(endpoints.sendTestEvent(created.id, { tenant: 'globex' })).rejects.toBeInstanceOf(
      WebhookEndpointNotFoundError,
    );
  });

  it('refuses a disabled endpoint, naming why it was disabled, and writes nothing', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const endpoints = app.app.get(WebhookEndpoints);
    await endpoints.disable('erp', 'migrating the ERP');

    const refusal = endpoints.sendTestEvent('erp');
    await expect(refusal).rejects.toBeInstanceOf(WebhookEndpointDisabledError);
    await expect(refusal).rejects.toThrow(
      'Endpoint "erp" is disabled (migrating the ERP): enable it to send a test event.',
    );
    expect(await rows(app)).toEqual([0, 0]);
  });

  it('answers 409 over HTTP for a disabled endpoint, with the reason and what to do', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      imports: [admin],
      listen: true,
    });
    const ops = adminClient(app, '/ops', 'any');
    await ops('POST', '/endpoints/erp/disable', { reason: 'migrating the ERP' });

    const { status, body } = await ops('POST', '/endpoints/erp/test', {});
    expect(status).toBe(409);
    expect(body.message).toBe('Endpoint "erp" is disabled (migrating the ERP): enable it to send a test event.');
    expect(await rows(app)).toEqual([0, 0]);
    expect(app.records.filter(({ level }) => level === 'error')).toEqual([]);
  });

  it('sends a test event to a paused endpoint, saying until when it waits', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      imports: [admin],
      listen: true,
      clock,
    });
    const ops = adminClient(app, '/ops', 'any');
    context.receiver.respondWith(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    expect((await ops('POST', '/endpoints/erp/test', {})).body).toMatchObject({ pausedUntil: null });
    await app.relay.runOnce(); // 503 with Retry-After: paused two minutes
    const { pausedUntil } = (await ops('GET', '/endpoints/erp')).body;
    expect(pausedUntil).toBeGreaterThan(clock.now());

    const { status, body } = await ops('POST', '/endpoints/erp/test', {});
    expect(status).toBe(202);
    expect(body).toEqual({ webhookId: expect.any(String), deliveryId: expect.any(String), pausedUntil });
  });

  it("sends the catalog's example of a chosen type as the test event, signed like any other", async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      imports: [admin],
      listen: true,
    });
    const ops = adminClient(app, '/ops', 'any');
    const { status, body: sent } = await ops('POST', '/endpoints/erp/test', { type: 'order.created' });
    expect(status).toBe(202);
    await app.relay.runOnce();

    const [request] = context.receiver.requests;
    expect(request!.headers['webhook-id']).toBe(sent.webhookId);
    expect(verifyStandardWebhook({ payload: request!.body, headers: request!.headers, secret }).id).toBe(
      sent.webhookId,
    );
    const body = JSON.parse(request!.body) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe('order.created');
    expect(body.data).toMatchObject({ id: expect.anything() });
  });

  it('refuses an unknown type with 400, naming the known types, and writes nothing', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      imports: [admin],
      listen: true,
    });
    const ops = adminClient(app, '/ops', 'any');
    const { status, body } = await ops('POST', '/endpoints/erp/test', { type: 'order.shipped' });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      { field: 'type', message: expect.stringMatching(/^is not a known event type\. Known types: .*order\.created/) },
    ]);
    expect(await rows(app)).toEqual([0, 0]);
  });

  it('refuses a type that is not a string of at most 200 characters with 400', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }), {
      imports: [admin],
      listen: true,
    });
    const ops = adminClient(app, '/ops', 'any');
    expect((await ops('POST', '/endpoints/erp/test', { type: 'x'.repeat(201) })).status).toBe(400);
    expect((await ops('POST', '/endpoints/erp/test', { type: 42 })).status).toBe(400);
    expect(await rows(app)).toEqual([0, 0]);
  });
});
