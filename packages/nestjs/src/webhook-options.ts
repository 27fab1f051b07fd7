import { decodeWebhookSecret } from '@webhook-outbox/signature';
import { checkEndpointDefinition } from './endpoints/endpoint-definition.validator.js';
import { parseEncryptionKey } from './endpoints/endpoint-secret.cipher.js';
import { parseEventTypePattern } from './endpoints/event-type-pattern.js';
import type { WebhookBodyFormat, WebhookPayloadFormat } from './outbox/entities/webhook-endpoint.entity.js';
import { WebhookConfigurationError } from './errors/webhook-configuration.error.js';
import {
  resolveWebhookReceiver,
  type ResolvedWebhookReceiver,
  type WebhookReceiverOptions,
} from './receive/webhook-receiver.js';
import { DestinationPolicy } from './relay/destination-policy.js';
import type { WebhookTransport } from './relay/webhook-transport.js';

export type { WebhookBodyFormat, WebhookPayloadFormat, WebhookReceiverOptions };

/** HTTP method used to deliver to an endpoint. */
export type WebhookMethod = 'POST' | 'GET';

/** An endpoint declared in module options. */
export interface WebhookEndpointOptions {
  /**
   * Stable identifier, recorded on every delivery. Defaults to the URL; set it if the URL may change while
   * deliveries are pending, or if two endpoints share a URL.
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
   * Default `['*']`.
   */
  eventTypes?: string[];
  /** `POST` (default) sends the body; `GET` sends the same fields as query parameters. */
  method?: WebhookMethod;
  /**
   * How a POST body is encoded: `json` (default) or `form` (`application/x-www-form-urlencoded`, the fields
   * flattened as for GET). The signature covers the body exactly as sent.
   */
  bodyFormat?: WebhookBodyFormat;
  /**
   * `full` (default) sends the whole event; `thin` sends only `{ type, timestamp, data: { id } }` (the entity's
   * primary key), for receivers that fetch the current state themselves or must not receive the data.
   */
  payloadFormat?: WebhookPayloadFormat;
  /** Extra headers sent with every request to this endpoint (not `content-type`, `user-agent` or `webhook-*`). */
  headers?: Record<string, string>;
  /** What the endpoint is for, shown by `WebhookEndpoints.list()`. */
  description?: string;
}

/** Encryption of stored endpoints' secrets at rest. */
export interface WebhookEncryptionOptions {
  /**
   * AES-256 keys (32 bytes: 64 hex digits or base64, e.g. `openssl rand -base64 32`). The first seals new and
   * rotated secrets; every key opens. To rotate keys, put the new key first, run
   * `WebhookEndpoints.resealSecrets()`, then drop the old key. Default none: secrets are stored as they are.
   */
  keys?: string[];
}

/** How entity changes are captured. */
export interface WebhookCaptureOptions {
  /**
   * Refuse, with `WebhookCaptureError` and before it runs, a change to an `@EmitsWebhook` entity whose rows cannot be
   * known (`update()`/`delete()` by a where clause, `updateAll()`, QueryBuilder statements). Default `false`: such a
   * change runs and a warning naming the entity and the call is logged.
   */
  strict?: boolean;
}

/** Scheduled deletion of what no one needs any more. */
export interface WebhookRetentionOptions {
  /** Default `true`. Off: nothing is ever deleted (prune yourself with `WebhookRetention.prune()`). */
  enabled?: boolean;
  /**
   * Age after which finished deliveries (succeeded or failed) and their attempts, events with no delivery left, and
   * received webhook ids in the inbox are deleted, in ms. Default 30 days. Keep it longer than any sender's
   * redelivery window: a redelivery older than this is processed again.
   */
  maxAge?: number;
  /** How often to prune, in ms. Default one hour. */
  interval?: number;
  /** Rows deleted per statement, so pruning never holds long locks. Default `1000`. */
  batchSize?: number;
}

