import { createRequire } from 'node:module';
import http from 'node:http';
import { SpanKind, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { generateWebhookSecret } from '@webhook-outbox/nestjs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ShopOrder } from './support/shop-order.entity.js';
import { TelemetrySdk } from './support/telemetry-sdk.js';
import { useWebhookTestContext } from './support/webhook-test-context.js';

const secret = generateWebhookSecret();
const sdk = TelemetrySdk.register();
const tracer = trace.getTracer('the application');
// The instrumentation patches `http` when it is required after it is enabled, as in an application that starts the
// SDK first (Vitest runs each file in its own process, so no other file sees the patch).
const instrumentation = new HttpInstrumentation();
createRequire(import.meta.url)('node:http');
afterAll(() => instrumentation.disable());

describe.each(['node-http', 'axios'] as const)('the relay under an HTTP instrumentation, transport %s', (transport) => {
  const context = useWebhookTestContext('sqlite');
  beforeEach(() => sdk.spans.reset());

  /** Saves an order inside an application span and delivers its webhook through `transport`. */
  async function deliverOneOrder({ traceHeaders }: { traceHeaders: boolean }): Promise<void> {
    const app = await context.start((url) => ({
      endpoints: [{ url, secret, traceHeaders }],
      relay: { enabled: false },
      delivery: { transport },
    }));
    await tracer.startActiveSpan('POST /orders', async (span) => {
      await app.dataSource.getRepository(ShopOrder).save({ customer: 'Ada', total: 1 });
      span.end();
    });
    await app.relay.runOnce();
  }

  it("traces a request of the application's own (the instrumentation is active)", async () => {
    await context.start((url) => ({ endpoints: [{ url, secret }], relay: { enabled: false } }));
    await new Promise<void>((resolve, reject) => {
      http.get(context.receiver.url, (response) => response.resume().on('end', resolve)).on('error', reject);
    });

    expect(sdk.finishedSpans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(1);
  });

  it('makes each attempt one CLIENT span, whose traceparent the receiver gets', async () => {
    await deliverOneOrder({ traceHeaders: true });

    const clients = sdk.finishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(clients.map((span) => span.instrumentationScope.name)).toEqual(['@webhook-outbox/nestjs']);
    const { traceId, spanId } = clients[0]!.spanContext();
    expect(context.receiver.requests[0]!.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('sends no trace headers to an endpoint that opted out', async () => {
    await deliverOneOrder({ traceHeaders: false });

    expect(context.receiver.requests[0]!.headers.traceparent).toBeUndefined();
    expect(sdk.finishedSpans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(1);
  });
});
