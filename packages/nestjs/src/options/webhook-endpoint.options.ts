import type { WebhookFilter } from './webhook-filter.types.js';
import type { CompiledWebhookTransform, WebhookTransformFunction } from './webhook-transform.types.js';

/** How an endpoint's event body is encoded: JSON (default), `application/x-www-form-urlencoded` or XML. */
export type WebhookBodyFormat = 'json' | 'form' | 'xml';

/** What an endpoint receives: the whole event (default), or only its type and the entity's id. */
export type WebhookPayloadFormat = 'full' | 'thin';

/** HTTP method used to deliver to an endpoint. */
export type WebhookMethod = 'POST' | 'GET';

/** An endpoint declared in module options. */
export interface WebhookEndpointOptions {
  /**
   * Stable identifier, recorded on every delivery. Set it if the URL may change while deliveries are pending, or if
   * two endpoints share a URL.
   *
   * @defaultValue the URL
   */
  id?: string;
  /**
   * Where to deliver: an `https:` URL to a public address, without credentials (`http:` and private addresses
   * only with `delivery.allowHttp` / `delivery.allowPrivateNetworks`).
   */
  url: string;
  /** Standard Webhooks signing secret (`whsec_...`); several during a rotation, each adds a signature. */
  secret: string | string[];
  /**
   * Event types this endpoint receives: exact (`order.created`), a prefix (`order.*`) or everything (`*`).
   *
   * @defaultValue `['*']`
   */
  eventTypes?: string[];
  /**
   * `POST` sends the body; `GET` sends the same fields as query parameters.
   *
   * @defaultValue `'POST'`
   */
  method?: WebhookMethod;
  /**
   * How a POST body is encoded: `json`, `form` (`application/x-www-form-urlencoded`, the fields flattened as for
   * GET) or `xml` (`application/xml`, see the README's "XML"). The signature covers the body exactly as sent.
   *
   * @defaultValue `'json'`
   */
  bodyFormat?: WebhookBodyFormat;
  /**
   * `full` sends the whole event; `thin` sends only `{ type, timestamp, data: { id } }` (the entity's primary key),
   * for receivers that fetch the current state themselves or must not receive the data.
   *
   * @defaultValue `'full'`
   */
  payloadFormat?: WebhookPayloadFormat;
  /** Extra headers sent with every request to this endpoint (not `content-type`, `user-agent` or `webhook-*`). */
  headers?: Record<string, string>;
  /**
   * What the endpoint is for, shown by `WebhookEndpoints.list()`.
   *
   * @defaultValue none
   */
  description?: string;
  /**
   * Send the trace context (`traceparent`, `tracestate`) with each request, so the receiver's trace continues the
   * producer's. Turn off for receivers that must not see it. Sent only when tracing is on.
   *
   * @defaultValue `true`
   */
  traceHeaders?: boolean;
  /**
   * Which events it receives beyond `eventTypes`: conditions on the event's fields (see `WebhookFilter`). An event
   * that does not match creates no delivery for this endpoint.
   *
   * @defaultValue none (every event of its types)
   */
  filter?: WebhookFilter | null;
  /**
   * Reshapes what this endpoint is sent, or drops the event for it (see `WebhookTransformFunction`). Run when the
   * event is fanned out; its result is stored with the delivery and sent, signed, on every attempt.
   *
   * @defaultValue none
   */
  transform?: WebhookTransformFunction | null;
  /**
   * At most this many sends per second (or minute) to this endpoint, by every relay instance on the database
   * together; its backlog waits for the next window without holding other endpoints' slots.
   *
   * @defaultValue no limit
   */
  rateLimit?: WebhookRateLimit | null;
}

/** A send rate: one of `perSecond` or `perMinute`, a whole number ≥ 1. */
export interface WebhookRateLimit {
  /** At most this many sends in each 1-second window. */
  perSecond?: number;
  /** At most this many sends in each 60-second window. */
  perMinute?: number;
}

/** A signing secret of a resolved endpoint; a rotated-out one signs until `expiresAt`. */
export interface EndpointSigningSecret {
  /** What requests are signed with: a `whsec_` secret (`v1`, HMAC-SHA256) or a `whsk_` secret key (`v1a`, ed25519). */
  secret: string;
  /** Epoch ms; `null` for a secret that does not expire. */
  expiresAt: number | null;
}

/** An endpoint with its defaults applied, from options or from the database. */
export interface ResolvedWebhookEndpoint {
  id: string;
  /** Where it is defined: module options (read-only at runtime) or the `webhook_endpoint` table. */
  source: 'options' | 'database';
  /** Its tenant; `null` for the application's own endpoints (every endpoint from options). */
  tenant: string | null;
  url: string;
  /** Current secret first. */
  secrets: EndpointSigningSecret[];
  eventTypes: string[];
  method: WebhookMethod;
  bodyFormat: WebhookBodyFormat;
  payloadFormat: WebhookPayloadFormat;
  headers: Record<string, string>;
  description: string | null;
  /** Whether requests carry `traceparent`/`tracestate`. */
  traceHeaders: boolean;
  /** Conditions an event must meet to be delivered here, or `null`. */
  filter: WebhookFilter | null;
  /** Its transformation, ready to run, or `null`. */
  transform: CompiledWebhookTransform | null;
  /** Its rate limit as sends per window of `windowMs`, or `null`. */
  rateLimit: { limit: number; windowMs: number } | null;
  /** Why its secrets cannot be read (a stored secret sealed with a key no longer configured); nothing is sent then. */
  secretError?: string;
  /**
   * A code endpoint registered with a function transformation. `transform` is then this instance's function, or
   * `null` where the instance does not declare the endpoint: its deliveries wait for an instance that does.
   */
  codeTransform?: boolean;
}
