import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  generateWebhookSecret,
  WEBHOOK_DELIVERY_CHANNELS,
  type WebhookDeliveryEvent,
  WebhookDeliveryEvents,
  WebhookEndpoints,
} from '@webhook-outbox/nestjs';
import { describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';
import type { WebhookTestApp } from './support/webhook-test-app.js';

const secret = generateWebhookSecret();

/** Every delivery event the app reports on `events$`, in order. */
function record(app: WebhookTestApp): WebhookDeliveryEvent[] {
  const seen: WebhookDeliveryEvent[] = [];
  app.app.get(WebhookDeliveryEvents).events$.subscribe((event) => seen.push(event));
  return seen;
}

const kinds = (events: WebhookDeliveryEvent[]) => events.map((event) => event.kind);

describe.each(DATABASE_KINDS)('delivery events on %s', (kind) => {
  const context = useWebhookTestContext(kind);

  it('reports a saved order from capture, after its commit, to its successful delivery', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const seen = record(app);
    let capturedBeforeCommit = -1;
    await app.dataSource.transaction(async (manager) => {
      await manager.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
      capturedBeforeCommit = seen.length;
    });
    expect(capturedBeforeCommit).toBe(0);
    const captured = seen.find((event) => event.kind === 'event.captured');
    expect(captured).toMatchObject({ type: 'order.created', tenant: null, webhookId: expect.stringMatching(/^msg_/) });

    await app.relay.runOnce();

    expect(kinds(seen)).toEqual([
      'event.captured',
      'events.fanned-out',
      'attempt.started',
      'attempt.finished',
      'delivery.succeeded',
    ]);
    const webhookId = context.receiver.requests[0]!.headers['webhook-id'];
    expect(captured!.webhookId).toBe(webhookId);
    expect(seen[1]).toMatchObject({ events: 1, deliveries: 1 });
    expect(seen[2]).toMatchObject({ webhookId, endpointId: 'erp', eventType: 'order.created', attemptNumber: 1 });
    expect(seen[3]).toMatchObject({ outcome: 'succeeded', statusCode: 200, errorType: null, error: null });
    expect((seen[3] as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports nothing captured for a transaction that rolls back', async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));
    const seen = record(app);
    await expect(
      app.dataSource.transaction(async (manager) => {
        await manager.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await app.relay.runOnce();
    expect(seen).toEqual([]);
  });

  it('reports a failed attempt with its class, the retry it schedules, and a pause asked for by a 503', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    context.receiver.respondWith(() => ({ status: 503 }));
    const seen = record(app);
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await app.relay.runOnce();

    const finished = seen.find((event) => event.kind === 'attempt.finished');
    expect(finished).toMatchObject({ outcome: 'failed', statusCode: 503, errorType: '503', error: 'HTTP 503' });
    const retry = seen.find((event) => event.kind === 'delivery.retry-scheduled');
    expect(retry).toMatchObject({ endpointId: 'erp', attemptNumber: 1, nextAttemptAt: expect.any(Number) });
    expect(seen.find((event) => event.kind === 'endpoint.paused')).toMatchObject({
      endpointId: 'erp',
      until: expect.any(Number),
    });
  });

  it('reports an endpoint disabled by a 410 and enabled again by an operator, and the delivery failed', async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    context.receiver.respondWith(() => ({ status: 410 }));
    const seen = record(app);
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await app.relay.runOnce();
    await app.app.get(WebhookEndpoints).enable('erp');

    expect(seen.find((event) => event.kind === 'endpoint.disabled')).toMatchObject({ endpointId: 'erp' });
    expect(seen.find((event) => event.kind === 'delivery.failed')).toMatchObject({
      endpointId: 'erp',
      reason: expect.any(String),
    });
    expect(seen.at(-1)).toMatchObject({ kind: 'endpoint.enabled', endpointId: 'erp' });
  });

  it('publishes the same facts on the named diagnostics channels', async () => {
    const app = await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));
    const published: Array<{ name: string; message: unknown }> = [];
    const listeners = Object.values(WEBHOOK_DELIVERY_CHANNELS).map((name) => {
      const listener = (message: unknown) => published.push({ name, message });
      subscribe(name, listener);
      return { name, listener };
    });
    try {
      await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
      await app.relay.runOnce();
    } finally {
      for (const { name, listener } of listeners) unsubscribe(name, listener);
    }
    expect(published.map(({ name }) => name)).toEqual([
      'webhook-outbox:event.captured',
      'webhook-outbox:events.fanned-out',
      'webhook-outbox:attempt.started',
      'webhook-outbox:attempt.finished',
      'webhook-outbox:delivery.succeeded',
    ]);
    expect(published[3]!.message).toMatchObject({ kind: 'attempt.finished', statusCode: 200 });
  });

  it("logs a delivery that failed for good with its facts as fields, for a JSON logger's sake", async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    context.receiver.respondWith(() => ({ status: 410 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce();

    const failed = app.records.find((entry) => entry.level === 'warn' && String(entry.message).includes('failed ('));
    expect(failed?.fields).toEqual({
      deliveryId: expect.stringMatching(/^dlv_/),
      webhookId: context.receiver.requests[0]!.headers['webhook-id'],
      endpointId: 'erp',
      eventType: 'order.created',
      attemptNumber: 1,
      statusCode: 410,
      reason: expect.any(String),
    });
    const disabled = app.records.find((entry) => String(entry.message).startsWith('Endpoint erp disabled'));
    expect(disabled?.fields).toEqual({ endpointId: 'erp', reason: expect.any(String) });
  });
});
