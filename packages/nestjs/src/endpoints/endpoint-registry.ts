import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { WebhookEndpointEntity } from '../outbox/entities/index.js';
import { EndpointDeclarationStore } from '../outbox/stores/endpoint-declaration.store.js';
import { EndpointRowStore } from '../outbox/stores/endpoint-rows.store.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import {
  CodeEndpointDeclarations,
  DECLARATION_INTERVAL_MS,
  REGISTRATION_SETTLE_MS,
} from './code-endpoint.declarations.js';
import { EndpointSecretCipher } from './endpoint-secret.cipher.js';
import { openHeaders } from './endpoint-headers.seal.js';
import { compileWebhookFilter, type WebhookFilterPredicate } from './webhook-filter.js';
import { compileTransform } from './webhook-transform.js';
import { resolveRateLimit } from './rate-limit.js';
import { type EventTypePattern, matchesEventType, parseEventTypePattern } from '../emit/event-type-pattern.js';

interface Entry {
  endpoint: ResolvedWebhookEndpoint;
  patterns: EventTypePattern[];
  /** The endpoint's filter, compiled; `null` when it has none. */
  accepts: WebhookFilterPredicate | null;
}

/**
 * The endpoints webhooks go to, as the `webhook_endpoint` table says: the one registry every instance agrees on.
 * It holds those created through `WebhookEndpoints` and the code endpoints (declared in module options) that any
 * instance registered there at start (`CodeEndpointDeclarations`): every instance fans out to every registered
 * endpoint, whether its own options name it or not, with the config in the table. A code endpoint's function
 * transformation cannot be stored: an instance that lacks it routes events to the endpoint untransformed and leaves
 * the sending (and transforming) of those deliveries to an instance that declares it (see `DeliveryAttempts`).
 *
 * The table is cached; `refresh()` (called by the relay before each round) reloads it when a cheap fingerprint says
 * another process changed it, so an endpoint registered, created or rotated anywhere is seen by every relay on its
 * next round. Events are routed when they are fanned out: an endpoint receives the events fanned out after it
 * was registered.
 */
