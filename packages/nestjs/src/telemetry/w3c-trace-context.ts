import type { Context, SpanContext } from '@opentelemetry/api';
import type { OpenTelemetryApi } from './open-telemetry.js';

/** Longest trace context stored with an event (the column's length); a longer `tracestate` is dropped. */
const MAX_STORED = 1000;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` (and `tracestate`) of a span, as stored with an event and sent with a request. Written by
 * hand rather than through the application's propagator: the column and the header are W3C whatever else the
 * application propagates, and it works with no propagator registered.
 */
export function traceHeadersOf(span: SpanContext): { traceparent: string; tracestate?: string } {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${span.traceId}-${span.spanId}-${flags}`;
  const tracestate = span.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The stored form: `traceparent`, then `tracestate` after a space if it fits. */
export function storedTraceContext(span: SpanContext): string {
  const { traceparent, tracestate } = traceHeadersOf(span);
  const stored = tracestate ? `${traceparent} ${tracestate}` : traceparent;
  return stored.length <= MAX_STORED ? stored : traceparent;
}

/** The context a stored trace context continues, or the root context when there is none (or it is malformed). */
export function contextFromStored(otel: OpenTelemetryApi, stored: string | null): Context {
  if (!stored) return otel.ROOT_CONTEXT;
  const [traceparent, ...state] = stored.split(' ');
  const match = TRACEPARENT.exec(traceparent ?? '');
  if (!match) return otel.ROOT_CONTEXT;
  const span: SpanContext = {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: Number.parseInt(match[3]!, 16),
    isRemote: true,
    ...(state.length > 0 && { traceState: otel.createTraceState(state.join(' ')) }),
  };
  return otel.trace.isSpanContextValid(span) ? otel.trace.setSpanContext(otel.ROOT_CONTEXT, span) : otel.ROOT_CONTEXT;
}
