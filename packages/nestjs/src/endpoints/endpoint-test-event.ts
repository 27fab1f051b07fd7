import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { eventBody } from '../emit/outbox-event.writer.js';
import { WebhookEndpointDisabledError } from '../errors/webhook-endpoint-disabled.error.js';
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
 * Sends one `webhook.test` event to one endpoint, signed, retried and logged like any other, so its owner can check
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
  ) {}

  async send(endpoint: ResolvedWebhookEndpoint): Promise<WebhookTestEventResult> {
    const now = this.clock.now();
    const [state] = await this.rows.states([endpoint.id]);
    if (state?.disabledAt != null) throw new WebhookEndpointDisabledError(endpoint.id, state.disabledReason ?? '');
    const pausedUntil = state?.pausedUntil != null && state.pausedUntil > now ? state.pausedUntil : null;
    const data = { endpointId: endpoint.id, message: 'A test event: it changes nothing.' };
    const event = {
      id: newOutboxId('msg'),
      type: WEBHOOK_TEST_EVENT_TYPE,
      payload: eventBody({ type: WEBHOOK_TEST_EVENT_TYPE, data }, new Date(now).toISOString()),
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
}
