import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { eventBody } from '../emit/outbox-event.writer.js';
import { WebhookEventTypes } from '../emit/webhook-event-types.service.js';
import { WebhookEndpointDisabledError } from '../errors/webhook-endpoint-disabled.error.js';
import { WebhookValidationError } from '../errors/webhook-validation.error.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import { OutboxWakeSignal } from '../outbox/outbox-wake.signal.js';
import { pendingDelivery } from '../outbox/pending-delivery.js';
import { insertEventsWithDeliveries } from '../outbox/stores/backfill.statements.js';
import { EndpointRowStore } from '../outbox/stores/endpoint-rows.store.js';
import { runInOwnTransaction } from '../outbox/stores/own-transaction.runner.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK, WEBHOOK_DATA_SOURCE } from '../webhook.tokens.js';

/** The type of test events: reserved, sent to one endpoint on request, whatever it subscribes to. */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';

/** The longest event type a test event may ask for. */
export const MAX_TEST_EVENT_TYPE_LENGTH = 200;

/** What `WebhookEndpoints.sendTestEvent()` sends. */
export interface WebhookTestEventOptions {
  /**
   * Send the event catalog's example of this type instead of `webhook.test` (e.g. `webhook-outbox trigger`), so a
   * receiver can be developed before the sending code exists. An unknown type is a `WebhookValidationError`.
   */
  type?: string;
}

/** What `WebhookEndpoints.sendTestEvent()` wrote. */
export interface WebhookTestEventResult {
  /** The event's id: the `webhook-id` the receiver gets. */
  webhookId: string;
  /** The id of its one delivery, e.g. for `WebhookDeliveries.get()`. */
  deliveryId: string;
  /** The endpoint is paused until then (epoch ms): the test event waits for it like any delivery; `null` if not paused. */
  pausedUntil: number | null;
}

/**
 * Sends one `webhook.test` event (or the catalog's example of a chosen type) to one endpoint, signed, retried and logged like any other, so its owner can check
 * the receiving side. Written already fanned out, with its one delivery, in a transaction of its own. A disabled
 * endpoint is refused (`WebhookEndpointDisabledError`, nothing written): its delivery would fail untried, and saying
 * "on its way" would be untrue. A paused one gets it, with the time the pause ends.
 */
@Injectable()
export class EndpointTestEvents {
  constructor(
    @Inject(WEBHOOK_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock,
    private readonly wake: OutboxWakeSignal,
    private readonly rows: EndpointRowStore,
    private readonly catalog: WebhookEventTypes,
  ) {}

  async send(
    endpoint: ResolvedWebhookEndpoint,
    options: WebhookTestEventOptions = {},
  ): Promise<WebhookTestEventResult> {
    const content = this.content(endpoint, options.type);
    const now = this.clock.now();
    const [state] = await this.rows.states([endpoint.id]);
    if (state?.disabledAt != null) throw new WebhookEndpointDisabledError(endpoint.id, state.disabledReason ?? '');
    const pausedUntil = state?.pausedUntil != null && state.pausedUntil > now ? state.pausedUntil : null;
    const event = {
      id: newOutboxId('msg'),
      type: content.type,
      payload: eventBody(content, new Date(now).toISOString()),
      occurredAt: now,
      fannedOutAt: now,
      sourceEntity: null,
      sourceId: null,
      tenant: endpoint.tenant,
      sequence: null,
      orderingKey: null,
    };
    const delivery = pendingDelivery(event, endpoint, now);
    await runInOwnTransaction(this.dataSource, (manager) => insertEventsWithDeliveries(manager, [event], [delivery]));
    this.wake.notifyCommitted();
    return { webhookId: event.id, deliveryId: delivery.id, pausedUntil };
  }

  /** The test event's type and data: `webhook.test`, or the catalog's example of `type` (validated). */
  private content(
    endpoint: ResolvedWebhookEndpoint,
    type: unknown,
  ): { type: string; data: unknown; changes?: Record<string, unknown> } {
    if (type === undefined || type === WEBHOOK_TEST_EVENT_TYPE) {
      const data = { endpointId: endpoint.id, message: 'A test event: it changes nothing.' };
      return { type: WEBHOOK_TEST_EVENT_TYPE, data };
    }
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TEST_EVENT_TYPE_LENGTH)
      throw new WebhookValidationError([
        { field: 'type', message: `must be an event type of 1 to ${MAX_TEST_EVENT_TYPE_LENGTH} characters.` },
      ]);
    const entry = this.catalog.list().find((info) => info.type === type);
    if (!entry) {
      const known = this.catalog.list().map((info) => info.type);
      const list = known.length > 0 ? known.join(', ') : 'none';
      throw new WebhookValidationError([
        { field: 'type', message: `is not a known event type. Known types: ${list}.` },
      ]);
    }
    // A published type has no example body: its envelope with empty data still tests the receiver's wiring.
    const example = (entry.example ?? {}) as { data?: unknown; changes?: Record<string, unknown> };
    return { type, data: example.data ?? {}, ...(example.changes !== undefined && { changes: example.changes }) };
  }
}
