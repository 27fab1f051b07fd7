import {
  generateWebhookSecret,
  verifyStandardWebhook,
  WebhookDeliveryEntity,
  type WebhookEndpointOptions,
  WebhookEndpoints,
  type WebhookModuleOptions,
  WebhookValidationError,
} from '@webhook-outbox/nestjs';
import { WebhookEndpointEntity } from '@webhook-outbox/nestjs/internal';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import type { ReceivedRequest } from './support/webhook-receiver.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

/** A code endpoint no running instance has declared for this long is retired (see the README's rolling deploys). */
const RETIRE_AFTER = 10 * 60_000;

const keepSecret = generateWebhookSecret();
const oldSecret = generateWebhookSecret();
const newSecret = generateWebhookSecret();

/** The endpoints of one config generation, each at its own path of the test receiver. */
function endpointsOf(receiverUrl: string, generation: 'v1' | 'v2', extra: Partial<WebhookEndpointOptions> = {}) {
  const at = (id: string, secret: string): WebhookEndpointOptions => ({ id, url: `${receiverUrl}/${id}`, secret });
  // v2 keeps `keep`, removes `old` and adds `new`.
  return generation === 'v1'
    ? [at('keep', keepSecret), at('old', oldSecret)]
    : [at('keep', keepSecret), { ...at('new', newSecret), ...extra }];
}

const config =
  (generation: 'v1' | 'v2', relay: WebhookModuleOptions['relay'] = { enabled: false }, extra = {}) =>
  (receiverUrl: string): WebhookModuleOptions => ({ endpoints: endpointsOf(receiverUrl, generation, extra), relay });

function requestsTo(requests: readonly ReceivedRequest[], id: string): ReceivedRequest[] {
  return requests.filter((request) => request.url === `/hooks/${id}`);
}

async function deliveriesOf(app: WebhookTestApp, endpointId: string): Promise<WebhookDeliveryEntity[]> {
  return app.dataSource.getRepository(WebhookDeliveryEntity).findBy({ endpointId });
}

async function saveOrders(app: WebhookTestApp, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await app.dataSource.getRepository(ShopOrder).save({ customer: `c${i}`, total: i });
}

/** Runs an instance's relay until nothing is due (the claim takes a few deliveries per endpoint each round). */
async function drain(app: WebhookTestApp): Promise<void> {
  for (let round = 0; round < 30; round++) if ((await app.relay.runOnce()).claimed === 0) return;
}

/** Makes every pending delivery due now (a retry scheduled by a failed attempt, or a postponed claim). */
async function makeDue(app: WebhookTestApp): Promise<void> {
  await app.dataSource.getRepository(WebhookDeliveryEntity).update({ status: 'pending' }, { nextAttemptAt: 0 });
}

