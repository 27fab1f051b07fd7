import { setTimeout as delay } from 'node:timers/promises';
import {
  generateWebhookSecret,
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEventEntity,
  type WebhookModuleOptions,
  WebhookPublisher,
  WebhookRetention,
} from '@webhook-outbox/nestjs';
import { WebhookInboxEntity } from '@webhook-outbox/nestjs/internal';
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock, type WebhookTestApp } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const DAY = 24 * 3_600_000;
const secret = generateWebhookSecret();

/** Three endpoints on one receiver: `ok` answers 200, `bad` 500 and is not retried, `slow` 500 and is retried. */
const options = (url: string, retention: WebhookModuleOptions['retention'] = {}): WebhookModuleOptions => ({
  endpoints: [
    { id: 'ok', url: `${url}/ok`, secret, eventTypes: ['invoice.paid'] },
    { id: 'bad', url: `${url}/bad`, secret, eventTypes: ['report.ready'] },
    { id: 'slow', url: `${url}/slow`, secret, eventTypes: ['audit.logged'] },
  ],
  eventTypes: ['invoice.paid', 'report.ready', 'audit.logged', 'nobody.listens'],
  relay: { enabled: false },
  retry: { retryIf: (failure) => failure.endpointId === 'slow' },
  retention: { enabled: false, ...retention },
});

function publish(app: WebhookTestApp, type: string): Promise<string> {
  return app.dataSource.transaction((manager) => app.app.get(WebhookPublisher).publish(manager, { type, data: {} }));
}

describe.each(DATABASE_KINDS)('retention on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('deletes finished deliveries, their attempts, events left without deliveries and inbox ids older than maxAge, and nothing else', async () => {
    const clock = new ManualClock();
    const app = await context.start((url) => options(url, { batchSize: 2 }), { clock });
    context.receiver.respondWith((request) => ({ status: request.url.endsWith('/ok') ? 200 : 500 }));
    const repository = <T extends object>(target: new () => T) => app.dataSource.getRepository(target);

    const oldSucceeded = await publish(app, 'invoice.paid');
    const oldFailed = await publish(app, 'report.ready');
    const oldPending = await publish(app, 'audit.logged');
    const oldUnrouted = await publish(app, 'nobody.listens');
    await app.relay.runOnce();
    // An old event no relay has fanned out yet (relays were down for a month): it must still be delivered.
    await repository(WebhookEventEntity).insert({
      id: 'msg_not_fanned_out',
      type: 'invoice.paid',
      payload: '{}',
      occurredAt: clock.now(),
      fannedOutAt: null,
      sourceEntity: null,
      sourceId: null,
      tenant: null,
    });
    await repository(WebhookInboxEntity).insert({ receiver: 'erp', webhookId: 'old', receivedAt: clock.now() });

    clock.advance(31 * DAY);
    const recent = await publish(app, 'invoice.paid');
    await app.relay.dispatch(); // fans out the recent event and the old one nobody had fanned out...
    await app.relay.settled();
    await repository(WebhookInboxEntity).insert({ receiver: 'erp', webhookId: 'recent', receivedAt: clock.now() });
    expect(await repository(WebhookDeliveryEntity).countBy({ status: 'pending' })).toBe(1); // only slow's, retrying

    expect(await app.app.get(WebhookRetention).prune()).toEqual({ deliveries: 2, attempts: 2, events: 3, inbox: 1 });

    const events = (await repository(WebhookEventEntity).find()).map((event) => event.id).sort();
    expect(events).toEqual([oldPending, recent, 'msg_not_fanned_out'].sort());
    expect(events).not.toContain(oldSucceeded);
    expect(events).not.toContain(oldFailed);
    expect(events).not.toContain(oldUnrouted);
    const deliveries = await repository(WebhookDeliveryEntity).find();
    expect(deliveries.map((d) => [d.endpointId, d.status]).sort()).toEqual([
      ['ok', 'succeeded'],
      ['ok', 'succeeded'],
      ['slow', 'pending'],
    ]);
    const attempts = await repository(WebhookAttemptEntity).find();
    expect(new Set(attempts.map((a) => a.deliveryId))).toEqual(
      new Set(deliveries.filter((d) => d.attempts > 0).map((d) => d.id)),
    );
    expect((await repository(WebhookInboxEntity).find()).map((row) => row.webhookId)).toEqual(['recent']);

    expect(await app.app.get(WebhookRetention).prune()).toEqual({ deliveries: 0, attempts: 0, events: 0, inbox: 0 });
  });

  it('prunes on its own schedule while the application runs, and not at all when disabled', async () => {
    const enabled = await context.start((url) => options(url, { enabled: true, interval: 50, maxAge: 1 }));
    await publish(enabled, 'invoice.paid');
    await enabled.relay.runOnce();
    const rows = async () => [
      await enabled.dataSource.getRepository(WebhookDeliveryEntity).count(),
      await enabled.dataSource.getRepository(WebhookEventEntity).count(),
    ];
    expect(await rows()).toEqual([1, 1]);
    // One scheduled run deletes the delivery, then the event it leaves: wait for both.
    const deadline = Date.now() + 5_000;
    while ((await rows()).some((count) => count > 0) && Date.now() < deadline) await delay(20);
    expect(await rows()).toEqual([0, 0]);
    await context.closeApp();

    const disabled = await context.start((url) => options(url, { enabled: false, interval: 50, maxAge: 1 }));
    await publish(disabled, 'invoice.paid');
    await disabled.relay.runOnce();
    await delay(300);
    expect(await disabled.dataSource.getRepository(WebhookDeliveryEntity).count()).toBe(1);
  });
});
