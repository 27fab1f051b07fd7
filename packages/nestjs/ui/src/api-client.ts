/** Where the admin API is: the dashboard is served at `<path>/ui/` (its <base>), the API at `<path>/`. */
const API = new URL('../', document.baseURI);

const TOKEN_KEY = 'webhook-outbox.admin-token';

/** The bearer token, asked for once per browser session (kept in sessionStorage, gone with the tab). */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** One field the API refused, as its 400 answer lists them (`errors: [{ field, message }]`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The API answered with an error (or could not be reached: `status` 0). `message` is the API's own words;
 * `fields` the fields it refused, to be shown next to each.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: readonly FieldError[] = [],
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** What the API said about `field` (or a field inside it, such as `eventTypes[1]`), if anything. */
  fieldMessage(field: string): string | undefined {
    const found = this.fields.filter((error) => error.field === field || error.field.startsWith(`${field}[`));
    return found.length === 0 ? undefined : found.map((error) => error.message).join(' ');
  }
}

/** The API refused the token (401/403): the page asks for it again. */
export class Unauthorized extends ApiError {}

/** A JSON call to the admin API with the session's token. Throws `ApiError` (and `Unauthorized`) on failure. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, API), {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError('The admin API cannot be reached: check the connection, then try again.', 0);
  }
  const text = await response.text();
  let data: { message?: unknown; errors?: unknown; retryAfter?: unknown } | undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (response.status === 401 || response.status === 403)
    throw new Unauthorized(
      typeof data?.message === 'string' ? data.message : `HTTP ${response.status}`,
      response.status,
    );
  if (!response.ok) {
    const fields = Array.isArray(data?.errors) ? (data.errors as FieldError[]) : [];
    const message =
      fields.length > 0
        ? fields.map((error) => `${error.field}: ${error.message}`).join(' ')
        : typeof data?.message === 'string'
          ? data.message
          : response.status >= 500
            ? `The admin API failed (HTTP ${response.status}); try again in a moment.`
            : `HTTP ${response.status}`;
    const retryAfter = typeof data?.retryAfter === 'number' ? data.retryAfter : undefined;
    throw new ApiError(message, response.status, fields, retryAfter);
  }
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
