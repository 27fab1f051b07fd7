import type { Context, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, type OpenTelemetryApi, openTelemetry } from './open-telemetry.js';
import { contextFromStored, storedTraceContext, traceHeadersOf } from './w3c-trace-context.js';

/** The context key of the OpenTelemetry SDK's "suppress tracing" flag (`@opentelemetry/core`'s suppressTracing). */
const SUPPRESS_TRACING = 'OpenTelemetry SDK Context Key SUPPRESS_TRACING';

let suppressKey: symbol | undefined;

/** `server.address` and `server.port` of each endpoint URL, parsed once (endpoints are few, attempts many). */
const servers = new Map<string, { hostname: string; port: number }>();

function serverOf(endpointUrl: string): { hostname: string; port: number } {
  let server = servers.get(endpointUrl);
  if (!server) {
    const url = new URL(endpointUrl);
    server = { hostname: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
    if (servers.size >= 10_000) servers.clear();
    servers.set(endpointUrl, server);
  }
  return server;
}

/** The package's tracer, got once per global tracer provider (registering another SDK replaces the provider). */
let tracer: { provider: TracerProvider; tracer: Tracer } | undefined;

function tracerOf(otel: OpenTelemetryApi): Tracer {
  const provider = otel.trace.getTracerProvider();
  if (tracer?.provider !== provider) tracer = { provider, tracer: provider.getTracer(INSTRUMENTATION_SCOPE) };
  return tracer.tracer;
}

/** A `create` span around writing events to the outbox, and the trace context to store with them. */
export interface CaptureSpan {
  /** `traceparent` (and `tracestate`) to store with each event. */
  traceContext: string;
  end(error?: unknown): void;
}

/**
 * Starts the capture span (`create <type>`, PRODUCER), a child of the active context (the user's request, say), when
 * an OpenTelemetry SDK records it. `undefined` otherwise: nothing is stored, and nothing costs.
 */
export function startCaptureSpan(events: ReadonlyArray<{ id: string; type: string }>): CaptureSpan | undefined {
  const otel = openTelemetry();
  if (!otel) return undefined;
  const types = new Set(events.map((event) => event.type));
  const destination = types.size === 1 ? events[0]!.type : undefined;
  const span = tracerOf(otel).startSpan(destination ? `create ${destination}` : 'create', {
    kind: otel.SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'webhook',
      'messaging.operation.type': 'create',
      'messaging.operation.name': 'create',
      ...(destination && { 'messaging.destination.name': destination }),
      ...(events.length === 1
        ? { 'messaging.message.id': events[0]!.id }
        : { 'messaging.batch.message_count': events.length }),
    },
  });
  if (!span.isRecording()) {
    span.end();
    return undefined;
  }
  return {
    traceContext: storedTraceContext(span.spanContext()),
    end(error?: unknown) {
      if (error !== undefined) recordFailure(span, error);
      span.end();
    },
  };
}

/** What an attempt span needs to know about the delivery and the endpoint. */
export interface AttemptSpanFacts {
  deliveryId: string;
  webhookId: string;
  eventType: string;
  endpointId: string;
  /** The endpoint's URL, as configured (never the request's, which carries a GET's data). */
  url: string;
  method: string;
  attemptNumber: number;
  /** The trace context stored with the event at capture. */
  traceContext: string | null;
  /** Whether the endpoint takes trace headers. */
  traceHeaders: boolean;
}

/**
 * One delivery attempt as an HTTP CLIENT span (named by the method, with the HTTP semantic conventions' attributes
 * and the messaging ones that identify the webhook), a child of the captured context, so the attempt continues the
 * trace of the change that produced the event.
 */
export class AttemptSpan {
  private constructor(
    private readonly span: Span,
    private readonly context: Context,
    private readonly traceHeaders: boolean,
  ) {}

  /** Starts the span, when an OpenTelemetry SDK records it. */
  static start(facts: AttemptSpanFacts): AttemptSpan | undefined {
    const otel = openTelemetry();
    if (!otel) return undefined;
    const parent = contextFromStored(otel, facts.traceContext);
    const { hostname, port } = serverOf(facts.url);
    const span = tracerOf(otel).startSpan(
      facts.method,
      {
        kind: otel.SpanKind.CLIENT,
        attributes: {
          'http.request.method': facts.method,
          'url.full': facts.url,
          'server.address': hostname,
          'server.port': port,
          ...(facts.attemptNumber > 1 && { 'http.request.resend_count': facts.attemptNumber - 1 }),
          'messaging.system': 'webhook',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.message.id': facts.webhookId,
          'messaging.destination.name': facts.endpointId,
          'webhook.delivery.id': facts.deliveryId,
          'webhook.event.type': facts.eventType,
        },
      },
      parent,
    );
    if (!span.isRecording()) {
      span.end();
      return undefined;
    }
    return new AttemptSpan(span, otel.trace.setSpan(parent, span), facts.traceHeaders);
  }

  /** Headers that continue the trace at the receiver: `traceparent` (and `tracestate`), unless the endpoint opts out. */
  headers(): Record<string, string> {
    return this.traceHeaders ? traceHeadersOf(this.span.spanContext()) : {};
  }

  /**
   * Runs the request in this span's context with tracing suppressed below it: an HTTP instrumentation would
   * otherwise add a second CLIENT span and replace (or, for an endpoint that opted out, add) the trace headers.
   * `inContext: false` (a built-in transport, and nothing replaced Node's HTTP client) runs it as it is: entering a
   * context turns on AsyncLocalStorage's promise hooks for the whole process on Node 20.
   */
  run<T>(send: () => Promise<T>, inContext = true): Promise<T> {
    if (!inContext) return send();
    const otel = openTelemetry()!;
    suppressKey ??= otel.createContextKey(SUPPRESS_TRACING);
    return otel.context.with(this.context.setValue(suppressKey, true), send);
  }

  /** Ends the span with the exchange's result: a status code, or no response and why. */
  end(statusCode: number | null, errorType: string | null, error: string | null): void {
    const otel = openTelemetry()!;
    if (statusCode !== null) this.span.setAttribute('http.response.status_code', statusCode);
    if (errorType !== null) {
      this.span.setAttribute('error.type', errorType);
      this.span.setStatus({ code: otel.SpanStatusCode.ERROR, ...(error !== null && { message: error }) });
    }
    this.span.end();
  }
}

function recordFailure(span: Span, error: unknown): void {
  const otel = openTelemetry()!;
  span.setAttribute('error.type', (error as Error)?.name ?? '_OTHER');
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
}
