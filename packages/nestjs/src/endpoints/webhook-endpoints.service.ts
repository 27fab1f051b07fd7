import { Inject, Injectable } from '@nestjs/common';
import { type DataSource, In } from 'typeorm';
import { WebhookEndpointNotFoundError } from '../errors/webhook-endpoint-not-found.error.js';
import { WebhookEndpointStateEntity } from '../outbox/entities/index.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookEndpoint } from '../webhook-options.js';
import { OUTBOX_STORE, WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';
import { EndpointRegistry } from './endpoint-registry.js';

/** An endpoint as configured, with the health every relay worker shares. */
export interface WebhookEndpointStatus {
  id: string;
  url: string;
  eventTypes: string[];
  method: ResolvedWebhookEndpoint['method'];
  /** `null` while enabled. */
  disabled: { at: number; reason: string } | null;
  /** Deliveries to it wait until then (after a 429/502/503/504); `null` if not paused. */
  pausedUntil: number | null;
  /** Start of the current run of failures with no success; `null` if the last attempt succeeded. */
  failingSince: number | null;
}

/** Endpoints and their health: see which are disabled or paused, and enable or disable them. */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly registry: EndpointRegistry,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
  ) {}

  async list(): Promise<WebhookEndpointStatus[]> {
    const endpoints = this.registry.all();
    if (endpoints.length === 0) return [];
    const states = await this.dataSource
      .getRepository(WebhookEndpointStateEntity)
      .findBy({ endpointId: In(endpoints.map((endpoint) => endpoint.id)) });
    const byId = new Map(states.map((state) => [state.endpointId, state]));
    return endpoints.map((endpoint) => status(endpoint, byId.get(endpoint.id), this.clock.now()));
  }

  /** One endpoint with its health, or `null` if no endpoint has this id. */
  async get(id: string): Promise<WebhookEndpointStatus | null> {
    const endpoint = this.registry.get(id);
    if (!endpoint) return null;
    const state = await this.dataSource.getRepository(WebhookEndpointStateEntity).findOneBy({ endpointId: id });
    return status(endpoint, state ?? undefined, this.clock.now());
  }

  /**
   * Re-enables an endpoint (`WebhookEndpointNotFoundError` if none has this id) and clears its pause and failure streak. Deliveries that failed while it was
   * disabled stay failed; send them with `WebhookDeliveries.retryMany({ endpointId })`.
   */
  async enable(id: string): Promise<void> {
    this.known(id);
    await this.store.enableEndpoint(id, this.clock.now());
  }

  /** Disables an endpoint: its due deliveries fail with `endpoint-disabled` instead of being sent. */
  async disable(id: string, reason = 'disabled by an operator'): Promise<void> {
    this.known(id);
    await this.store.disableEndpoint(id, reason, this.clock.now());
  }

  private known(id: string): void {
    if (!this.registry.get(id)) throw new WebhookEndpointNotFoundError(id);
  }
}

function status(endpoint: ResolvedWebhookEndpoint, state: WebhookEndpointStateEntity | undefined, now: number): WebhookEndpointStatus {
  return {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: [...endpoint.eventTypes],
    method: endpoint.method,
    disabled: state?.disabledAt != null ? { at: state.disabledAt, reason: state.disabledReason ?? '' } : null,
    pausedUntil: state?.pausedUntil != null && state.pausedUntil > now ? state.pausedUntil : null,
    failingSince: state?.failingSince ?? null,
  };
}