/** How the relay polls and claims work. */
export interface WebhookRelayOptions {
  /** Start the relay with the application. Default `true`; turn off on instances that must only capture. */
  enabled?: boolean;
  /**
   * Milliseconds between polls when idle. Default `1000`. Commits made through this process wake the relay at
   * once; polling finds the events committed by other processes.
   */
  pollInterval?: number;
  /** Events fanned out per dispatch, and the most deliveries one claim takes (it never takes more than free slots). Default `50`. */
  batchSize?: number;
  /** Requests in flight at once in this process. Default `20`. */
  concurrency?: number;
  /**
   * Requests in flight at once to one endpoint in this process. Default `5`. Keeps a slow endpoint from taking
   * every slot, so other endpoints keep flowing.
   */
  endpointConcurrency?: number;
  /**
   * How long a claim on a delivery holds unless renewed, in milliseconds. Default `6000`. The worker renews the
   * claims it holds every third of this while it lives, however long a request takes; a worker that dies lets them
   * lapse within this long, and another worker then sends them (measured: about 7 s after a SIGKILL). If renewals
   * fail, requests whose claim would lapse are abandoned a third of this before it does, so hosts' clocks must
   * agree to within that.
   */
  leaseDuration?: number;
  /** How long `app.close()` waits for in-flight requests, in milliseconds. Default `10000`. */
  shutdownTimeout?: number;
}

/** When to try again after a failed attempt. */
export interface WebhookRetryOptions {
  /**
   * Attempts in total, the first included. Default `12`: with the default delays, about two days of retrying
   * before the delivery is marked `dead`.
   */
  attempts?: number;
  /** Delay before the second attempt, in milliseconds. Default `5000`. */
  initialDelay?: number;
  /** Each further delay is the previous one times this. Default `4`. */
  factor?: number;
  /** Upper bound of one delay, in milliseconds. Default `36000000` (10 hours). */
  maxDelay?: number;
  /** Each delay is randomised by up to this fraction either way, so retries do not arrive in bursts. Default `0.2`. */
  jitter?: number;
  /**
   * Decides whether a failed attempt is retried; `false` fails the delivery at once with the reason `rejected`.
   * Default: every failure is retried (a 410 Gone never is: it disables the endpoint).
   */
  retryIf?: (failure: WebhookAttemptFailure) => boolean;
}

/** A failed attempt, as `retry.retryIf` sees it. */
export interface WebhookAttemptFailure {
  endpointId: string;
  eventType: string;
  /** 1 for the first attempt of the current series. */
  attemptNumber: number;
  /** The response status, or `null` when no response came (refused, reset, timeout, destination refused). */
  statusCode: number | null;
  error: string;
}

/** How each request is made. */
export interface WebhookDeliveryOptions {
  /** Milliseconds for a whole attempt: connect, request and response. Default `15000`. */
  timeout?: number;
  /** Bytes of the response body kept in the delivery log; the rest is not read. Default `4096`. */
  responseExcerptBytes?: number;
  /**
   * What sends the requests: `'axios'` (default), `'node-http'` (Node's own http/https, same behaviour, less work
   * per request: faster when requests are many), or any `WebhookTransport`. A transport of your own must do its own
   * DNS pinning: `DestinationPolicy.lookup` is the `lookup` to give its sockets.
   */
  transport?: WebhookTransport | 'axios' | 'node-http';
  /** Allow `http:` endpoints. Default `false`: only `https:`. For development and tests. */
  allowHttp?: boolean;
  /**
   * Allow endpoints on loopback, private, link-local, unique-local and other non-public addresses, checked when
   * configured and again after DNS resolution at send time. Default `false`. Cloud metadata addresses stay refused.
   */
  allowPrivateNetworks?: boolean;
  /**
   * How long a 429, 502, 503 or 504 without `Retry-After` pauses the endpoint for every worker, in milliseconds.
   * Default `60000`. A `Retry-After` (seconds or HTTP date) is honoured instead, up to `retry.maxDelay`.
   */
  throttlePause?: number;
  /**
   * Disable an endpoint after this long with failed attempts and no success, in milliseconds; `0` never does.
   * Default five days.
   */
  disableEndpointAfter?: number;
}

/** Options of `WebhookModule.forRoot()` / `forRootAsync()`. Every field has a default. */
export interface WebhookModuleOptions {
  /** Endpoints that receive events. Default none (events are still recorded in the outbox). */
  endpoints?: WebhookEndpointOptions[];
  relay?: WebhookRelayOptions;
  retry?: WebhookRetryOptions;
  delivery?: WebhookDeliveryOptions;
  /**
   * Event types published with `WebhookPublisher` (those of `@EmitsWebhook` entities are found by themselves).
   * Stored endpoints may subscribe only to known types, and publishing an undeclared type is refused.
   */
  eventTypes?: string[];
  encryption?: WebhookEncryptionOptions;
  retention?: WebhookRetentionOptions;
  capture?: WebhookCaptureOptions;
  /**
   * Receivers usable by name with `@VerifyWebhook('name')`: each says who sends to it (`scheme`, default
   * Standard Webhooks), its secret(s), and how strict to be. Default none.
   */
  receivers?: Record<string, WebhookReceiverOptions>;
}

