/**
 * B9 observability: the relay draining due deliveries with the OpenTelemetry SDK registered (every attempt a recorded
 * span, batched to an exporter that drops them; the metrics collected at the end) and a subscriber on both the
 * delivery events stream and a diagnostics channel, against the same without any of them, in interleaved rounds:
 * through node-http to a local receiver process (what an application sees), and through an in-process transport
 * that answers at once (no HTTP: the relay's own work alone, where any overhead shows most).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context as otelContext, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { WEBHOOK_DELIVERY_CHANNELS, WebhookDeliveryEvents } from '@webhook-outbox/nestjs';
import { OnDemandReader } from '../test/support/telemetry-sdk.js';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillDeliveries } from './support/prefill.js';
import { ReceiverProcess } from './support/receiver-process.js';

const ROUNDS = 5;

/** Exports nowhere: the spans are recorded, processed and batched as with any exporter, then dropped. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** The SDK as an application registers it; returns how to take it down again. */
function registerSdk(): { spans: DroppingExporter; reader: OnDemandReader; shutdown(): Promise<void> } {
  const spans = new DroppingExporter();
  const reader = new OnDemandReader();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spans })] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  otelContext.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans,
    reader,
    async shutdown() {
      await tracerProvider.forceFlush();
      trace.disable();
      metrics.disable();
      otelContext.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** Deliveries per second of the relay draining `count` due deliveries, with or without the observers. */
async function drain(
  context: BenchContext,
  count: number,
  observed: boolean,
  receiver?: ReceiverProcess,
): Promise<number> {
  const url = receiver ? `${receiver.url}/hooks` : 'https://receiver.example/hooks';
  const endpoints = [{ id: 'null', url, secret: context.secret }];
  const relay = { batchSize: 100, concurrency: 64, endpointConcurrency: 64 };
  const setup = await benchApp(context, { endpoints, relay: { ...relay, enabled: false } });
  await prefillDeliveries(setup.dataSource, count, 'null');
  await setup.close();

  const sdk = observed ? registerSdk() : undefined;
  let seen = 0;
  const onChannel = () => void seen++;
  if (observed) subscribe(WEBHOOK_DELIVERY_CHANNELS['attempt.finished'], onChannel);
  const transport = new NullTransport();
  const delivery = receiver
    ? { transport: 'node-http' as const, allowHttp: true, allowPrivateNetworks: true }
    : { transport };
  const app = await benchApp(
    context,
    { endpoints, relay: { ...relay, enabled: false }, delivery },
    { keepTables: true },
  );
  const subscription = observed ? app.app.get(WebhookDeliveryEvents).events$.subscribe(() => void seen++) : undefined;
  try {
    const before = receiver ? await receiver.received() : 0;
    app.orchestrator.start();
    let rate: number;
    if (receiver) {
      await receiver.until(before + count);
      rate = await receiver.rate(count);
    } else {
      await transport.until(count);
      rate = (count - 1) / ((performance.now() - transport.firstSentAt!) / 1000);
    }
    if (sdk) {
      await sdk.reader.collect();
      if (seen === 0) throw new Error('the observers saw nothing');
    }
    return rate;
  } finally {
    subscription?.unsubscribe();
    if (observed) unsubscribe(WEBHOOK_DELIVERY_CHANNELS['attempt.finished'], onChannel);
    await app.relay.settled();
    await app.close();
    await sdk?.shutdown();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function figure(context: BenchContext, count: number, receiver?: ReceiverProcess): Promise<Figure> {
  const plain: number[] = [];
  const observed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await drain(context, count, false, receiver));
    observed.push(await drain(context, count, true, receiver));
  }
  const value = median(observed);
  const baseline = median(plain);
  const how = receiver ? 'node-http to a local receiver' : 'in-process transport, no HTTP';
  return {
    id: 'B9',
    what: `relay drain of ${count.toLocaleString('en')} deliveries (${how}) with the OpenTelemetry SDK (a span per attempt, metrics) and subscribers on the events stream and a diagnostics channel (median of ${ROUNDS} interleaved rounds)`,
    database: context.kind,
    value,
    unit: 'deliveries/s',
    baseline: { what: 'the same with no SDK and no subscriber', value: baseline },
    target: { text: '≥0.9×', met: value / baseline >= 0.9 },
  };
}

export async function observabilityOverhead(context: BenchContext, count: number): Promise<Figure[]> {
  const receiver = await ReceiverProcess.start();
  try {
    return [await figure(context, count, receiver), await figure(context, count)];
  } finally {
    await receiver.stop();
  }
}
