import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { DeliveryRequestChanges } from '../outbox/outbox-store.js';
import { buildWebhookRequest, payloadFor, withRequestChanges } from './webhook-request.builder.js';
import { elideSentHeaders } from './sent-request.elision.js';

/** A request as the relay sends it, with its signature and credential values elided. */
export interface WebhookSentRequest {
  /** The HTTP method: `POST` with a body, or `GET` with the event in the query. */
  method: 'GET' | 'POST';
  /** The URL, with the query of a `GET`. */
  url: string;
  /** Every header by name; signature, credential and custom header values elided. */
  headers: Record<string, string>;
  /** `null` for GET, whose data is in the URL's query. */
  body: string | null;
}

/**
 * The request an attempt of this delivery would send at `at`, rebuilt by the code that builds the real one (for a
 * delivery not attempted yet; an attempt stores what it sent): method, URL, headers and body as the endpoint is
 * configured now, elided by `elideSentHeaders`. A `traceparent` is added to real requests when tracing is on.
 */
export function previewSentRequest(
  endpoint: ResolvedWebhookEndpoint,
  delivery: { eventId: string; payload: string; sourceId: string | null; request: string | null; transformed: boolean },
  at: number,
): WebhookSentRequest {
  const changes = delivery.request === null ? null : (JSON.parse(delivery.request) as DeliveryRequestChanges);
  const body = delivery.transformed ? delivery.payload : payloadFor(endpoint, delivery.payload, delivery.sourceId);
  const request = buildWebhookRequest(withRequestChanges(endpoint, changes), delivery.eventId, body, at, {
    timeout: 0,
    responseExcerptBytes: 0,
  });
  return {
    method: request.method,
    url: request.url,
    headers: elideSentHeaders(request.headers, endpoint.headers),
    body: request.body ?? null,
  };
}