@Injectable()
export class EndpointRegistry implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EndpointRegistry.name);
  /** This instance's own code endpoints: what it registers, and the function transformations only it can run. */
  private readonly fromOptions: Entry[];
  private readonly declarations: CodeEndpointDeclarations;
  /** The table's endpoints once loaded (until then, this instance's own). */
  private stored: Entry[] | undefined;
  private byId = new Map<string, ResolvedWebhookEndpoint>();
  private fingerprint: string | undefined;
  private refreshing?: Promise<void>;
  /** When the table was last looked at (epoch ms). */
  private checkedAt = 0;
  private maintenance?: NodeJS.Timeout;
  /** When (by the webhook clock) the declarations were last renewed. */
  private maintainedAt = 0;

  constructor(
    @Inject(WEBHOOK_OPTIONS) options: ResolvedWebhookOptions,
    private readonly rows: EndpointRowStore,
    private readonly cipher: EndpointSecretCipher,
    declarationStore: EndpointDeclarationStore,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {
    this.fromOptions = options.endpoints.map(entry);
    this.declarations = new CodeEndpointDeclarations(options.endpoints, declarationStore, cipher, clock, this.logger);
    this.index();
  }

  /**
   * Registers this instance's code endpoints before anything is sent. When that added or changed some while other
   * instances may be running, waits until they must have seen it, so every event published once this instance is up
   * reaches the new endpoints whichever instance fans it out.
   */
  async onModuleInit(): Promise<void> {
    const { changed, othersMayRun } = await this.declarations.registerAll();
    this.maintainedAt = this.clock.now();
    this.invalidate();
    await this.refresh();
    if (changed.length > 0 && othersMayRun) await delay(REGISTRATION_SETTLE_MS);
  }

  /** Renews the declarations every minute even where no relay refreshes the registry (`relay.enabled: false`). */
  onApplicationBootstrap(): void {
    this.maintenance = setInterval(() => void this.maintainQuietly(), DECLARATION_INTERVAL_MS);
    this.maintenance.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.maintenance);
  }

  /**
   * What the instance does every minute: renews its code endpoints' declarations and retires the code endpoints no
   * running instance has declared for `RETIRE_AFTER_MS` (their pending deliveries fail as `endpoint-deleted`).
   * Public for tests and scripts.
   */
  async maintain(): Promise<void> {
    this.maintainedAt = this.clock.now();
    if (await this.declarations.maintain()) this.invalidate();
  }

  /** Maintenance with the relay's rounds, when a minute has passed by the webhook clock (which tests move). */
  private async maintainIfDue(): Promise<void> {
    if (this.clock.now() - this.maintainedAt >= DECLARATION_INTERVAL_MS) await this.maintainQuietly();
  }

  private async maintainQuietly(): Promise<void> {
    try {
      await this.maintain();
    } catch (error) {
      this.logger.warn(
        `Could not renew this instance's code endpoints: ${(error as Error).message}; retrying in a minute.`,
      );
    }
  }

  /**
   * Reloads stored endpoints if the table changed since the last load. With `maxAge`, a check made less than that
   * many ms ago is taken as current (the relay's loop, which may run hundreds of times a second under load, looks
   * at most that often). Concurrent calls share one reload.
   */
  refresh(maxAge = 0): Promise<void> {
    if (maxAge > 0 && this.fingerprint !== undefined && Date.now() - this.checkedAt < maxAge) return Promise.resolve();
    this.refreshing ??= this.maintainIfDue()
      .then(() => this.reloadIfChanged())
      .finally(() => {
        this.refreshing = undefined;
        this.checkedAt = Date.now();
      });
    return this.refreshing;
  }

  /** Forgets the cached stored endpoints: the next `refresh()` reloads them (after a write by this process). */
  invalidate(): void {
    this.fingerprint = undefined;
  }

  /**
   * Endpoints subscribed to `type` that may see an event of `tenant` (the tenant's own, and the application's) and
   * whose filter, if any, the event's body `payload` passes. The body is parsed once, and only if a filter asks.
   */
  subscribersOf(type: string, tenant: string | null = null, payload?: string): ResolvedWebhookEndpoint[] {
    let body: unknown;
    let parsed = false;
    const event = () => {
      if (!parsed) {
        parsed = true;
        body = payload === undefined ? undefined : JSON.parse(payload);
      }
      return body;
    };
    return this.entries()
      .filter(
        ({ endpoint, patterns, accepts }) =>
          (endpoint.tenant === null || endpoint.tenant === tenant) &&
          matchesEventType(patterns, type) &&
          (accepts === null || accepts(event())),
      )
      .map(({ endpoint }) => endpoint);
  }

  /** Every endpoint: those from options in their order, then stored ones by creation. */
  all(): ResolvedWebhookEndpoint[] {
    return this.entries().map(({ endpoint }) => endpoint);
  }

  /** The endpoint with this id, or `undefined` if there is none (any more, or yet). */
  get(id: string): ResolvedWebhookEndpoint | undefined {
    return this.byId.get(id);
  }

  /**
   * Whether the table says the endpoint with this id was deleted or retired, as opposed to one this instance does
   * not know (registered by a newer instance it has not seen yet, or by another application on the database).
   */
  isRetired(id: string): Promise<boolean> {
    return this.rows.isRetired(id);
  }

  private entries(): Entry[] {
    return this.stored ?? this.fromOptions;
  }

  private async reloadIfChanged(): Promise<void> {
    const fingerprint = await this.rows.fingerprint();
    if (fingerprint === this.fingerprint) return;
    const rows = await this.rows.all();
    // Code endpoints first (this instance's own in the order of its options, then others' by registration), then
    // stored ones by creation.
    const position = (row: WebhookEndpointEntity) => {
      const index = this.fromOptions.findIndex(({ endpoint }) => endpoint.id === row.id);
      return index < 0 ? this.fromOptions.length : index;
    };
    const code = rows.filter((row) => row.source === 'options').sort((a, b) => position(a) - position(b));
    const ordered = [...code, ...rows.filter((row) => row.source !== 'options')];
    this.stored = ordered.map((stored) => entry(this.resolveStored(stored)));
    this.index();
    this.fingerprint = fingerprint;
  }

  /**
   * An endpoint of the table as the relay uses it. A secret that does not open leaves it without secrets and says
   * why. A code endpoint's function transformation is this instance's own, if it declares one.
   */
  resolveStored(stored: WebhookEndpointEntity): ResolvedWebhookEndpoint {
    let secrets: ResolvedWebhookEndpoint['secrets'] = [];
    let headers: Record<string, string> = {};
    let secretError: string | undefined;
    try {
      secrets = stored.secrets.map(({ secret, expiresAt }) => ({
        secret: this.cipher.open(secret, stored.id),
        expiresAt,
      }));
      headers = openHeaders(this.cipher, stored.headers, stored.id);
    } catch (error) {
      secretError = (error as Error).message;
      this.logger.error(secretError, { endpointId: stored.id });
    }
    const own = stored.codeTransform
      ? this.fromOptions.find(({ endpoint }) => endpoint.id === stored.id)?.endpoint.transform
      : undefined;
    return {
      id: stored.id,
      source: stored.source === 'options' ? 'options' : 'database',
      tenant: stored.tenant,
      url: stored.url,
      secrets,
      ...(secretError !== undefined && { secretError }),
      eventTypes: stored.eventTypes,
      method: stored.method,
      bodyFormat: stored.bodyFormat,
      payloadFormat: stored.payloadFormat,
      headers,
      description: stored.description,
      traceHeaders: stored.traceHeaders,
      filter: stored.filter,
      transform: stored.codeTransform
        ? (own ?? null)
        : stored.transform === null
          ? null
          : compileTransform(stored.transform),
      ...(stored.codeTransform && { codeTransform: true }),
      rateLimit: resolveRateLimit(stored.rateLimit),
    };
  }

  private index(): void {
    this.byId = new Map(this.entries().map(({ endpoint }) => [endpoint.id, endpoint]));
  }
}

function entry(endpoint: ResolvedWebhookEndpoint): Entry {
  return {
    endpoint,
    patterns: endpoint.eventTypes.map(parseEventTypePattern),
    accepts: endpoint.filter === null ? null : compileWebhookFilter(endpoint.filter),
  };
}