/** Options known when the module is defined, for both `forRoot` and `forRootAsync`. */
export interface WebhookModuleExtras {
  /** Register the module globally, so the guard and services are injectable everywhere. Default `true`. */
  isGlobal?: boolean;
  /** Name of the TypeORM DataSource to capture and store on, as given to `TypeOrmModule`. Default: the default one. */
  dataSource?: string;
  /**
   * Names of further DataSources whose `@EmitsWebhook` entities are captured too, e.g. `['billing']`. Each needs the
   * outbox tables (its own migrations, or `autoLoadEntities`): a change there writes its event to that database's
   * outbox, in the change's transaction, and the relay forwards it to the module's DataSource, which holds the
   * endpoints, deliveries and log for all. Default none.
   */
  captureDataSources?: string[];
}

/** A signing secret of a resolved endpoint; a rotated-out one signs until `expiresAt`. */
export interface EndpointSigningSecret {
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
  /** Why its secrets cannot be read (a stored secret sealed with a key no longer configured); nothing is sent then. */
  secretError?: string;
}

/** Options with every default applied; what the module's services inject. */
export interface ResolvedWebhookOptions {
  endpoints: ResolvedWebhookEndpoint[];
  relay: Required<WebhookRelayOptions>;
  retry: Required<Omit<WebhookRetryOptions, 'retryIf'>> & Pick<WebhookRetryOptions, 'retryIf'>;
  delivery: Required<Omit<WebhookDeliveryOptions, 'transport'>> & { transport: WebhookTransport | 'axios' | 'node-http' };
  receivers: Record<string, ResolvedWebhookReceiver>;
  eventTypes: string[];
  encryption: { keys: string[] };
  retention: Required<WebhookRetentionOptions>;
  capture: Required<WebhookCaptureOptions>;
}

const RETENTION_DEFAULTS: Required<WebhookRetentionOptions> = {
  enabled: true,
  maxAge: 30 * 24 * 60 * 60 * 1000,
  interval: 60 * 60 * 1000,
  batchSize: 1000,
};

const RELAY_DEFAULTS: Required<WebhookRelayOptions> = {
  enabled: true,
  pollInterval: 1000,
  batchSize: 50,
  concurrency: 20,
  endpointConcurrency: 5,
  leaseDuration: 6_000,
  shutdownTimeout: 10_000,
};

const RETRY_DEFAULTS: ResolvedWebhookOptions['retry'] = {
  attempts: 12,
  initialDelay: 5000,
  factor: 4,
  maxDelay: 10 * 60 * 60 * 1000,
  jitter: 0.2,
};

const DELIVERY_DEFAULTS = {
  transport: 'axios' as WebhookTransport | 'axios' | 'node-http',
  timeout: 15_000,
  responseExcerptBytes: 4096,
  allowHttp: false,
  allowPrivateNetworks: false,
  throttlePause: 60_000,
  disableEndpointAfter: 5 * 24 * 60 * 60 * 1000,
};

function fail(message: string): never {
  throw new WebhookConfigurationError(`WebhookModule: ${message}`);
}

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) fail(`${name} must be a whole number ≥ ${min}; got ${String(value)}.`);
  return value;
}

function secretList(secret: string | string[] | undefined, where: string): string[] {
  const secrets = Array.isArray(secret) ? secret : secret === undefined ? [] : [secret];
  if (secrets.length === 0) fail(`${where}.secret is required (a whsec_ secret; generateWebhookSecret() makes one).`);
  for (const s of secrets) {
    try {
      decodeWebhookSecret(s);
    } catch (error) {
      fail(`${where}.secret is not usable: ${(error as Error).message}`);
    }
  }
  return secrets;
}

function resolveEndpoint(endpoint: WebhookEndpointOptions, index: number, destinations: DestinationPolicy): ResolvedWebhookEndpoint {
  const where = `endpoints[${index}]`;
  const [first] = checkEndpointDefinition(endpoint, destinations);
  if (first) fail(`${where}.${first.field}: ${first.message}`);
  return {
    id: endpoint.id ?? endpoint.url,
    source: 'options',
    tenant: null,
    url: endpoint.url,
    secrets: secretList(endpoint.secret, where).map((secret) => ({ secret, expiresAt: null })),
    eventTypes: endpoint.eventTypes ?? ['*'],
    method: endpoint.method ?? 'POST',
    bodyFormat: endpoint.bodyFormat ?? 'json',
    payloadFormat: endpoint.payloadFormat ?? 'full',
    headers: { ...endpoint.headers },
    description: endpoint.description ?? null,
  };
}

