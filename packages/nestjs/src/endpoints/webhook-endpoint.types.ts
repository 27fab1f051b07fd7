import type {
  WebhookBodyFormat,
  WebhookMethod,
  WebhookPayloadFormat,
  WebhookRateLimit,
} from '../options/webhook-endpoint.options.js';
import type { WebhookFilter } from '../options/webhook-filter.types.js';
import type { WebhookSignatureVersion } from './signing-secret.check.js';

/**
 * Whose endpoints a call sees. With `tenant`, only that tenant's endpoints exist for the call: any other id is
 * "not found", exactly as if it did not exist. Without it, the call sees every endpoint (operator code only).
 */
export interface WebhookTenantScope {
  /** The tenant the call acts for; an endpoint `create()`d with it belongs to it. Omit for every endpoint. */
  tenant?: string;
}

/** What `create()` takes. Only `url` is required. */
export interface CreateWebhookEndpointInput {
  /**
   * Where to deliver: an absolute `https:` URL (`http:` only with `delivery.allowHttp`), without credentials, at most
   * 2048 characters.
   */
  url: string;
  /** Default `['*']`. Each must match a known event type (`WebhookEventTypes`), or be `*`. */
  eventTypes?: string[];
  /** Default `POST`. */
  method?: WebhookMethod;
  /** Default `json`. */
  bodyFormat?: WebhookBodyFormat;
  /** Default `full`; `thin` sends only the type and the entity's id. */
  payloadFormat?: WebhookPayloadFormat;
  /**
   * Extra request headers, e.g. a credential of the receiver's: at most 20, 8 KiB in all, values visible ASCII with
   * inner spaces. Stored sealed with `encryption.keys`, and write-only: read back as `MASKED_HEADER_VALUE` (`'…'`).
   * In an update the whole set is replaced; a value of `MASKED_HEADER_VALUE` keeps the value stored under that name.
   */
  headers?: Record<string, string>;
  /** What the endpoint is for, for people; at most 1000 characters. Default none (`null`). */
  description?: string | null;
  /** Default `true`: requests carry `traceparent`/`tracestate` when tracing is on. */
  traceHeaders?: boolean;
  /** Conditions an event must meet to be delivered here (see `WebhookFilter`). Default none; `null` clears it. */
  filter?: WebhookFilter | null;
  /**
   * A JMESPath expression of the event giving `{ body?, method?, headers? }` (or `null` to drop the event), e.g.
   * `"{ body: { text: join('', ['Order ', to_string(data.id), ' is ', data.status]) } }"`. Default none; `null`
   * clears it. See `WebhookTransformResult`.
   */
  transform?: string | null;
  /** At most this many sends per second or minute, by every instance together. Default none; `null` clears it. */
  rateLimit?: WebhookRateLimit | null;
  /**
   * An existing `whsec_` secret or `whsk_` secret key to keep (e.g. moving from another system). Default: a new one
   * is generated, of the kind `signature` asks for.
   */
  secret?: string;
  /** `v1` (default): HMAC-SHA256 with a `whsec_` secret; `v1a`: ed25519 with a `whsk_` key pair. */
  signature?: WebhookSignatureVersion;
}

/** What `update()` takes: the fields to change. `description: null` clears it. */
export type UpdateWebhookEndpointInput = Partial<Omit<CreateWebhookEndpointInput, 'secret' | 'signature'>>;

/** What `rotateSecret()` takes. */
export interface RotateWebhookSecretInput {
  /** The new secret (`whsec_`) or secret key (`whsk_`). Default: a new one is generated. */
  secret?: string;
  /**
   * The kind of secret generated: `v1` or `v1a`. Default: that of the current secret. Changing it moves an endpoint
   * from one signature to the other, both sent during the overlap.
   */
  signature?: WebhookSignatureVersion;
  /**
   * How long the previous secret keeps signing beside the new one, in ms: every request carries both signatures
   * meanwhile, so the receiver can switch at any moment. Default 24 hours; `0` retires it at once.
   */
  overlap?: number;
}

/**
 * `disabled` (until enabled), `paused` (after a 429/502/503/504, until its pause ends), `failing` (its latest
 * attempts failed: `failingSince` is set, and it is neither paused nor disabled) or `active`.
 */
export type WebhookEndpointState = 'active' | 'failing' | 'paused' | 'disabled';

/** An endpoint with the health every relay worker shares. Never includes its secrets. */
export interface WebhookEndpointStatus {
  /** The endpoint's id. */
  id: string;
  /** `options` (read-only at runtime) or `database` (created with `create()`). */
  source: 'options' | 'database';
  /** The tenant it belongs to; `null` for the application's own. */
  tenant: string | null;
  /** Where it is sent. */
  url: string;
  /** What it is for, as given. */
  description: string | null;
  /** Whether requests carry the trace context. */
  traceHeaders: boolean;
  /** Its filter, as given; `null` when it has none. */
  filter: WebhookFilter | null;
  /** Its transformation: the JMESPath expression, `'(function)'` for one in options, or `null`. */
  transform: string | null;
  /** Its rate limit, as given: `{ perSecond }` or `{ perMinute }`, or `null`. */
  rateLimit: WebhookRateLimit | null;
  /** The event types it subscribes to. */
  eventTypes: string[];
  /** How it is sent: `POST` or `GET`. */
  method: WebhookMethod;
  /** How a POST body is encoded. */
  bodyFormat: WebhookBodyFormat;
  /** Whole events (`full`) or type and id only (`thin`). */
  payloadFormat: WebhookPayloadFormat;
  /** Its extra headers by name, each value `MASKED_HEADER_VALUE`: they are write-only. */
  headers: Record<string, string>;
  /** What the fields below add up to: `disabled`, `paused`, `failing` or `active`. */
  state: WebhookEndpointState;
  /** `null` while enabled. */
  disabled: { at: number; reason: string } | null;
  /** Deliveries to it wait until then (after a 429/502/503/504); `null` if not paused. */
  pausedUntil: number | null;
  /** Start of the current run of failures with no success; `null` if the last attempt succeeded. */
  failingSince: number | null;
  /** When a previous secret still signing stops doing so; `null` when only one secret signs. */
  previousSecretExpiresAt: number | null;
  /** How its current secret signs: `v1` (HMAC, `whsec_`) or `v1a` (ed25519, `whsk_`). */
  signature: WebhookSignatureVersion;
  /**
   * The `whpk_` public keys receivers verify its `v1a` signatures with, current first, then any still signing
   * during a rotation's overlap; empty for `v1`. Public: show them freely.
   */
  publicKeys: string[];
}

/** A created endpoint: its status and its secret, which is returned this once and never again. */
export type CreatedWebhookEndpoint = WebhookEndpointStatus & { secret: string };
