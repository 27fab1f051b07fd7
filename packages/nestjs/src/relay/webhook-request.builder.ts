import { signStandardWebhook } from '@webhook-outbox/signature';
import type { ResolvedWebhookEndpoint, WebhookBodyFormat } from '../options/webhook-endpoint.options.js';
import { encodeWebhookQuery } from './query-string.encoder.js';
import { xmlBody } from './xml-body.encoder.js';
import type { OutgoingWebhookRequest } from '../options/webhook-transport.js';
import type { DeliveryRequestChanges } from '../outbox/outbox-store.js';

const USER_AGENT = 'webhook-outbox/0.1';

const CONTENT_TYPES: Record<WebhookBodyFormat, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  xml: 'application/xml',
};

/** The secrets that sign at `now`: the current one, and a rotated-out one until its overlap ends. */
function liveSecrets(endpoint: ResolvedWebhookEndpoint, now: number): string[] {
  return endpoint.secrets.filter(({ expiresAt }) => expiresAt === null || expiresAt > now).map(({ secret }) => secret);
}

/**
 * The body a `thin` endpoint receives: the event's type and time, and only the id of the entity it is about (`{}` for
 * an event not about an entity), so the receiver fetches what it is allowed to see.
 */
export function thinPayload(payload: string, sourceId: string | null): string {
  const { type, timestamp } = JSON.parse(payload) as { type: string; timestamp: string };
  return JSON.stringify({ type, timestamp, data: sourceId === null ? {} : { id: sourceId } });
}

/** The endpoint as one delivery's request goes out: with the method and extra headers its transformation chose. */
export function withRequestChanges(
  endpoint: ResolvedWebhookEndpoint,
  changes: DeliveryRequestChanges | null,
): ResolvedWebhookEndpoint {
  if (!changes || (changes.method === undefined && changes.headers === undefined)) return endpoint;
  return {
    ...endpoint,
    method: changes.method ?? endpoint.method,
    headers: { ...endpoint.headers, ...changes.headers },
  };
}

/** What an endpoint is sent for an event's stored body: the body itself, or its thin form for a `thin` endpoint. */
export function payloadFor(endpoint: ResolvedWebhookEndpoint, payload: string, sourceId: string | null): string {
  return endpoint.payloadFormat === 'thin' ? thinPayload(payload, sourceId) : payload;
}

/** Builds the signed request for one attempt. The timestamp is the attempt's, so retries pass the receiver's tolerance. */
export function buildWebhookRequest(
  endpoint: ResolvedWebhookEndpoint,
  messageId: string,
  payload: string,
  now: number,
  limits: { timeout: number; responseExcerptBytes: number },
): OutgoingWebhookRequest {
  const timestamp = Math.floor(now / 1000);
  const secret = liveSecrets(endpoint, now);
  if (endpoint.method === 'GET') {
    const url = new URL(endpoint.url);
    url.hash = '';
    const ours = encodeWebhookQuery(JSON.parse(payload));
    // The signature covers the whole query string as sent, including any parameters already in the endpoint URL.
    const query = url.search.length > 1 ? `${url.search.slice(1)}&${ours}` : ours;
    const target = `${url.origin}${url.pathname}?${query}`;
    return {
      method: 'GET',
      url: target,
      headers: {
        ...endpoint.headers,
        'user-agent': USER_AGENT,
        ...signStandardWebhook({ id: messageId, timestamp, payload: query, secret }),
      },
      ...limits,
    };
  }
  // A form body carries the same flattened fields as a GET query; the signature covers the body as sent.
  const body =
    endpoint.bodyFormat === 'form'
      ? encodeWebhookQuery(JSON.parse(payload))
      : endpoint.bodyFormat === 'xml'
        ? xmlBody(payload)
        : payload;
  return {
    method: 'POST',
    url: endpoint.url,
    headers: {
      ...endpoint.headers,
      'content-type': CONTENT_TYPES[endpoint.bodyFormat],
      'user-agent': USER_AGENT,
      ...signStandardWebhook({ id: messageId, timestamp, payload: body, secret }),
    },
    body,
    ...limits,
  };
}
