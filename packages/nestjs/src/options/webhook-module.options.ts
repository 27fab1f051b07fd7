import type { WebhookRetryOptions } from './webhook-retry.options.js';
import type { WebhookTransport } from './webhook-transport.js';
import type { ResolvedWebhookEndpoint, WebhookEndpointOptions } from './webhook-endpoint.options.js';
import type { ResolvedWebhookReceiver, WebhookReceiverOptions } from './webhook-receiver.options.js';

export type { WebhookAttemptFailure, WebhookRetryOptions } from './webhook-retry.options.js';

/** Encryption of stored endpoints' secrets at rest. */
export interface WebhookEncryptionOptions {
  /**
   * AES-256 keys (32 bytes: 64 hex digits or base64, e.g. `openssl rand -base64 32`). The first seals new and rotated
   * secrets; every key opens. To rotate keys, put the new key first, run `WebhookEndpoints.resealSecrets()`, then
   * drop the old key.
   *
   * @defaultValue none (secrets are stored as they are)
   */
  keys?: string[];
}

/** How entity changes are captured. */
export interface WebhookCaptureOptions {
  /**
   * Refuse, with `WebhookCaptureError` and before it runs, a change to an `@EmitsWebhook` entity whose rows cannot be
   * known (`update()`/`delete()` by a where clause, `updateAll()`, QueryBuilder statements).
   *
   * @defaultValue `false` (such a change runs and a warning naming the entity and the call is logged)
   */
  strict?: boolean;
}

/** Scheduled deletion of what no one needs any more. */
export interface WebhookRetentionOptions {
  /**
   * Prune on a schedule. Off: nothing is ever deleted (prune yourself with `WebhookRetention.prune()`).
   *
   * @defaultValue `true`
   */
  enabled?: boolean;
  /**
   * Age after which finished deliveries (succeeded or failed) and their attempts, events with no delivery left, and
   * received webhook ids in the inbox are deleted, in ms. Keep it longer than any sender's redelivery window: a
   * redelivery older than this is processed again.
   *
   * @defaultValue `2592000000` (30 days)
   */
  maxAge?: number;
  /**
   * How often to prune, in ms.
   *
   * @defaultValue `3600000` (one hour)
   */
  interval?: number;
  /**
   * Rows deleted per statement, so pruning never holds long locks.
   *
   * @defaultValue `1000`
   */
  batchSize?: number;
}

/** How the relay polls and claims work. */
export interface WebhookRelayOptions {
  /**
   * Start the relay with the application. Turn off on instances that must only capture.
   *
   * @defaultValue `true`
   */
  enabled?: boolean;
  /**
   * Milliseconds between polls when idle. Commits made through this process wake the relay at once; polling finds the
   * events committed by other processes. On PostgreSQL, while the relay's LISTEN connection is up (and no
   * `captureDataSources` are forwarded), every instance's commits wake it and it does not poll: idle, it sleeps until
   * the next retry, lease lapse or pause end it knows of, looking at the outbox at most every 30 s.
   *
   * @defaultValue `1000`
   */
  pollInterval?: number;
  /**
   * Events fanned out per dispatch, and the most deliveries one claim takes (it never takes more than free slots).
   *
   * @defaultValue `50`
   */
  batchSize?: number;
  /**
   * Requests in flight at once in this process.
   *
   * @defaultValue `20`
   */
  concurrency?: number;
  /**
   * Requests in flight at once to one endpoint in this process. Keeps a slow endpoint from taking every slot, so
   * other endpoints keep flowing.
   *
   * @defaultValue `5`
   */
  endpointConcurrency?: number;
  /**
   * How long a claim on a delivery holds unless renewed, in milliseconds. The worker renews the claims it holds every
   * third of this while it lives, however long a request takes; a worker that dies lets them lapse within this long,
   * and another worker then sends them (measured: about 7 s after a SIGKILL). If renewals fail, requests whose claim
   * would lapse are abandoned a third of this before it does, so hosts' clocks must agree to within that.
   *
   * @defaultValue `6000`
   */
  leaseDuration?: number;
  /**
   * How long `app.close()` waits for in-flight requests, in milliseconds.
   *
   * @defaultValue `10000`
   */
  shutdownTimeout?: number;
}

/** How each request is made. */
export interface WebhookDeliveryOptions {
  /**
   * Milliseconds for a whole attempt: connect, request and response.
   *
   * @defaultValue `15000`
   */
  timeout?: number;
  /**
   * Bytes of the response body kept in the delivery log; the rest is not read.
   *
   * @defaultValue `4096`
   */
  responseExcerptBytes?: number;
  /**
   * What sends the requests: `'axios'` (default), `'node-http'` (Node's own http/https, same behaviour, less work
   * per request: faster when requests are many), or any `WebhookTransport`. A transport of your own must do its own
   * DNS pinning: `DestinationPolicy.lookup` is the `lookup` to give its sockets.
   */
  transport?: WebhookTransport | 'axios' | 'node-http';
  /**
   * Allow `http:` endpoints. For development and tests.
   *
   * @defaultValue `false` (only `https:`)
   */
  allowHttp?: boolean;
  /**
   * Allow endpoints on loopback, private, link-local, unique-local and other non-public addresses, checked when
   * configured and again after DNS resolution at send time. Cloud metadata addresses stay refused.
   *
   * @defaultValue `false`
   */
  allowPrivateNetworks?: boolean;
  /**
   * How long a 429, 502, 503 or 504 without `Retry-After` pauses the endpoint for every worker, in milliseconds. A
   * `Retry-After` (seconds or HTTP date) is honoured instead, up to `retry.maxDelay`.
   *
   * @defaultValue `60000`
   */
  throttlePause?: number;
  /**
   * Disable an endpoint after this long with failed attempts and no success, in milliseconds; `0` never does.
   *
   * @defaultValue `432000000` (five days)
   */
  disableEndpointAfter?: number;
}

