import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedWebhookEndpoint, ResolvedWebhookOptions } from '../webhook-options.js';
import { WEBHOOK_OPTIONS } from '../webhook.tokens.js';
import { type EventTypePattern, matchesEventType, parseEventTypePattern } from './event-type-pattern.js';

/**
 * The endpoints webhooks go to, and which of them subscribe to a given event type.
 */
@Injectable()
export class EndpointRegistry {
  private readonly endpoints: ReadonlyArray<{ endpoint: ResolvedWebhookEndpoint; patterns: EventTypePattern[] }>;
  private readonly byId: ReadonlyMap<string, ResolvedWebhookEndpoint>;

  constructor(@Inject(WEBHOOK_OPTIONS) options: ResolvedWebhookOptions) {
    this.endpoints = options.endpoints.map((endpoint) => ({ endpoint, patterns: endpoint.eventTypes.map(parseEventTypePattern) }));
    this.byId = new Map(options.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  }

  /** Endpoints subscribed to `type`. */
  subscribersOf(type: string): ResolvedWebhookEndpoint[] {
    return this.endpoints.filter(({ patterns }) => matchesEventType(patterns, type)).map(({ endpoint }) => endpoint);
  }

  /** Every endpoint, in configuration order. */
  all(): ResolvedWebhookEndpoint[] {
    return this.endpoints.map(({ endpoint }) => endpoint);
  }

  /** The endpoint with this id, or `undefined` if it is no longer configured. */
  get(id: string): ResolvedWebhookEndpoint | undefined {
    return this.byId.get(id);
  }
}