describe.each(DATABASE_KINDS)('a rolling deploy of code endpoints on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('delivers every event published once the first v2 instance is up to the endpoint v2 adds, whichever instance relays it', async () => {
    const v1 = await context.start(config('v1', { pollInterval: 20 }));
    await context.startAnother(config('v2', { pollInterval: 20 }));

    await saveOrders(v1, 50); // through the v1 instance, as in the report: both relays take events from the outbox
    await context.receiver.waitForRequests(150, 20_000); // 50 each to keep, old and new
    await delay(200);

    expect(requestsTo(context.receiver.requests, 'new')).toHaveLength(50);
    expect(requestsTo(context.receiver.requests, 'old')).toHaveLength(50);
    expect(requestsTo(context.receiver.requests, 'keep')).toHaveLength(50);
  });

  it('fans out from a v1 instance to the endpoint only v2 declares: 0 of 50 events lost when both instances fan out', async () => {
    const v1 = await context.start(config('v1', { enabled: false, batchSize: 5 }));
    const v2 = await context.startAnother(config('v2', { enabled: false, batchSize: 5 }));
    await saveOrders(v1, 50);

    let byV1 = 0;
    let byV2 = 0;
    for (let round = 0; round < 20 && byV1 + byV2 < 50; round++) {
      byV1 += (await v1.relay.runOnce()).fannedOut;
      byV2 += (await v2.relay.runOnce()).fannedOut;
    }

    expect(await deliveriesOf(v1, 'new')).toHaveLength(50);
    expect(await deliveriesOf(v1, 'old')).toHaveLength(50);
    expect(byV1 + byV2).toBe(50);
    expect(byV1).toBeGreaterThan(0); // both instances fanned out
    expect(byV2).toBeGreaterThan(0);
    await drain(v1);
    expect(requestsTo(context.receiver.requests, 'new')).toHaveLength(50);
  });

  it('sends the deliveries of an endpoint v2 removed from a v2 instance, with its registered config, while a v1 instance lives', async () => {
    const v1 = await context.start(config('v1'));
    const v2 = await context.startAnother(config('v2'));
    context.receiver.respondWith((request) => ({ status: request.url === '/hooks/old' ? 500 : 200 }));
    await saveOrders(v1, 10);
    await drain(v1); // fanned out and sent by v1: old's first attempts fail, retries are scheduled
    context.receiver.respondWith(() => ({ status: 200 }));
    await makeDue(v1);

    await drain(v2); // the v2 instance takes the retries of an endpoint its options do not name

    const old = await deliveriesOf(v2, 'old');
    expect(old.map(({ status, attempts }) => [status, attempts])).toEqual(Array(10).fill(['succeeded', 2]));
    const retries = requestsTo(context.receiver.requests, 'old').slice(10);
    expect(retries).toHaveLength(10);
    for (const request of retries)
      verifyStandardWebhook({ payload: request.body, headers: request.headers, secret: oldSecret });
    const failed = await v2.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'failed' });
    expect(failed).toBe(0);
  });

  it('keeps an endpoint v2 removed registered while a v1 instance renews it, and retires it ten minutes after the last v1 instance stops', async () => {
    const clock = new ManualClock();
    const v1 = await context.start(config('v1'), { clock });
    const v2 = await context.startAnother(config('v2'), { clock });
    context.receiver.respondWith((request) => ({ status: request.url === '/hooks/old' ? 500 : 200 }));

    // An hour of a rolling deploy, in steps shorter than the retirement: both instances renew their declarations.
    for (let minute = 0; minute < 60; minute += 5) {
      clock.advance(5 * 60_000);
      await v1.relay.runOnce();
      await v2.relay.runOnce();
    }
    await saveOrders(v1, 3);
    await v2.relay.runOnce();
    expect(await deliveriesOf(v2, 'old')).toHaveLength(3); // still fanned out to, by the v2 instance
    expect(await v2.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'failed' })).toBe(0);

    await context.closeApp(); // the last v1 instance stops
    clock.advance(RETIRE_AFTER - 60_000);
    await v2.relay.runOnce();
    expect(await v2.dataSource.getRepository(WebhookDeliveryEntity).countBy({ status: 'failed' })).toBe(0);

    clock.advance(2 * 60_000);
    await v2.relay.runOnce();
    const old = await deliveriesOf(v2, 'old');
    expect(old.map(({ status, failureReason }) => [status, failureReason])).toEqual(
      Array(3).fill(['failed', 'endpoint-deleted']),
    );
    await saveOrders(v2, 1);
    await v2.relay.runOnce();
    expect(await deliveriesOf(v2, 'old')).toHaveLength(3); // retired: no delivery for the new event
    expect(await deliveriesOf(v2, 'new')).toHaveLength(4);
  });

  it('leaves pending, with one warning, a delivery whose endpoint the database does not describe', async () => {
    const v1 = await context.start(config('v1'));
    context.receiver.respondWith(() => ({ status: 500 }));
    await saveOrders(v1, 2);
    await v1.relay.runOnce();
    await context.closeApp();
    // As an instance of an older version leaves it: a code endpoint that was never registered.
    const v2 = await context.startAnother(config('v2'));
    await v2.dataSource.getRepository(WebhookEndpointEntity).delete({ id: 'old' });
    await makeDue(v2);

    await v2.relay.runOnce();
    await makeDue(v2);
    await v2.relay.runOnce();

    const old = await deliveriesOf(v2, 'old');
    expect(old.map(({ status, attempts }) => [status, attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
    ]);
    expect(v2.warnings.filter((warning) => warning.includes('"old" is not registered'))).toHaveLength(1);
    expect(requestsTo(context.receiver.requests, 'old')).toHaveLength(2); // only v1's first attempts
  });

  it('never sends untransformed a delivery whose function transformation its instance lacks; an instance declaring it transforms and sends it', async () => {
    const transform = (event: { type: string }) => ({ body: { only: event.type } });
    const v1 = await context.start(config('v1'));
    const v2 = await context.startAnother(config('v2', { enabled: false }, { transform }));
    await saveOrders(v1, 2);

    await v1.relay.runOnce(); // v1 fans out to new (no event lost) but lacks its function: it leaves those to v2
    expect(await deliveriesOf(v1, 'new')).toHaveLength(2);
    expect(requestsTo(context.receiver.requests, 'new')).toHaveLength(0);
    // Nest's loggers write to the application created last: look at both.
    const warnings = [...v1.warnings, ...v2.warnings];
    expect(warnings.filter((warning) => warning.includes('"new" has a transformation function'))).toHaveLength(1);

    await makeDue(v2);
    await v2.relay.runOnce();
    const sent = requestsTo(context.receiver.requests, 'new');
    expect(sent.map((request) => JSON.parse(request.body))).toEqual([
      { only: 'order.created' },
      { only: 'order.created' },
    ]);
    expect((await deliveriesOf(v2, 'new')).map(({ status }) => status)).toEqual(['succeeded', 'succeeded']);
  });

  it('lists on a v1 instance the endpoint only v2 declares, as from options and not editable at runtime', async () => {
    const v1 = await context.start(config('v1'));
    await context.startAnother(config('v2'));
    const endpoints = v1.app.get(WebhookEndpoints);

    const listed = await endpoints.list();
    expect(listed.map(({ id, source }) => [id, source])).toEqual([
      ['keep', 'options'],
      ['old', 'options'],
      ['new', 'options'],
    ]);
    await expect(endpoints.update('new', { description: 'changed' })).rejects.toBeInstanceOf(WebhookValidationError);
    await expect(endpoints.delete('new')).rejects.toBeInstanceOf(WebhookValidationError);
  });
});
