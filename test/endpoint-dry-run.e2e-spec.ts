import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  WebhookAdminModule,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  WebhookPublisher,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'dry-run-token-for-tests';

@Injectable()
class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

/** A customer portal: `x-tenant` plays the signed-in customer's account. */
const portal = WebhookAdminModule.register({
  path: 'portal',
  guards: [SignedInGuard],
  tenant: (request: { headers: Record<string, string | undefined> }) => request.headers['x-tenant'],
});

describe.each(DATABASE_KINDS)('dry runs of an endpoint on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  async function start() {
    const app = await context.start(
      () => ({ relay: { enabled: false }, eventTypes: ['invoice.paid', 'invoice.void'] }),
      {
        imports: [portal],
        listen: true,
      },
    );
    return { app, acme: adminClient(app, '/portal', TOKEN, { 'x-tenant': 'acme' }) };
  }

  async function publish(app: WebhookTestApp, tenant: string, data: Record<string, unknown>, type = 'invoice.paid') {
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type, data, tenant }),
    );
  }

  /** Acme's endpoint, which has received one invoice.paid event ({ n: 1 }). */
  async function endpointWithOneEvent(app: WebhookTestApp, acme: ReturnType<typeof adminClient>) {
    const { body: endpoint } = await acme('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.*'],
      headers: { authorization: 'Bearer acme-credential' },
    });
    await publish(app, 'acme', { n: 1 });
    await app.relay.runOnce();
    expect(context.receiver.requests).toHaveLength(1);
    return endpoint as { id: string };
  }

  const deliveries = (app: WebhookTestApp) => app.dataSource.getRepository(WebhookDeliveryEntity).count();

  it('tries the stored settings on the latest event the endpoint received, showing the request it would send with secrets elided, sending and storing nothing', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const before = await deliveries(app);

    const { status, body } = await acme('POST', `/endpoints/${endpoint.id}/dry-run`, {});
    expect(status).toBe(200);
    const webhookId = context.receiver.requests[0]!.headers['webhook-id'];
    expect(body).toMatchObject({
      event: { id: webhookId, type: 'invoice.paid', createdAt: expect.any(Number) },
      outcome: 'send',
      reason: null,
      request: { method: 'POST', url: context.receiver.url },
    });
    expect(JSON.parse(body.request.body)).toMatchObject({ type: 'invoice.paid', data: { n: 1 } });
    expect(body.request.headers.authorization).toBe('…');
    expect(body.request.headers['webhook-signature']).toBe('v1,…');
    expect(JSON.stringify(body)).not.toContain('acme-credential');
    expect(context.receiver.requests).toHaveLength(1);
    expect(await deliveries(app)).toBe(before);
  });

  it('drops the event when the would-be filter does not match, and sends it when it does', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const route = `/endpoints/${endpoint.id}/dry-run`;

    expect((await acme('POST', route, { filter: { 'data.n': 2 } })).body).toMatchObject({
      outcome: 'dropped',
      reason: 'The filter does not match this event.',
      request: null,
    });
    expect((await acme('POST', route, { filter: { 'data.n': { $gte: 1 } } })).body).toMatchObject({ outcome: 'send' });
  });

  it('runs a would-be transformation in the sandbox: the body it gives, dropped for null, failed saying why', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const route = `/endpoints/${endpoint.id}/dry-run`;

    const sent = await acme('POST', route, { transform: '{ body: { amount: data.n } }' });
    expect(sent.body).toMatchObject({ outcome: 'send' });
    expect(JSON.parse(sent.body.request.body)).toEqual({ amount: 1 });
    expect((await acme('POST', route, { transform: '`null`' })).body).toMatchObject({
      outcome: 'dropped',
      reason: 'The transformation gave null: the event is dropped.',
    });
    const failed = await acme('POST', route, { transform: "{ method: 'PUT' }" });
    expect(failed.body).toMatchObject({ outcome: 'failed', request: null });
    expect(failed.body.reason).toMatch(/method "PUT"/);
  });

  it('builds the request with a would-be method and payload format', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const route = `/endpoints/${endpoint.id}/dry-run`;

    const get = (await acme('POST', route, { method: 'GET' })).body.request;
    expect(get).toMatchObject({ method: 'GET', body: null });
    expect(get.url).toContain('n=1');
    const thin = (await acme('POST', route, { payloadFormat: 'thin' })).body.request;
    expect(JSON.parse(thin.body).data).not.toHaveProperty('n');
  });

  it("tries the event named by eventId, and refuses another tenant's event as unknown", async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    await publish(app, 'acme', { n: 2 }, 'invoice.void');
    await publish(app, 'globex', { n: 3 });
    await app.relay.runOnce();
    const older = context.receiver.requests[0]!.headers['webhook-id'];
    const globexEvent = await app.dataSource.getRepository(WebhookEventEntity).findOneByOrFail({ tenant: 'globex' });

    expect((await acme('POST', `/endpoints/${endpoint.id}/dry-run`, { eventId: older })).body).toMatchObject({
      event: { id: older, type: 'invoice.paid' },
      outcome: 'send',
    });
    const refused = await acme('POST', `/endpoints/${endpoint.id}/dry-run`, { eventId: globexEvent.id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'eventId', message: "is not an event of this endpoint's tenant." }]);
  });

  it('tries the latest event of its types in its tenant when it has received none, and answers no-event when there is none', async () => {
    const { app, acme } = await start();
    const { body: endpoint } = await acme('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.void'],
    });
    const route = `/endpoints/${endpoint.id}/dry-run`;
    expect((await acme('POST', route, {})).body).toMatchObject({ event: null, outcome: 'no-event', request: null });

    await publish(app, 'globex', { n: 1 }, 'invoice.void');
    await publish(app, 'acme', { n: 2 }, 'invoice.paid');
    await app.relay.runOnce();
    expect((await acme('POST', route, {})).body).toMatchObject({ outcome: 'no-event' });

    await publish(app, 'acme', { n: 3 }, 'invoice.void');
    await app.relay.runOnce();
    // Its delivery gone (as retention would remove it), the event is found among the latest fanned-out ones.
    await app.dataSource.getRepository(WebhookDeliveryEntity).delete({ endpointId: endpoint.id });
    expect((await acme('POST', route, {})).body).toMatchObject({ event: { type: 'invoice.void' }, outcome: 'send' });
  });

  it('refuses an invalid filter, transformation or method with the field errors PATCH gives, trying nothing', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const { status, body } = await acme('POST', `/endpoints/${endpoint.id}/dry-run`, {
      filter: { 'data.n': { $regex: '^1' } },
      transform: '{ body: ',
      method: 'PUT',
      colour: 'blue',
    });
    expect(status).toBe(400);
    const fields = body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['colour', 'method', 'transform']));
    expect(fields.filter((field: string) => field.startsWith('filter'))).toHaveLength(1);
  });

  it("answers 404 for another tenant's endpoint", async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const globex = adminClient(app, '/portal', TOKEN, { 'x-tenant': 'globex' });
    const refused = await globex('POST', `/endpoints/${endpoint.id}/dry-run`, {});
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body)).not.toContain('acme');
  });

  it('answers 429 with Retry-After beyond its allowance of 20 dry runs at once', async () => {
    const { app, acme } = await start();
    const endpoint = await endpointWithOneEvent(app, acme);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof acme>> | undefined;
    for (let n = 0; n < 21; n++) {
      last = await acme('POST', `/endpoints/${endpoint.id}/dry-run`, {});
      statuses.push(last.status);
    }
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses).toEqual([...Array(20).fill(200), 429]);
  });
});
