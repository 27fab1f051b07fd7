import { Inject, Injectable, Logger } from '@nestjs/common';
import type { WebhookEndpointEntity } from '../outbox/entities/index.js';
import { EndpointRowStore } from '../outbox/stores/endpoint-rows.store.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { EndpointSecretCipher } from './endpoint-secret.cipher.js';
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
 * The endpoints webhooks go to: those in module options and those stored in the `webhook_endpoint` table. Stored
 * ones are cached; `refresh()` (called by the relay before each round) reloads them when a cheap fingerprint of the
 * table says another process changed it, so an endpoint created or rotated anywhere is seen by every relay on its
 * next round. Events are routed when they are fanned out: an endpoint receives the events fanned out after it
 * was created.
 */
@Injectable()
export class EndpointRegistry {
  private readonly logger = new Logger(EndpointRegistry.name);
  private readonly fromOptions: Entry[];
  private stored: Entry[] = [];
  private byId = new Map<string, ResolvedWebhookEndpoint>();
  private fingerprint: string | undefined;
  private refreshing?: Promise<void>;
  /** When the table was last looked at (epoch ms). */
  private checkedAt = 0;

  constructor(
    @Inject(WEBHOOK_OPTIONS) options: ResolvedWebhookOptions,
    private readonly rows: EndpointRowStore,
    private readonly cipher: EndpointSecretCipher,
  ) {
    this.fromOptions = options.endpoints.map(entry);
    this.index();
  }

  /**
   * Reloads stored endpoints if the table changed since the last load. With `maxAge`, a check made less than that
   * many ms ago is taken as current (the relay's loop, which may run hundreds of times a second under load, looks
   * at most that often). Concurrent calls share one reload.
   */
  refresh(maxAge = 0): Promise<void> {
    if (maxAge > 0 && this.fingerprint !== undefined && Date.now() - this.checkedAt < maxAge) return Promise.resolve();
    this.refreshing ??= this.reloadIfChanged().finally(() => {
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

  /** The endpoint with this id, or `undefined` if there is none (any more). */
  get(id: string): ResolvedWebhookEndpoint | undefined {
    return this.byId.get(id);
  }

  private entries(): Entry[] {
    return [...this.fromOptions, ...this.stored];
  }

  private async reloadIfChanged(): Promise<void> {
    const fingerprint = await this.rows.fingerprint();
    if (fingerprint === this.fingerprint) return;
    const rows = await this.rows.all();
    this.stored = rows.map((stored) => entry(this.resolveStored(stored)));
    this.index();
    this.fingerprint = fingerprint;
  }

  /** A stored endpoint as the relay uses it. A secret that does not open leaves it without secrets and says why. */
  resolveStored(stored: WebhookEndpointEntity): ResolvedWebhookEndpoint {
    let secrets: ResolvedWebhookEndpoint['secrets'] = [];
    let secretError: string | undefined;
    try {
      secrets = stored.secrets.map(({ secret, expiresAt }) => ({
        secret: this.cipher.open(secret, stored.id),
        expiresAt,
      }));
    } catch (error) {
      secretError = (error as Error).message;
      this.logger.error(secretError, { endpointId: stored.id });
    }
    return {
      id: stored.id,
      source: 'database',
      tenant: stored.tenant,
      url: stored.url,
      secrets,
      ...(secretError !== undefined && { secretError }),
      eventTypes: stored.eventTypes,
      method: stored.method,
      bodyFormat: stored.bodyFormat,
      payloadFormat: stored.payloadFormat,
      headers: stored.headers,
      description: stored.description,
      traceHeaders: stored.traceHeaders,
      filter: stored.filter,
      transform: stored.transform === null ? null : compileTransform(stored.transform),
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
