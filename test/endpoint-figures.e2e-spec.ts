import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  generateWebhookSecret,
  WebhookAdminModule,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  type WebhookModuleOptions,
  WebhookPublisher,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'figures-token-for-tests';
const HOUR = 3_600_000;

/** Signed in with the bearer token; `x-tenant` plays the signed-in customer's account. */
@Injectable()
class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

const operator = WebhookAdminModule.register({ path: 'ops', guards: [SignedInGuard] });
const portal = WebhookAdminModule.register({
  path: 'portal',
  guards: [SignedInGuard],
  tenant: (request: { headers: Record<string, string | undefined> }) => request.headers['x-tenant'],
});
const secret = generateWebhookSecret();

describe.each(DATABASE_KINDS)('per-endpoint figures on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  async function start(clock: ManualClock, endpoints: WebhookModuleOptions['endpoints'] = []) {
    const app = await context.start(
      (url) => ({
        relay: { enabled: false },
        eventTypes: ['invoice.paid'],
        endpoints: (endpoints ?? []).map((endpoint) => ({ ...endpoint, url: `${url}${endpoint.url}` })),
      }),
      { clock, imports: [operator, portal], listen: true },
    );
    return { app, ops: adminClient(app, '/ops', TOKEN) };
  }

  async function publish(app: WebhookTestApp, tenant?: string) {
    await app.dataSource.transaction((manager) =>
      app.app
        .get(WebhookPublisher)
        .publish(manager, { type: 'invoice.paid', data: { n: 1 }, ...(tenant && { tenant }) }),
    );
  }

  it("counts an endpoint's attempts in the window: succeeded, failed, success rate, latency, last success and failure", async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { app, ops } = await start(clock, [
      { id: 'erp', url: '/erp', secret },
      { id: 'crm', url: '/crm', secret },
    ]);
    context.receiver.respondWith((request) => ({ status: request.url.endsWith('/crm') ? 500 : 200 }));
    // Both rounds at one time: crm's first retry is not due yet, so each endpoint has exactly two attempts.
    const at = clock.now();
    await publish(app);
    await app.relay.runOnce();
    await publish(app);
    await app.relay.runOnce();

    const { status, body } = await ops('GET', '/stats/endpoints');
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        endpointId: 'erp',
        since: at - 24 * HOUR,
        attempts: 2,
        succeeded: 2,
        failed: 0,
        successRate: 1,
        latencyP50: expect.any(Number),
        latencyP95: expect.any(Number),
        lastSuccessAt: at,
        lastFailureAt: null,
      },
      {
        endpointId: 'crm',
        since: at - 24 * HOUR,
        attempts: 2,
        succeeded: 0,
        failed: 2,
        successRate: 0,
        latencyP50: expect.any(Number),
        latencyP95: expect.any(Number),
        lastSuccessAt: null,
        lastFailureAt: at,
      },
    ]);
    expect(body[0].latencyP50).toBeLessThanOrEqual(body[0].latencyP95);
  });

  it('shows an endpoint whose latest attempts fail as failing, since its first failure, until one succeeds', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { app, ops } = await start(clock, [{ id: 'crm', url: '/crm', secret }]);
    let status = 500;
    context.receiver.respondWith(() => ({ status }));
    const failedAt = clock.now();
    await publish(app);
    await app.relay.runOnce();
    expect((await ops('GET', '/endpoints/crm')).body).toMatchObject({ state: 'failing', failingSince: failedAt });

    status = 200;
    clock.advance(HOUR);
    await app.relay.runOnce();
    expect((await ops('GET', '/endpoints/crm')).body).toMatchObject({ state: 'active', failingSince: null });
  });

  it('leaves out attempts started before `since`, and answers one endpoint with `endpointId`', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { app, ops } = await start(clock, [{ id: 'erp', url: '/erp', secret }]);
    await publish(app);
    await app.relay.runOnce();
    clock.advance(60_000);
    const since = clock.now();
    await publish(app);
    await app.relay.runOnce();

    const { body } = await ops('GET', `/stats/endpoints?endpointId=erp&since=${since}`);
    expect(body).toEqual([expect.objectContaining({ endpointId: 'erp', since, attempts: 1, lastSuccessAt: since })]);
  });

  it('answers zeros and nulls for an endpoint without traffic', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { ops } = await start(clock, [{ id: 'quiet', url: '/quiet', secret }]);
    const { body } = await ops('GET', '/stats/endpoints');
    expect(body).toEqual([
      {
        endpointId: 'quiet',
        since: clock.now() - 24 * HOUR,
        attempts: 0,
        succeeded: 0,
        failed: 0,
        successRate: null,
        latencyP50: null,
        latencyP95: null,
        lastSuccessAt: null,
        lastFailureAt: null,
      },
    ]);
  });

  it("shows a tenant its own endpoints' figures only, and answers 404 for another tenant's endpointId", async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { app } = await start(clock);
    const acme = adminClient(app, '/portal', TOKEN, { 'x-tenant': 'acme' });
    const globex = adminClient(app, '/portal', TOKEN, { 'x-tenant': 'globex' });
    const { body: endpoint } = await acme('POST', '/endpoints', { url: context.receiver.url });
    await publish(app, 'acme');
    await app.relay.runOnce();

    expect((await acme('GET', '/stats/endpoints')).body).toEqual([
      expect.objectContaining({ endpointId: endpoint.id, attempts: 1, succeeded: 1 }),
    ]);
    expect((await globex('GET', '/stats/endpoints')).body).toEqual([]);
    const refused = await globex('GET', `/stats/endpoints?endpointId=${endpoint.id}`);
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.body)).not.toContain('acme');
  });

  it('refuses a `since` that is not a time, and an unknown filter, naming each field', async () => {
    const clock = new ManualClock();
    const { ops } = await start(clock);
    const { status, body } = await ops('GET', '/stats/endpoints?since=yesterday&limit=5');
    expect(status).toBe(400);
    expect(body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['limit', 'since']);
  });

  it("reads a busy endpoint's latest 500 deliveries only, moving `since` up to where its figures are exact", async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 6, 9, 0));
    const { app, ops } = await start(clock, [{ id: 'busy', url: '/busy', secret }]);
    const now = clock.now();
    // 600 deliveries a second apart, each with one attempt (every fifth failed), the newest a second ago.
    const events = Array.from({ length: 600 }, (_, n) => ({
      id: `msg_busy_${String(n).padStart(4, '0')}`,
      type: 'invoice.paid',
      payload: '{}',
      occurredAt: now - (600 - n) * 1000,
      fannedOutAt: now - (600 - n) * 1000,
      sourceEntity: null,
      sourceId: null,
      sequence: null,
      orderingKey: null,
      tenant: null,
      traceContext: null,
    }));
    const deliveries = events.map((event, n) => ({
      id: `dlv_busy_${String(n).padStart(4, '0')}`,
      eventId: event.id,
      endpointId: 'busy',
      tenant: null,
      orderingKey: null,
      sequence: null,
      status: n % 5 === 0 ? 'failed' : 'succeeded',
      failureReason: null,
      attempts: 1,
      seriesStart: 0,
      nextAttemptAt: event.occurredAt,
      lockedUntil: null,
      lockToken: null,
      lastStatusCode: n % 5 === 0 ? 500 : 200,
      lastError: null,
      createdAt: event.occurredAt,
      updatedAt: event.occurredAt + 10,
      completedAt: event.occurredAt + 10,
      payload: null,
      request: null,
    }));
    const attempts = deliveries.map((delivery, n) => ({
      id: `att_busy_${String(n).padStart(4, '0')}`,
      deliveryId: delivery.id,
      attemptNumber: 1,
      startedAt: delivery.createdAt,
      durationMs: n % 100,
      outcome: n % 5 === 0 ? 'failed' : 'succeeded',
      statusCode: n % 5 === 0 ? 500 : 200,
      responseExcerpt: null,
      error: null,
    }));
    for (let start = 0; start < 600; start += 100) {
      await app.dataSource.getRepository(WebhookEventEntity).insert(events.slice(start, start + 100) as never);
      await app.dataSource.getRepository(WebhookDeliveryEntity).insert(deliveries.slice(start, start + 100) as never);
      await app.dataSource.getRepository(WebhookAttemptEntity).insert(attempts.slice(start, start + 100) as never);
    }

    const [figures] = (await ops('GET', '/stats/endpoints?endpointId=busy')).body;
    // The latest 500 (n = 100…599) were read: the window starts just after the 100th delivery's last change.
    expect(figures).toMatchObject({
      endpointId: 'busy',
      since: deliveries[100]!.updatedAt + 1,
      attempts: 499,
      succeeded: 499 - 99,
      failed: 99,
      lastSuccessAt: attempts[599]!.startedAt,
      lastFailureAt: attempts[595]!.startedAt,
    });
  });
});
