import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ALL_TENANTS,
  WebhookAdminModule,
  WebhookConfigurationError,
  WebhookPublisher,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'admin-token-for-tests';

/** The application's own guard: a bearer token. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

const admin = WebhookAdminModule.register({
  path: '/admin/webhooks/',
  guards: [BearerGuard],
  // Without the header, the operator: every tenant (a tenant function giving nothing would answer 403).
  tenant: (request: { headers: Record<string, string | undefined> }) => request.headers['x-tenant'] ?? ALL_TENANTS,
});
const options: WebhookModuleOptions = { relay: { enabled: false }, eventTypes: ['invoice.paid'] };

interface Answer {
  status: number;
  body: any;
}

/** A client of the admin API of `app`, optionally acting for a tenant. */
function client(app: WebhookTestApp, { token = TOKEN, tenant }: { token?: string | null; tenant?: string } = {}) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${app.url}/admin/webhooks${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(tenant && { 'x-tenant': tenant }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

const CASES = DATABASE_KINDS.flatMap((kind) => HTTP_PLATFORMS.map((platform) => [kind, platform] as const));

describe.each(CASES)('admin API on %s with %s', (kind, platform) => {
  const context = useWebhookTestContext(kind);
  const start = () => context.start(() => options, { imports: [admin], listen: true, platform });

  it("is behind the application's guard on every route", async () => {
    const app = await start();
    for (const token of [null, 'wrong']) {
      const call = client(app, { token });
      for (const [method, path] of [
        ['GET', '/endpoints'],
        ['POST', '/endpoints'],
        ['GET', '/endpoints/x'],
        ['PATCH', '/endpoints/x'],
        ['DELETE', '/endpoints/x'],
        ['POST', '/endpoints/x/rotate-secret'],
        ['POST', '/endpoints/x/enable'],
        ['POST', '/endpoints/x/disable'],
        ['GET', '/event-types'],
        ['GET', '/deliveries'],
        ['GET', '/deliveries/x'],
        ['POST', '/deliveries/x/retry'],
        ['POST', '/deliveries/recover'],
        ['GET', '/stats'],
      ] as const) {
        expect({
          method,
          path,
          status: (await call(method, path, method === 'POST' ? { url: context.receiver.url } : undefined)).status,
        }).toEqual({ method, path, status: 403 });
      }
    }
    expect((await client(app)('GET', '/endpoints')).body).toEqual([]);
  });

  it('creates, reads, updates, rotates, disables, enables and deletes endpoints', async () => {
    const app = await start();
    const call = client(app);
    const created = await call('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
      description: 'billing',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
      description: 'billing',
      source: 'database',
    });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id: string = created.body.id;

    expect((await call('GET', '/endpoints')).body.map((e: { id: string }) => e.id)).toEqual([id]);
    const read = await call('GET', `/endpoints/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');

    expect((await call('PATCH', `/endpoints/${id}`, { description: 'invoices' })).body).toMatchObject({
      description: 'invoices',
      eventTypes: ['invoice.paid'],
    });
    const rotated = await call('POST', `/endpoints/${id}/rotate-secret`, { overlap: 0 });
    expect(rotated).toMatchObject({ status: 200, body: { previousSecretExpiresAt: null } });
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect((await call('POST', `/endpoints/${id}/disable`, { reason: 'customer asked' })).body.disabled).toMatchObject({
      reason: 'customer asked',
    });
    expect((await call('POST', `/endpoints/${id}/enable`)).body.disabled).toBeNull();
    expect(await call('DELETE', `/endpoints/${id}`)).toEqual({ status: 204, body: undefined });
    expect((await call('GET', `/endpoints/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/endpoints/${id}`)).status).toBe(404);
    expect((await call('GET', '/event-types')).body).toContainEqual(
      expect.objectContaining({ type: 'invoice.paid', source: 'options' }),
    );
    const { body: document } = await call('GET', '/openapi.json');
    expect(document).toMatchObject({ openapi: '3.1.0', webhooks: { 'invoice.paid': { post: expect.any(Object) } } });
  });

  it('answers bad input with 400 and a message per field', async () => {
    const app = await start();
    const call = client(app);
    const answer = await call('POST', '/endpoints', {
      url: 'not a url',
      eventTypes: ['invoice.payed'],
      headers: { host: 'evil' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, message: 'Invalid input.' });
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['url', 'eventTypes[0]', 'headers.host']);
    expect(answer.body.errors[1].message).toMatch(/Known types: .*invoice\.paid/);
    expect((await call('POST', '/endpoints', ['not', 'an', 'object'])).body.errors).toEqual([
      { field: '(body)', message: 'must be a JSON object.' },
    ]);
    expect((await call('GET', '/deliveries?limit=ten&status=lost&colour=red')).body.errors).toEqual([
      { field: 'limit', message: 'must be a whole number.' },
      { field: 'status', message: 'must be one of pending, succeeded, failed.' },
      { field: 'colour', message: 'is not a filter; use endpointId, status, eventType, eventId, since, until, limit.' },
    ]);
    expect((await call('POST', '/deliveries/recover', { since: 'yesterday' })).body.errors).toEqual([
      { field: 'since', message: 'must be a time in epoch milliseconds.' },
    ]);
    expect((await call('GET', '/endpoints')).body).toEqual([]);
  });

  it("scopes every call to the request's tenant: another tenant's endpoint and deliveries answer 404", async () => {
    const app = await start();
    const north = client(app, { tenant: 'north' });
    const south = client(app, { tenant: 'south' });
    const { body: endpoint } = await north('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
    });
    expect(endpoint.tenant).toBe('north');
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n: 1 }, tenant: 'north' }),
    );
    await app.relay.runOnce();
    const [delivery] = (await north('GET', '/deliveries')).body;
    expect(delivery).toMatchObject({ endpointId: endpoint.id, status: 'succeeded' });

    expect((await south('GET', '/endpoints')).body).toEqual([]);
    for (const [method, path] of [
      ['GET', `/endpoints/${endpoint.id}`],
      ['PATCH', `/endpoints/${endpoint.id}`],
      ['DELETE', `/endpoints/${endpoint.id}`],
      ['POST', `/endpoints/${endpoint.id}/rotate-secret`],
      ['POST', `/endpoints/${endpoint.id}/disable`],
      ['GET', `/deliveries/${delivery.id}`],
      ['POST', `/deliveries/${delivery.id}/retry`],
    ] as const) {
      expect({
        method,
        path,
        status: (await south(method, path, method === 'GET' || method === 'DELETE' ? undefined : {})).status,
      }).toEqual({ method, path, status: 404 });
    }
    expect((await south('GET', '/deliveries')).body).toEqual([]);
    expect((await south('GET', '/stats')).body).toMatchObject({ succeeded: 0 });
    expect((await north('GET', '/stats')).body).toMatchObject({ succeeded: 1 });
    expect((await client(app)('GET', '/endpoints')).body).toHaveLength(1); // no tenant header: the operator sees all
  });

  it('lists deliveries with their attempts, retries one, and recovers every failed one', async () => {
    const app = await start();
    const call = client(app);
    const { body: endpoint } = await call('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
    });
    context.receiver.respondWith(() => ({ status: 410 }));
    for (const n of [1, 2])
      await app.dataSource.transaction((manager) =>
        app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n } }),
      );
    await app.relay.runOnce();

    const failed = (await call('GET', `/deliveries?status=failed&endpointId=${endpoint.id}`)).body;
    expect(failed).toHaveLength(2);
    const details = (await call('GET', `/deliveries/${failed[0].id}`)).body;
    expect(details).toMatchObject({ status: 'failed', failureReason: 'rejected', eventType: 'invoice.paid' });
    expect(details.attemptLog).toEqual([
      expect.objectContaining({ attemptNumber: 1, statusCode: 410, outcome: 'failed' }),
    ]);
    expect(JSON.parse(details.payload)).toMatchObject({ type: 'invoice.paid' });

    context.receiver.respondWith(() => ({ status: 200 }));
    await call('POST', `/endpoints/${endpoint.id}/enable`); // a 410 disabled it
    expect(await call('POST', `/deliveries/${failed[0].id}/retry`)).toEqual({ status: 202, body: { retried: 1 } });
    expect((await call('POST', '/deliveries/nope/retry')).status).toBe(404);
    await app.relay.runOnce();
    expect((await call('GET', '/stats')).body).toMatchObject({ succeeded: 1, failed: 1, pending: 0 });

    expect(await call('POST', '/deliveries/recover', { endpointId: endpoint.id })).toEqual({
      status: 202,
      body: { retried: 1 },
    });
    await app.relay.runOnce();
    expect((await call('GET', '/stats')).body).toMatchObject({ succeeded: 2, failed: 0, pending: 0 });
    expect(context.receiver.requests).toHaveLength(4);
  });

  it('shows the request an attempt sent: the same headers, signature values and credentials elided, and its body', async () => {
    const app = await start();
    const call = client(app);
    await call('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
      headers: { 'x-api-key': 'receiver-credential', 'x-shop': 'demo' },
    });
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n: 1 } }),
    );
    await app.relay.runOnce();
    const [received] = context.receiver.requests;
    const [delivery] = (await call('GET', '/deliveries')).body;

    const page = (await call('GET', `/deliveries/${delivery.id}`)).body;
    // Every attempt sends the body of record; its request as sent is stored with it.
    expect(page.payload).toBe(received!.body);
    const { request } = page.attemptLog[0];
    expect(request).toMatchObject({ method: 'POST', url: context.receiver.url });
    for (const name of ['webhook-id', 'webhook-timestamp', 'content-type', 'user-agent'])
      expect([name, request.headers[name]]).toEqual([name, received!.headers[name]]);
    expect(received!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]{40,}$/);
    expect(request.headers['webhook-signature']).toBe('v1,…');
    // The endpoint's own headers are write-only, whatever their names.
    expect(request.headers['x-api-key']).toBe('…');
    expect([received!.headers['x-shop'], request.headers['x-shop']]).toEqual(['demo', '…']);
    expect(JSON.stringify(request)).not.toContain('receiver-credential');
  });

  it('answers 409 to a retry of a delivery a worker is sending right now', async () => {
    const app = await start();
    const call = client(app);
    await call('POST', '/endpoints', { url: context.receiver.url, eventTypes: ['invoice.paid'] });
    context.receiver.respondWith(() => ({ status: 200, delayMs: 500 }));
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: {} }),
    );
    await app.relay.dispatch(); // claimed and sent; the receiver takes its time
    await context.receiver.waitForRequests(1);
    const [delivery] = (await call('GET', '/deliveries')).body;
    expect((await call('POST', `/deliveries/${delivery.id}/retry`)).status).toBe(409);
    await app.relay.settled();
    expect((await call('POST', `/deliveries/${delivery.id}/retry`)).status).toBe(202);
  });
});

describe('the admin module', () => {
  const context = useWebhookTestContext('sqlite');

  it('exposes nothing unless imported', async () => {
    const app = await context.start(() => options, { listen: true });
    expect((await client(app)('GET', '/endpoints')).status).toBe(404);
  });

  it('refuses to be registered without a guard', () => {
    expect(() => WebhookAdminModule.register({ guards: [] })).toThrow(WebhookConfigurationError);
    expect(() => WebhookAdminModule.register({ guards: [] })).toThrow(/at least one guard/);
  });
});
