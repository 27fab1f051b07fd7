import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ALL_TENANTS,
  generateWebhookSecret,
  WebhookAdminModule,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  WebhookPublisher,
  type WebhookModuleOptions,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'search-token-for-tests';
const secret = generateWebhookSecret();

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

const PATH = '/admin/webhooks';
const admin = WebhookAdminModule.register({
  path: PATH,
  guards: [BearerGuard],
  tenant: (request: { headers: Record<string, string | undefined> }) => request.headers['x-tenant'] ?? ALL_TENANTS,
});

/** Two operator endpoints with names, the relay off (tests run it), retries a minute apart. */
const options = (url: string): WebhookModuleOptions => ({
  endpoints: [
    { id: 'erp', url, secret, description: 'Billing ERP' },
    { id: 'crm', url: `${url}/crm-hook`, secret, description: 'Sales CRM' },
  ],
  eventTypes: ['invoice.paid', 'invoice.voided'],
  relay: { enabled: false },
  retry: { initialDelay: 60_000, jitter: 0 },
});

/** A delivery row as the log holds it; unnamed columns take the values of a fresh, unattempted one. */
type Row = Partial<WebhookDeliveryEntity> & { id: string; eventId: string; type?: string };

const T0 = 1_800_000_000_000;

/** Writes events and deliveries straight into the log, so a test says exactly what it holds. */
async function insertLog(app: WebhookTestApp, rows: Row[]): Promise<void> {
  const events = new Map<string, Partial<WebhookEventEntity>>();
  const deliveries = rows.map(({ type = 'invoice.paid', ...row }) => {
    events.set(row.eventId, {
      id: row.eventId,
      type,
      payload: JSON.stringify({ type, data: { n: 1 } }),
      occurredAt: row.createdAt ?? T0,
      fannedOutAt: row.createdAt ?? T0,
      tenant: row.tenant ?? null,
    });
    return {
      endpointId: 'erp',
      tenant: null,
      status: 'pending' as const,
      attempts: 0,
      seriesStart: 0,
      nextAttemptAt: T0,
      createdAt: T0,
      updatedAt: T0,
      ...row,
    };
  });
  for (let from = 0; from < deliveries.length; from += 200) {
    const events200 = [...events.values()].slice(from, from + 200);
    if (events200.length > 0) await app.dataSource.getRepository(WebhookEventEntity).insert(events200);
  }
  for (let from = 0; from < deliveries.length; from += 200)
    await app.dataSource.getRepository(WebhookDeliveryEntity).insert(deliveries.slice(from, from + 200));
}

