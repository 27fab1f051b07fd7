import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { WebhookAdminModule, WebhookPublisher, type WebhookModuleOptions } from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { adminClient } from './support/admin-client.js';
import { HTTP_PLATFORMS } from './support/receiver-test-app.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const TOKEN = 'operator-token-for-tests';

@Injectable()
class OperatorGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers.authorization === `Bearer ${TOKEN}`;
  }
}

const admin = WebhookAdminModule.register({ path: 'ops', guards: [OperatorGuard] });
const options: WebhookModuleOptions = { relay: { enabled: false }, eventTypes: ['invoice.paid'] };

/** Each input over one limit, with the field its 400 must name. */
const OVER_LIMITS = (url: string) =>
  [
    ['101 event types', { eventTypes: Array.from({ length: 101 }, () => 'invoice.paid') }, 'eventTypes'],
    ['21 headers', { headers: Object.fromEntries(Array.from({ length: 21 }, (_, n) => [`x-h${n}`, 'v'])) }, 'headers'],
    ['8,193 bytes of headers', { headers: { 'x-a': 'a'.repeat(4096), 'x-b': 'b'.repeat(4091) } }, 'headers'],
    ['a header value with CR LF', { headers: { 'x-a': 'one\r\nx-injected: two' } }, 'headers.x-a'],
    ['a header value with a tab', { headers: { 'x-a': 'one\ttwo' } }, 'headers.x-a'],
    ['a header value with NUL', { headers: { 'x-a': 'one\u0000' } }, 'headers.x-a'],
    ['a header value with DEL', { headers: { 'x-a': 'one\u007f' } }, 'headers.x-a'],
    ['a header value beyond Latin-1', { headers: { 'x-a': 'caf\u00e9 \u2713' } }, 'headers.x-a'],
    ['a header value beyond ASCII', { headers: { 'x-a': 'caf\u00e9' } }, 'headers.x-a'],
    ['a header value with an outer space', { headers: { 'x-a': ' padded' } }, 'headers.x-a'],
    ['a URL with CR LF', { url: `${url}/a\r\nb` }, 'url'],
    ['a URL with a tab', { url: `${url}/a\tb` }, 'url'],
    ['a URL with a space', { url: `${url}/a b` }, 'url'],
    ['a URL with NUL', { url: `${url}/a\u0000` }, 'url'],
    ['a URL with DEL', { url: `${url}/a\u007f` }, 'url'],
    ['a description of 1,001 characters', { description: 'd'.repeat(1001) }, 'description'],
  ] as const;

describe.each(HTTP_PLATFORMS)('admin input limits on sqlite with %s', (platform) => {
  const context = useWebhookTestContext('sqlite');
  const start = (clock?: ManualClock) =>
    context.start(() => options, { imports: [admin], listen: true, platform, ...(clock && { clock }) });
  const call = (app: WebhookTestApp) => adminClient(app, '/ops', TOKEN);

  it('refuses each input over its limit with a 400 naming the field, on create and update, storing nothing; accepts each at its limit', async () => {
    const app = await start();
    const { body: endpoint } = await call(app)('POST', '/endpoints', { url: context.receiver.url });
    const refusals: Array<[string, number, string[], number, string[]]> = [];
    for (const [what, input] of OVER_LIMITS(context.receiver.url)) {
      const created = await call(app)('POST', '/endpoints', { url: context.receiver.url, ...input });
      const updated = await call(app)('PATCH', `/endpoints/${endpoint.id}`, input);
      refusals.push([
        what,
        created.status,
        created.body.errors?.map((error: { field: string }) => error.field),
        updated.status,
        updated.body.errors?.map((error: { field: string }) => error.field),
      ]);
    }
    expect(refusals).toEqual(OVER_LIMITS('').map(([what, , field]) => [what, 400, [field], 400, [field]]));
    expect((await call(app)('GET', '/endpoints')).body).toHaveLength(1);
    expect((await call(app)('GET', `/endpoints/${endpoint.id}`)).body).toMatchObject({
      url: context.receiver.url,
      headers: {},
      description: null,
    });

    // At the limits: 100 event types, 20 headers of 8,192 bytes in all, printable ASCII with inner spaces.
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, n) => [`x-h${String(n).padStart(2, '0')}`, '']));
    headers['x-h00'] = `Bearer a b ${'c'.repeat(8192 - 20 * 5 - 11)}`;
    const atLimits = await call(app)('POST', '/endpoints', {
      url: context.receiver.url,
      eventTypes: Array.from({ length: 100 }, () => 'invoice.paid'),
      headers,
      description: 'd'.repeat(1000),
    });
    expect(atLimits.status).toBe(201);
  });

  it('answers 429 with Retry-After in seconds to test events beyond 5 per endpoint, until the clock refills one', async () => {
    const clock = new ManualClock();
    const app = await start(clock);
    const { body: first } = await call(app)('POST', '/endpoints', { url: context.receiver.url });
    const { body: second } = await call(app)('POST', '/endpoints', { url: `${context.receiver.url}/2` });
    const statuses = [];
    for (let n = 0; n < 5; n++) statuses.push((await call(app)('POST', `/endpoints/${first.id}/test`)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const limited = await call(app)('POST', `/endpoints/${first.id}/test`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    expect((await call(app)('POST', `/endpoints/${second.id}/test`)).status).toBe(202);
    clock.advance(11_000);
    expect((await call(app)('POST', `/endpoints/${first.id}/test`)).headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    expect((await call(app)('POST', `/endpoints/${first.id}/test`)).status).toBe(202);
    expect((await call(app)('POST', `/endpoints/${first.id}/test`)).status).toBe(429);
    expect(app.records.filter(({ level }) => level === 'error')).toEqual([]);
  });

  it("answers 429 with Retry-After to retries beyond 30 per endpoint, counted by the delivery's endpoint", async () => {
    const clock = new ManualClock();
    const app = await start(clock);
    await call(app)('POST', '/endpoints', { url: context.receiver.url, eventTypes: ['invoice.paid'] });
    await app.dataSource.transaction((manager) =>
      app.app.get(WebhookPublisher).publish(manager, { type: 'invoice.paid', data: {} }),
    );
    await app.relay.runOnce();
    const [delivery] = (await call(app)('GET', '/deliveries')).body;
    const statuses = new Set<number>();
    for (let n = 0; n < 30; n++) statuses.add((await call(app)('POST', `/deliveries/${delivery.id}/retry`)).status);
    expect(statuses.has(429)).toBe(false);
    const limited = await call(app)('POST', `/deliveries/${delivery.id}/retry`);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    clock.advance(2_000);
    expect((await call(app)('POST', `/deliveries/${delivery.id}/retry`)).status).not.toBe(429);
  });

  it('answers 429 with Retry-After to recoveries beyond 3 per endpoint', async () => {
    const clock = new ManualClock();
    const app = await start(clock);
    const { body: endpoint } = await call(app)('POST', '/endpoints', { url: context.receiver.url });
    for (let n = 0; n < 3; n++)
      expect((await call(app)('POST', '/deliveries/recover', { endpointId: endpoint.id })).status).toBe(202);
    const limited = await call(app)('POST', '/deliveries/recover', { endpointId: endpoint.id });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '20']);
    clock.advance(20_000);
    expect((await call(app)('POST', '/deliveries/recover', { endpointId: endpoint.id })).status).toBe(202);
  });
});
