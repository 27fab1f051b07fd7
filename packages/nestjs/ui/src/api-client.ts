/** Where the admin API is: the dashboard is served at `<path>/ui/` (its <base>), the API at `<path>/`. */
const API = new URL('../', document.baseURI);

const TOKEN_KEY = 'webhook-outbox.admin-token';

/** The bearer token, asked for once per browser session (kept in sessionStorage, gone with the tab). */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The API refused the token (401/403): the page asks for it again. */
export class Unauthorized extends Error {}

/** A JSON call to the admin API with the session's token. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, API), {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 401 || response.status === 403) throw new Unauthorized(`HTTP ${response.status}`);
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(data?.message ? String(data.message) : `HTTP ${response.status}`);
  return data as T;
}

// The API's shapes are the server's own types, imported for their types only (nothing of the server is bundled):
// a change on the server that the page does not follow fails the page's type check, not a customer's browser.
import type {
  WebhookAttemptBucket,
  WebhookDeliveryDetails,
  WebhookDeliveryStats,
  WebhookDeliverySummary,
  WebhookEndpointFailureCount,
  WebhookEndpointStatus,
  WebhookEventTypeInfo,
  WebhookLatencyPercentiles,
} from '../../src/index.js';
import type { WebhookSentRequest } from '../../src/relay/sent-request.preview.js';

/** What JSON makes of a server type: its data, no methods. */
type Json<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export type Stats = WebhookDeliveryStats;
export type EndpointStatus = Json<WebhookEndpointStatus>;
export type DeliverySummary = Json<WebhookDeliverySummary>;
export type Attempt = Json<WebhookDeliveryDetails['attemptLog'][number]>;
export type SentRequest = WebhookSentRequest;
/** A delivery's page: the delivery, and what its latest attempt sent (`null` when the endpoint is gone). */
export type DeliveryDetails = Json<WebhookDeliveryDetails> & { request: SentRequest | null };
export type AttemptBucket = WebhookAttemptBucket;
export type LatencyPercentiles = WebhookLatencyPercentiles;
export type EndpointFailureCount = WebhookEndpointFailureCount;
export type EventTypeInfo = WebhookEventTypeInfo;
