import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { generateWebhookSecret, WebhookEventEntity } from '@webhook-outbox/nestjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { TelemetrySdk } from './support/telemetry-sdk.js';
import { DATABASE_KINDS } from './support/test-databases.js';
import { ManualClock } from './support/webhook-test-app.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const sdk = TelemetrySdk.register();
const tracer = trace.getTracer('the application');

describe.each(DATABASE_KINDS)('tracing and metrics with the OpenTelemetry SDK on %s', (kind) => {
  const context = useWebhookTestContext(kind);
  beforeEach(() => sdk.spans.reset());

  it("continues the producer's trace: a create span in the user's transaction, the attempt as its child, and the receiver's traceparent", async () => {
    const app = await context.start((url) => ({ endpoints: [{ id: 'erp', url, secret }], relay: { enabled: false } }));
    const request = await tracer.startActiveSpan('POST /orders', async (span) => {
      await app.dataSource.transaction((manager) =>
        manager.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 }),
      );
      span.end();
      return span.spanContext();
    });

    await app.relay.runOnce();

    const create = sdk.finishedSpans().find((span) => span.name === 'create order.created')!;
    expect(create.kind).toBe(SpanKind.PRODUCER);
    expect(create.spanContext().traceId).toBe(request.traceId);
    expect(create.parentSpanContext?.spanId).toBe(request.spanId);
    const [event] = await app.dataSource.getRepository(WebhookEventEntity).find();
    expect(create.attributes).toMatchObject({
      'messaging.message.id': event!.id,
      'messaging.operation.type': 'create',
    });
    expect(event!.traceContext).toBe(`00-${request.traceId}-${create.spanContext().spanId}-01`);

    const attempt = sdk.finishedSpans().find((span) => span.kind === SpanKind.CLIENT)!;
    expect(attempt.name).toBe('POST');
    expect(attempt.spanContext().traceId).toBe(request.traceId);
    expect(attempt.parentSpanContext?.spanId).toBe(create.spanContext().spanId);
    const url = new URL(context.receiver.url);
    expect(attempt.attributes).toEqual(
      expect.objectContaining({
        'http.request.method': 'POST',
        'url.full': context.receiver.url,
        'server.address': url.hostname,
        'server.port': Number(url.port),
        'http.response.status_code': 200,
        'messaging.message.id': event!.id,
        'messaging.destination.name': 'erp',
      }),
    );
    expect(attempt.attributes['error.type']).toBeUndefined();
    expect(context.receiver.requests[0]!.headers.traceparent).toBe(
      `00-${request.traceId}-${attempt.spanContext().spanId}-01`,
    );
  });

  it('marks a failed attempt as an error with its error.type, and counts the resend of a retry', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({ endpoints: [{ url, secret }], relay: { enabled: false }, retry: { initialDelay: 1_000, jitter: 0 } }),
      { clock },
    );
    context.receiver.respondWith((_request, n) => ({ status: n === 1 ? 500 : 200 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });

    await app.relay.runOnce();
    clock.advance(1_000);
    await app.relay.runOnce();

    const [first, second] = sdk.finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(first!.status.code).toBe(SpanStatusCode.ERROR);
    expect(first!.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
    expect(first!.attributes['http.request.resend_count']).toBeUndefined();
    expect(second!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(second!.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
  });

  it('sends no trace headers to an endpoint that opted out, and still traces the attempt', async () => {
    const app = await context.start((url) => ({
      endpoints: [{ url, secret, traceHeaders: false }],
      relay: { enabled: false },
    }));
    await tracer.startActiveSpan('job', async (span) => {
      await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
      span.end();
    });
    await app.relay.runOnce();
    expect(context.receiver.requests[0]!.headers.traceparent).toBeUndefined();
    expect(sdk.finishedSpans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(1);
  });

  it('counts attempts by endpoint and outcome, with their duration and the lag from commit to first attempt', async () => {
    // The SDK's metrics are cumulative over this file's tests: what this test adds is the difference.
    const sum = async (name: string, attributes: Record<string, string> = {}) =>
      (await sdk.points(name))
        .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
        .reduce(
          (total, point) => total + (typeof point.value === 'number' ? point.value : (point.value as Histogram).count),
          0,
        );
    const measure = () =>
      Promise.all([
        sum('webhook.attempts', { 'messaging.destination.name': 'billing', 'webhook.outcome': 'succeeded' }),
        sum('webhook.attempts', {
          'messaging.destination.name': 'billing',
          'webhook.outcome': 'failed',
          'error.type': '500',
        }),
        sum('webhook.attempt.duration', { 'messaging.destination.name': 'billing' }),
        sum('webhook.delivery.lag', { 'messaging.destination.name': 'billing' }),
      ]);
    const app = await context.start((url) => ({
      endpoints: [{ id: 'billing', url, secret }],
      relay: { enabled: false },
    }));
    context.receiver.respondWith((_request, n) => ({ status: n === 1 ? 200 : 500 }));
    const before = await measure();
    await app.dataSource.getRepository(ShopOrder).save([
      { customer: 'Ada', total: 1 },
      { customer: 'Bob', total: 2 },
    ]);
    await app.relay.runOnce();

    const after = await measure();
    expect(after.map((value, index) => value - before[index]!)).toEqual([1, 1, 2, 2]);
  });

  it('reports the backlog and each endpoint state as gauges, read when collected', async () => {
    const clock = new ManualClock();
    const app = await context.start(
      (url) => ({
        endpoints: [
          { id: 'erp', url, secret },
          { id: 'crm', url: `${url}/crm`, secret },
        ],
        relay: { enabled: false },
      }),
      { clock },
    );
    context.receiver.respondWith((request) => ({ status: request.url.endsWith('/crm') ? 503 : 200 }));
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
    await app.relay.runOnce(); // erp: delivered; crm: 503, paused, its retry pending
    await app.dataSource.getRepository(ShopOrder).save({ customer: 'Bob', total: 1 }); // not fanned out yet
    clock.advance(120_000); // past the pause and the retry's time

    const value = async (name: string) => (await sdk.points(name))[0]?.value;
    expect(await value('webhook.events.unfanned')).toBe(1);
    expect(await value('webhook.deliveries.pending')).toBe(1);
    expect(await value('webhook.deliveries.due')).toBe(1);
    expect(await value('webhook.deliveries.oldest_due.age')).toBeGreaterThan(0);

    clock.advance(-120_000); // back inside crm's pause
    const states = await sdk.points('webhook.endpoint.state');
    const stateOf = (endpoint: string) =>
      states.find((point) => point.attributes['messaging.destination.name'] === endpoint && point.value === 1)
        ?.attributes['webhook.endpoint.state'];
    expect(stateOf('erp')).toBe('active');
    expect(stateOf('crm')).toBe('paused');
  });
});