describe.each(DATABASE_KINDS)('delivery search on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  const start = (platform: 'express' | 'fastify' = 'express') =>
    context.start(options, { imports: [admin], listen: true, platform });
  const ids = (answer: { body: { deliveries: Array<{ id: string }> } }) =>
    answer.body.deliveries.map((delivery) => delivery.id).sort();

  it('finds deliveries by a prefix of their webhook-id or of their own id, and nothing past the prefix', async () => {
    const app = await start();
    await insertLog(app, [
      { id: 'dlv_7000aa01', eventId: 'msg_0900ff01' },
      { id: 'dlv_7000aa02', eventId: 'msg_0900ff01', endpointId: 'crm' },
      { id: 'dlv_7001bb01', eventId: 'msg_0a000001' },
      { id: 'dlv_8000cc01', eventId: 'msg_09zz0001' },
    ]);
    const search = adminClient(app, PATH, TOKEN);

    expect(ids(await search('GET', '/deliveries/search?q=msg_0900'))).toEqual(['dlv_7000aa01', 'dlv_7000aa02']);
    // `9` then `a`: the next prefix of `msg_09` is `msg_0a`, which it must not reach.
    expect(ids(await search('GET', '/deliveries/search?q=msg_09'))).toEqual([
      'dlv_7000aa01',
      'dlv_7000aa02',
      'dlv_8000cc01',
    ]);
    expect(ids(await search('GET', '/deliveries/search?q=dlv_7001'))).toEqual(['dlv_7001bb01']);
    expect(ids(await search('GET', '/deliveries/search?q=dlv_7000aa02'))).toEqual(['dlv_7000aa02']);
    expect((await search('GET', '/deliveries/search?q=msg_0b00')).body).toEqual({
      deliveries: [],
      total: 0,
      totalExact: true,
      next: null,
    });
  });

  it('finds deliveries by the description, URL or id of their endpoint, case-insensitively', async () => {
    const app = await start();
    await insertLog(app, [
      { id: 'dlv_a1', eventId: 'msg_a1' },
      { id: 'dlv_a2', eventId: 'msg_a1', endpointId: 'crm' },
    ]);
    const search = adminClient(app, PATH, TOKEN);

    expect(ids(await search('GET', '/deliveries/search?endpoint=billing'))).toEqual(['dlv_a1']);
    expect(ids(await search('GET', '/deliveries/search?endpoint=CRM-HOOK'))).toEqual(['dlv_a2']);
    expect(ids(await search('GET', '/deliveries/search?endpoint=rp'))).toEqual(['dlv_a1']);
    expect((await search('GET', '/deliveries/search?endpoint=nowhere')).body.total).toBe(0);
  });

  it('tells retrying deliveries (pending after a failed attempt) from every pending one, and filters by the last status code', async () => {
    const app = await start();
    await insertLog(app, [
      { id: 'dlv_new', eventId: 'msg_1' },
      { id: 'dlv_retrying', eventId: 'msg_2', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' },
      { id: 'dlv_failed', eventId: 'msg_3', status: 'failed', attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410' },
      { id: 'dlv_done', eventId: 'msg_4', status: 'succeeded', attempts: 2, lastStatusCode: 200 },
    ]);
    const search = adminClient(app, PATH, TOKEN);

    expect(ids(await search('GET', '/deliveries/search?status=retrying'))).toEqual(['dlv_retrying']);
    expect(ids(await search('GET', '/deliveries/search?status=pending'))).toEqual(['dlv_new', 'dlv_retrying']);
    expect(ids(await search('GET', '/deliveries/search?statusCode=410'))).toEqual(['dlv_failed']);
    expect(ids(await search('GET', '/deliveries/search?statusCode=500&status=pending'))).toEqual(['dlv_retrying']);
  });

  it('visits every delivery exactly once across pages, newest first, when many share a creation time', async () => {
    const app = await start();
    const rows = Array.from({ length: 23 }, (_, n) => ({
      id: `dlv_${String(n).padStart(3, '0')}`,
      eventId: `msg_${String(n).padStart(3, '0')}`,
      createdAt: T0 + Math.floor(n / 5) * 1_000,
    }));
    await insertLog(app, rows);
    const search = adminClient(app, PATH, TOKEN);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search('GET', `/deliveries/search?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body).toMatchObject({ total: 23, totalExact: true });
      expect(page.body.deliveries.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.deliveries.map((delivery: { id: string }) => delivery.id));
      cursor = page.body.next;
    } while (cursor);

    expect(seen).toEqual(rows.map((row) => row.id).reverse());
  });

  it('counts the total up to 10,000 and says when it is not exact', async () => {
    const app = await start();
    await insertLog(
      app,
      Array.from({ length: 10_001 }, (_, n) => ({
        id: `dlv_${String(n).padStart(6, '0')}`,
        eventId: `msg_${String(n).padStart(6, '0')}`,
        status: n === 0 ? ('failed' as const) : ('succeeded' as const),
      })),
    );
    const search = adminClient(app, PATH, TOKEN);

    expect((await search('GET', '/deliveries/search?limit=1')).body).toMatchObject({
      total: 10_000,
      totalExact: false,
    });
    expect((await search('GET', '/deliveries/search?status=failed')).body).toMatchObject({
      total: 1,
      totalExact: true,
    });
  });

  it("never shows a tenant another tenant's deliveries or endpoints, whatever it searches for", async () => {
    const app = await start();
    const acme = adminClient(app, PATH, TOKEN, { 'x-tenant': 'acme' });
    const { body: endpoint } = await acme('POST', '/endpoints', {
      url: context.receiver.url,
      description: 'Acme warehouse',
    });
    await insertLog(app, [
      { id: 'dlv_acme1', eventId: 'msg_acme1', endpointId: endpoint.id, tenant: 'acme' },
      { id: 'dlv_own01', eventId: 'msg_own01', status: 'failed', lastStatusCode: 500 },
    ]);

    expect(ids(await acme('GET', '/deliveries/search'))).toEqual(['dlv_acme1']);
    expect(ids(await acme('GET', '/deliveries/search?q=dlv_own0'))).toEqual([]);
    expect(ids(await acme('GET', '/deliveries/search?endpoint=billing'))).toEqual([]);
    expect(ids(await acme('GET', '/deliveries/search?endpointId=erp'))).toEqual([]);
    expect(ids(await acme('GET', '/deliveries/search?statusCode=500'))).toEqual([]);
    expect(ids(await acme('GET', '/deliveries/search?endpoint=warehouse'))).toEqual(['dlv_acme1']);
    expect((await acme('POST', '/deliveries/recover', { statusCode: 500, dryRun: true })).body).toEqual({ matched: 0 });
    expect((await acme('POST', '/deliveries/recover', { endpointId: 'erp', dryRun: true })).status).toBe(404);
  });

  it('refuses bad input with 400, naming every field and what is wrong with it', async () => {
    const app = await start();
    const search = adminClient(app, PATH, TOKEN);

    const answer = await search(
      'GET',
      '/deliveries/search?q=abc&status=lost&statusCode=99&limit=101&since=yesterday&cursor=nope!&colour=red',
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'q',
      'status',
      'statusCode',
      'limit',
      'since',
      'cursor',
      'colour',
    ]);
    expect(answer.body.errors[0].message).toBe(
      'must be the first 4 to 64 characters of a delivery id or a webhook-id.',
    );
    expect((await search('POST', '/deliveries/recover', { dryRun: 'yes', limit: 5 })).body.errors).toEqual([
      { field: 'dryRun', message: 'must be true or false.' },
      {
        field: 'limit',
        message: 'is not a field; use q, endpointId, endpoint, status, statusCode, eventType, since, until, dryRun.',
      },
    ]);
  });

  it('counts what a recovery would send again without changing anything (dry run)', async () => {
    const app = await start();
    await insertLog(app, [
      { id: 'dlv_f1', eventId: 'msg_f1', status: 'failed', attempts: 5, lastStatusCode: 503 },
      { id: 'dlv_f2', eventId: 'msg_f1', endpointId: 'crm', status: 'failed', attempts: 5, lastStatusCode: 503 },
      { id: 'dlv_f3', eventId: 'msg_f3', status: 'failed', attempts: 5, lastStatusCode: 404 },
    ]);
    const admin = adminClient(app, PATH, TOKEN);

    expect(await admin('POST', '/deliveries/recover', { statusCode: 503, dryRun: true })).toMatchObject({
      status: 202,
      body: { matched: 2 },
    });
    expect((await admin('GET', '/deliveries/search?status=failed')).body.total).toBe(3);
  });

  it('sends at most 10,000 a recovery, the oldest first, and says when more remain', async () => {
    const app = await start();
    await insertLog(
      app,
      Array.from({ length: 10_001 }, (_, n) => ({
        id: `dlv_${String(n).padStart(6, '0')}`,
        eventId: `msg_${String(n).padStart(6, '0')}`,
        status: 'failed' as const,
        attempts: 1,
        createdAt: T0 + n,
      })),
    );
    const admin = adminClient(app, PATH, TOKEN);

    expect((await admin('POST', '/deliveries/recover', { dryRun: true })).body).toEqual({
      matched: 10_000,
      more: true,
    });
    expect((await admin('POST', '/deliveries/recover', {})).body).toEqual({ retried: 10_000, more: true });
    expect(ids(await admin('GET', '/deliveries/search?status=failed'))).toEqual(['dlv_010000']);
    expect((await admin('POST', '/deliveries/recover', {})).body).toEqual({ retried: 1 });
  });

  it('sends retrying deliveries now, across endpoints, as a new series', async () => {
    const app = await start();
    context.receiver.respondWith((_request, n) => ({ status: n <= 2 ? 500 : 200 }));
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: { n: 1 } }),
    );
    await app.relay.runOnce(); // to erp and crm: both answer 500, both wait a minute for their retry
    const admin = adminClient(app, PATH, TOKEN);
    expect((await admin('GET', '/deliveries/search?status=retrying')).body.total).toBe(2);
    expect((await admin('POST', '/deliveries/recover', { status: 'retrying', dryRun: true })).body).toEqual({
      matched: 2,
    });

    expect(await admin('POST', '/deliveries/recover', { status: 'retrying' })).toMatchObject({
      status: 202,
      body: { retried: 2 },
    });
    await app.relay.runOnce();

    expect(context.receiver.requests).toHaveLength(4);
    expect((await admin('GET', '/deliveries/search?status=succeeded')).body.total).toBe(2);
    // Due now already: a second "send now" finds nothing left to hurry.
    expect((await admin('POST', '/deliveries/recover', { status: 'pending', dryRun: true })).body).toEqual({
      matched: 0,
    });
  });

  it.each(HTTP_PLATFORMS)(
    'answers deliveries/search as the search, not as a delivery named "search", on %s',
    async (platform) => {
      const app = await start(platform);
      const answer = await adminClient(app, PATH, TOKEN)('GET', '/deliveries/search');
      expect(answer).toMatchObject({ status: 200, body: { deliveries: [], total: 0, totalExact: true, next: null } });
    },
  );
});
