import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Variables that say "trace this process" in the OpenTelemetry SDK's own configuration. */
const TRACING_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];

/** The metrics `GET /metrics` serves, in Prometheus's text format; read on each scrape. */
export const prometheusReader = new PrometheusExporter({ preventServerStart: true });

/**
 * Metrics always (a Prometheus reader behind `GET /metrics`); traces when a standard OpenTelemetry variable asks for
 * them (`OTEL_TRACES_EXPORTER=console`, an OTLP endpoint, ...), through the Node SDK with HTTP instrumentation, so a
 * `traceparent` sent with `POST /orders` continues to the webhooks the shop sends. Runs before the HTTP platform is
 * loaded (main.ts imports this file first): the instrumentation patches `http` as it is required.
 */
export function startOpenTelemetry(env: NodeJS.ProcessEnv = process.env): NodeSDK | undefined {
  if (!TRACING_VARIABLES.some((name) => env[name])) {
    ensureMetrics();
    return undefined;
  }
  // The SDK would otherwise also export metrics and logs over OTLP by default: the metrics go to Prometheus here.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'sample-shop',
    metricReaders: [prometheusReader],
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  metricsReady = true;
  return sdk;
}

let metricsReady = false;

/** Gives `GET /metrics` its meter provider if telemetry was not started (an app created in a test, say). */
export function ensureMetrics(): void {
  if (metricsReady) return;
  metricsReady = true;
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheusReader] }));
}
