import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { DeliveryRequestChanges } from '../outbox/outbox-store.js';
import { buildWebhookRequest, payloadFor, withRequestChanges } from './webhook-request.builder.js';
import { MASKED_HEADER_VALUE } from '../endpoints/endpoint-headers.seal.js';

/** A request as the relay sends it, with its signature and credential values elided. */
export interface WebhookSentRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** `null` for GET, whose data is in the URL's query. */
  body: string | null;
}

/** Header names whose values are credentials of the receiver's (an endpoint's extra headers often carry one). */
const CREDENTIAL = /auth|cookie|token|secret|key|password|session/i;

export const ELIDED = MASKED_HEADER_VALUE;

/** `v1,abc= v1a,def=` → `v1,… v1a,…`: which schemes signed stays visible, the values do not. */
function elideSignatures(value: string): string {
  return value
    .split(' ')
    .map((signature) => `${signature.split(',')[0]},${ELIDED}`)
    .join(' ');
}

/**
 * The request an attempt of this delivery sends (sent) at `at`, rebuilt by the code that builds the real one, for
 * the delivery log: method, URL, headers and body as the endpoint is configured now, `webhook-signature` values,
 * the endpoint's custom header values and credential-like headers elided. A `traceparent` is added to real requests when tracing is on.
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
  // An endpoint's own headers are write-only, whatever their names: every value elided.
  const custom = new Set(Object.keys(endpoint.headers).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'webhook-signature') headers[name] = elideSignatures(value);
    else headers[name] = CREDENTIAL.test(name) || custom.has(name.toLowerCase()) ? ELIDED : value;
  }
  return { method: request.method, url: request.url, headers, body: request.body ?? null };
}
