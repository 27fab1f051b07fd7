import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ALL_TENANTS, WebhookAdminModule, WebhookPublisher, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'portal-token-for-tests';

/** The application's sign-in: a bearer token (every caller below is signed in). */
@Injectable()
class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

/**
 * What the application's user record says the account is, played by `x-account`: a tenant id, `staff`, or one of
 * the ways a user mid-onboarding has none.
 */
function accountOf(request: { headers: Record<string, string | undefined> }) {
  const account = request.headers['x-account'];
  switch (account) {
    case 'undefined':
      return undefined;
    case 'null':
      return null as unknown as undefined;
    case 'empty':
      return '';
    case 'throws':
      throw new TypeError("Cannot read properties of undefined (reading 'accountId')");
    case 'staff':
      return ALL_TENANTS;
    default:
      return account;
  }
}

const PORTAL = '/portal';
const portal = WebhookAdminModule.register({ path: PORTAL, guards: [SignedInGuard], tenant: accountOf });
const options: WebhookModuleOptions = { relay: { enabled: false }, eventTypes: ['invoice.paid'] };
const NO_TENANT = ['undefined', 'null', 'empty', 'throws'] as const;

/** Every admin route, with tenant a's endpoint and delivery ids filled in, and a body for those that take one. */
function everyRoute(endpointId: string, deliveryId: string, url: string) {
  return [
    ['GET', '/endpoints', undefined],
    ['POST', '/endpoints', { url: `${url}/b`, eventTypes: ['invoice.paid'] }],
    ['GET', `/endpoints/${endpointId}`, undefined],
    ['PATCH', `/endpoints/${endpointId}`, { description: 'taken over' }],
    ['DELETE', `/endpoints/${endpointId}`, undefined],
    ['POST', `/endpoints/${endpointId}/enable`, {}],
    ['POST', `/endpoints/${endpointId}/disable`, { reason: 'taken over' }],
    ['POST', `/endpoints/${endpointId}/rotate-secret`, { overlap: 0 }],
    ['POST', `/endpoints/${endpointId}/test`, {}],
    ['POST', `/endpoints/${endpointId}/dry-run`, {}],
    ['GET', '/event-types', undefined],
    ['GET', '/openapi.json', undefined],
    ['GET', '/deliveries', undefined],
    ['GET', `/deliveries?endpointId=${endpointId}`, undefined],
    ['GET', `/deliveries/${deliveryId}`, undefined],
    ['POST', `/deliveries/${deliveryId}/retry`, {}],
    ['POST', '/deliveries/recover', { endpointId, status: 'succeeded' }],
    ['GET', '/stats', undefined],
    ['GET', '/stats/timeline', undefined],
    ['GET', '/stats/latency', undefined],
    ['GET', '/stats/failing-endpoints', undefined],
    ['GET', '/stats/endpoints', undefined],
    ['GET', `/stats/endpoints?endpointId=${endpointId}`, undefined],
  ] as const;
}

const CASES = DATABASE_KINDS.flatMap((kind) => HTTP_PLATFORMS.map((platform) => [kind, platform] as const));

describe.each(CASES)('the portal on %s with %s fails closed', (kind, platform) => {
  const context = useWebhookTestContext(kind);

  /** Tenant a's endpoint with one succeeded delivery, as tenant a sees them. */
  async function tenantAWithADelivery(app: WebhookTestApp) {
    const a = adminClient(app, PORTAL, TOKEN, { 'x-account': 'a' });
    const { body: endpoint } = await a('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: ['invoice.paid'],
      headers: { authorization: 'Bearer tenant-a-credential' },
      description: 'tenant a',
    });
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n: 1 }, tenant: 'a' }),
    );
    await app.relay.runOnce();
    const [delivery] = (await a('GET', '/deliveries')).body;
    expect(delivery).toMatchObject({ endpointId: endpoint.id, status: 'succeeded' });
    const seen = async () => ({
      endpoints: (await a('GET', '/endpoints')).body,
      deliveries: (await a('GET', '/deliveries')).body,
      // `since` is when the stats window starts: now, not something a call could change.
      stats: { ...(await a('GET', '/stats')).body, since: undefined },
    });
    return { endpoint, delivery, seen };
  }

  it.each(NO_TENANT)(
    'answers 403 on every route to a signed-in user whose tenant function gives %s, leaking and changing nothing',
    async (account) => {
      const app = await context.start(() => options, { imports: [portal], listen: true, platform });
      const { endpoint, delivery, seen } = await tenantAWithADelivery(app);
      const before = await seen();
      const nobody = adminClient(app, PORTAL, TOKEN, { 'x-account': account });

      for (const [method, route, body] of everyRoute(endpoint.id, delivery.id, context.receiver.url)) {
        const answer = await nobody(method, route, body);
        expect({ method, route, status: answer.status }).toEqual({ method, route, status: 403 });
        expect(JSON.stringify(answer.body)).not.toContain(endpoint.id);
        expect(JSON.stringify(answer.body)).not.toContain('tenant-a-credential');
      }
      expect(await seen()).toEqual(before);
      expect(context.receiver.requests).toHaveLength(1);
      expect(app.records.filter(({ level }) => level === 'error')).toEqual([]);
      expect(app.warnings.some((warning) => /no tenant for this request/i.test(warning))).toBe(true);
    },
  );

  it("answers 404 to tenant b on every route naming tenant a's ids, changing nothing", async () => {
    const app = await context.start(() => options, { imports: [portal], listen: true, platform });
    const { endpoint, delivery, seen } = await tenantAWithADelivery(app);
    const before = await seen();
    const b = adminClient(app, PORTAL, TOKEN, { 'x-account': 'b' });

    for (const [method, route, body] of everyRoute(endpoint.id, delivery.id, context.receiver.url)) {
      if (
        !route.includes(endpoint.id) &&
        !route.includes(delivery.id) &&
        !JSON.stringify(body ?? {}).includes(endpoint.id)
      )
        continue;
      const answer = await b(method, route, body);
      const expected = route.startsWith('/deliveries?') ? 200 : 404;
      expect({ method, route, status: answer.status }).toEqual({ method, route, status: expected });
      if (expected === 200) expect(answer.body).toEqual([]);
      expect(JSON.stringify(answer.body)).not.toContain('tenant-a-credential');
    }
    expect(await seen()).toEqual(before);
    expect(context.receiver.requests).toHaveLength(1);
    expect((await b('GET', '/stats')).body).toMatchObject({ succeeded: 0 });
  });

  it('shows staff every tenant only when the tenant function gives ALL_TENANTS', async () => {
    expect(typeof ALL_TENANTS).toBe('symbol');
    const app = await context.start(() => options, { imports: [portal], listen: true, platform });
    const { endpoint } = await tenantAWithADelivery(app);
    const staff = adminClient(app, PORTAL, TOKEN, { 'x-account': 'staff' });
    expect((await staff('GET', '/endpoints')).body.map(({ id }: { id: string }) => id)).toEqual([endpoint.id]);
    expect((await staff('GET', `/endpoints/${endpoint.id}`)).status).toBe(200);
  });
});