/**
 * Applies defaults and validates, so that a misconfiguration fails at startup with a message naming the option.
 */
export function resolveWebhookOptions(options: WebhookModuleOptions = {}): ResolvedWebhookOptions {
  const delivery = { ...DELIVERY_DEFAULTS, ...options.delivery };
  const { transport } = delivery;
  if (typeof transport === 'string' ? transport !== 'axios' && transport !== 'node-http' : typeof transport?.send !== 'function') {
    fail(`delivery.transport must be 'axios', 'node-http' or an object with send(request); got ${JSON.stringify(transport)}.`);
  }
  const destinations = new DestinationPolicy({ allowHttp: delivery.allowHttp, allowPrivateNetworks: delivery.allowPrivateNetworks });
  const endpoints = (options.endpoints ?? []).map((endpoint, index) => resolveEndpoint(endpoint, index, destinations));
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (endpoint.id.length > 191) fail(`endpoint id "${endpoint.id.slice(0, 40)}..." is longer than 191 characters: set a shorter id.`);
    if (seen.has(endpoint.id)) fail(`two endpoints have the id "${endpoint.id}": give each one a distinct id.`);
    seen.add(endpoint.id);
  }

  const relay = { ...RELAY_DEFAULTS, ...options.relay };
  positiveInteger(relay.pollInterval, 'relay.pollInterval');
  positiveInteger(relay.batchSize, 'relay.batchSize');
  positiveInteger(relay.concurrency, 'relay.concurrency');
  positiveInteger(relay.endpointConcurrency, 'relay.endpointConcurrency');
  positiveInteger(relay.leaseDuration, 'relay.leaseDuration');
  positiveInteger(relay.shutdownTimeout, 'relay.shutdownTimeout', 0);

  const retry = { ...RETRY_DEFAULTS, ...options.retry };
  positiveInteger(retry.attempts, 'retry.attempts');
  positiveInteger(retry.initialDelay, 'retry.initialDelay', 0);
  positiveInteger(retry.maxDelay, 'retry.maxDelay', 0);
  if (!(retry.factor >= 1)) fail(`retry.factor must be ≥ 1; got ${String(retry.factor)}.`);
  if (!(retry.jitter >= 0 && retry.jitter < 1)) fail(`retry.jitter must be in [0, 1); got ${String(retry.jitter)}.`);
  if (retry.retryIf !== undefined && typeof retry.retryIf !== 'function') fail('retry.retryIf must be a function.');

  positiveInteger(delivery.timeout, 'delivery.timeout');
  positiveInteger(delivery.responseExcerptBytes, 'delivery.responseExcerptBytes', 0);
  positiveInteger(delivery.throttlePause, 'delivery.throttlePause', 0);
  positiveInteger(delivery.disableEndpointAfter, 'delivery.disableEndpointAfter', 0);
  if (relay.leaseDuration < 300) {
    fail(`relay.leaseDuration must be at least 300 ms (claims are renewed every third of it); got ${relay.leaseDuration}.`);
  }

  const receivers: ResolvedWebhookOptions['receivers'] = {};
  for (const [name, receiver] of Object.entries(options.receivers ?? {})) {
    receivers[name] = resolveWebhookReceiver(receiver, `WebhookModule: receivers.${name}`, name);
  }

  const eventTypes = options.eventTypes ?? [];
  for (const type of eventTypes) {
    let pattern;
    try {
      pattern = parseEventTypePattern(type);
    } catch {
      pattern = undefined;
    }
    if (pattern?.kind !== 'exact') fail(`eventTypes: "${type}" is not an event type: use letters, digits, "_", "-" and dots, e.g. "invoice.paid".`);
  }

  const encryption = { keys: options.encryption?.keys ?? [] };
  encryption.keys.forEach((key, index) => {
    try {
      parseEncryptionKey(key, `encryption.keys[${index}]`);
    } catch (error) {
      fail((error as Error).message);
    }
  });

  const retention = { ...RETENTION_DEFAULTS, ...options.retention };
  positiveInteger(retention.maxAge, 'retention.maxAge');
  positiveInteger(retention.interval, 'retention.interval');
  positiveInteger(retention.batchSize, 'retention.batchSize');

  const capture = { strict: options.capture?.strict ?? false };
  if (typeof capture.strict !== 'boolean') fail(`capture.strict must be true or false; got ${String(capture.strict)}.`);

  return { endpoints, relay, retry, delivery, receivers, eventTypes, encryption, retention, capture };
}
