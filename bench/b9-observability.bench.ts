/**
 * B9 observability: the relay draining due deliveries through an in-process transport (no HTTP: what is left is the
 * relay's own work, where any overhead shows most) with the OpenTelemetry SDK registered (every attempt a recorded
 * span, batched to an exporter that drops them; the metrics collected at the end) and a subscriber on both the
 * delivery events stream and a diagnostics channel, against the same without any of them. Interleaved rounds.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { context as otelContext, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { WEBHOOK_DELIVERY_CHANNELS, WebhookDeliveryEvents } from '@webhook-outbox/nestjs';
import { benchApp, type BenchContext } from './support/bench-app.js';
import type { Figure } from './support/figures.js';
import { NullTransport } from './support/null-transport.js';
import { prefillDeliveries } from './support/prefill.js';

const ROUNDS = 3;

/** Exports nowhere: the spans are recorded, processed and batched as with any exporter, then dropped. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
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
async function drain(context: BenchContext, count: number, observed: boolean): Promise<number> {
  const endpoints = [{ id: 'null', url: 'https://receiver.example/hooks', secret: context.secret }];
  const relay = { batchSize: 100, concurrency: 64, endpointConcurrency: 64 };
  const setup = await benchApp(context, { endpoints, relay: { ...relay, enabled: false } });
  await prefillDeliveries(setup.dataSource, count, 'null');
  await setup.close();

  const sdk = observed ? registerSdk() : undefined;
  let seen = 0;
  const onChannel = () => void seen++;
  if (observed) subscribe(WEBHOOK_DELIVERY_CHANNELS['attempt.finished'], onChannel);
  const transport = new NullTransport();
  const app = await benchApp(
    context,
    { endpoints, relay: { ...relay, enabled: false }, delivery: { transport } },
    { keepTables: true },
  );
  const subscription = observed ? app.app.get(WebhookDeliveryEvents).events$.subscribe(() => void seen++) : undefined;
  try {
    app.orchestrator.start();
    await transport.until(count);
    const rate = (count - 1) / ((performance.now() - transport.firstSentAt!) / 1000);
    if (sdk) {
      await (await sdk.reader.collect()).resourceMetrics;
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

export async function observabilityOverhead(context: BenchContext, count: number): Promise<Figure> {
  const plain: number[] = [];
  const observed: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await drain(context, count, false));
    observed.push(await drain(context, count, true));
  }
  const value = median(observed);
  const baseline = median(plain);
  return {
    id: 'B9',
    what: `relay drain of ${count.toLocaleString('en')} deliveries, in-process transport, with the OpenTelemetry SDK (a span per attempt, metrics) and subscribers on the events stream and a diagnostics channel (median of ${ROUNDS} interleaved rounds)`,
    database: context.kind,
    value,
    unit: 'deliveries/s',
    baseline: { what: 'the same with no SDK and no subscriber', value: baseline },
    target: { text: '≥0.9×', met: value / baseline >= 0.9 },
  };
}
