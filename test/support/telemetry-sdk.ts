import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A metric reader whose collection the caller asks for (tests and the B9 benchmark). */
export class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * The real OpenTelemetry SDK, registered globally for this test file (Vitest runs each file in its own process): an
 * in-memory span exporter and a metric reader collected on demand.
 */
export class TelemetrySdk {
  readonly spans = new InMemorySpanExporter();
  private readonly reader = new OnDemandReader();
  private readonly tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: this.spans })],
  });
  private readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  static register(): TelemetrySdk {
    const sdk = new TelemetrySdk();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    return sdk;
  }

  finishedSpans(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  /** The data points of a metric, collected now. */
  async points(name: string): Promise<DataPoint<number | Histogram>[]> {
    const { resourceMetrics } = await this.reader.collect();
    return metricsNamed(resourceMetrics, name);
  }
}

function metricsNamed(resourceMetrics: ResourceMetrics, name: string): DataPoint<number | Histogram>[] {
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<number | Histogram>[]);
}