/** An event type published with `WebhookPublisher`, with what documents it. */
export interface WebhookEventTypeDeclaration {
  /** E.g. `invoice.paid`. */
  type: string;
  /**
   * A JSON Schema (draft 2020-12) of the event's `data`.
   *
   * @defaultValue any
   */
  schema?: Record<string, unknown>;
  /** What the event means, shown in the event catalog and the OpenAPI document. */
  description?: string;
}

/**
 * What the module's start does about the package's migrations (see `WebhookModuleOptions.migrations`): `'check'`
 * refuses to start while one is pending, `'warn'` logs it and starts, `'run'` applies them, `'skip'` looks at nothing.
 */
export type WebhookMigrationsMode = 'check' | 'warn' | 'run' | 'skip';

/** Options of `WebhookModule.forRoot()` / `forRootAsync()`. Every field has a default. */
export interface WebhookModuleOptions {
  /**
   * Endpoints that receive events.
   *
   * @defaultValue none (events are still recorded in the outbox)
   */
  endpoints?: WebhookEndpointOptions[];
  /** How the relay polls, claims and sends in this process (`WebhookRelayOptions`). */
  relay?: WebhookRelayOptions;
  /** When a failed attempt is tried again, and when a delivery is given up (`WebhookRetryOptions`). */
  retry?: WebhookRetryOptions;
  /** How each request is made: transport, timeouts and the destination (SSRF) policy (`WebhookDeliveryOptions`). */
  delivery?: WebhookDeliveryOptions;
  /**
   * Event types published with `WebhookPublisher` (those of `@EmitsWebhook` entities are found by themselves).
   * Stored endpoints may subscribe only to known types, and publishing an undeclared type is refused. A type given
   * with a JSON Schema of its `data` (and a description) is documented with it in the event catalog and the
   * OpenAPI document.
   */
  eventTypes?: Array<string | WebhookEventTypeDeclaration>;
  /** Encryption at rest of stored endpoints' secrets and headers (`WebhookEncryptionOptions`). */
  encryption?: WebhookEncryptionOptions;
  /** Scheduled deletion of finished deliveries, their events and received ids (`WebhookRetentionOptions`). */
  retention?: WebhookRetentionOptions;
  /** How changes that cannot be captured row by row are treated (`WebhookCaptureOptions`). */
  capture?: WebhookCaptureOptions;
  /**
   * Receivers usable by name with `@VerifyWebhook('name')`: each says who sends to it (`scheme`, default Standard
   * Webhooks), its secret(s), and how strict to be.
   *
   * @defaultValue none
   */
  receivers?: Record<string, WebhookReceiverOptions>;
  /**
   * What the module's start does about the package's migrations, on its DataSource and those of
   * `captureDataSources`, before anything is captured or sent. A DataSource with `synchronize: true` takes its tables
   * from the entities and is not checked.
   *
   * - `'check'`: a pending migration stops the start with `WebhookMigrationsPendingError`, which names it and the
   *   command that applies it (`npx webhook-outbox migrate --data-source <file>`).
   * - `'warn'`: logs the same text as a warning and starts; saves of `@EmitsWebhook` entities fail until applied.
   * - `'run'`: applies the pending ones at start, each in its own transaction: handy in development and quick
   *   starts. Not the default: a deploy should migrate before the new code runs (instances of the previous version
   *   keep working on the schema they know), and instances starting together would race to apply the same migration.
   * - `'skip'`: looks at nothing, for teams that manage the schema their own way.
   *
   * @defaultValue `'check'`
   */
  migrations?: WebhookMigrationsMode;
}

/** Options known when the module is defined, for both `forRoot` and `forRootAsync`. */
export interface WebhookModuleExtras {
  /**
   * Register the module globally, so the guard and services are injectable everywhere.
   *
   * @defaultValue `true`
   */
  isGlobal?: boolean;
  /**
   * Name of the TypeORM DataSource to capture and store on, as given to `TypeOrmModule`.
   *
   * @defaultValue the default one
   */
  dataSource?: string;
  /**
   * Names of further DataSources whose `@EmitsWebhook` entities are captured too, e.g. `['billing']`. Each needs the
   * outbox tables (its own migrations, or `autoLoadEntities`): a change there writes its event to that database's
   * outbox, in the change's transaction, and the relay forwards it to the module's DataSource, which holds the
   * endpoints, deliveries and log for all.
   *
   * @defaultValue none
   */
  captureDataSources?: string[];
}

/** Options with every default applied; what the module's services inject. */
export interface ResolvedWebhookOptions {
  endpoints: ResolvedWebhookEndpoint[];
  relay: Required<WebhookRelayOptions>;
  retry: Required<Omit<WebhookRetryOptions, 'retryIf'>> & Pick<WebhookRetryOptions, 'retryIf'>;
  delivery: Required<Omit<WebhookDeliveryOptions, 'transport'>> & {
    transport: WebhookTransport | 'axios' | 'node-http';
  };
  receivers: Record<string, ResolvedWebhookReceiver>;
  eventTypes: string[];
  /** The declarations of `eventTypes` given with a schema or a description, by type. */
  eventTypeDeclarations: Record<string, WebhookEventTypeDeclaration>;
  encryption: { keys: string[] };
  retention: Required<WebhookRetentionOptions>;
  capture: Required<WebhookCaptureOptions>;
  migrations: WebhookMigrationsMode;
}
