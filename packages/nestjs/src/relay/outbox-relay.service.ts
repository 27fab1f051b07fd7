import { Inject, Injectable, Logger } from '@nestjs/common';
import { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import { newOutboxId } from '../outbox/outbox-ids.js';
import type { AttemptRecord, ClaimedDelivery, DeliveryNextState, OutboxStore } from '../outbox/outbox-store.js';
import type { ResolvedWebhookEndpoint, ResolvedWebhookOptions } from '../webhook-options.js';
import { OUTBOX_STORE, WEBHOOK_OPTIONS, WEBHOOK_TRANSPORT } from '../webhook.tokens.js';
import { forEachWithConcurrency } from './bounded-concurrency.js';
import { nextStateAfterFailure } from './retry-policy.js';
import { buildWebhookRequest } from './webhook-request.builder.js';
import type { WebhookTransport } from './webhook-transport.js';

type AttemptResult = Pick<AttemptRecord, 'outcome' | 'statusCode' | 'responseExcerpt' | 'error'>;

/** What one relay round did. */
export interface RelayRoundResult {
  /** Events turned into deliveries. */
  fannedOut: number;
  /** Deliveries claimed and attempted. */
  attempted: number;
}

/**
 * One round of the relay: fan new events out to their endpoints, claim due deliveries, send them, record the
 * outcomes. The loop that repeats it lives in `RelayOrchestrator`; `runOnce()` is public so tests and scripts can
 * drive delivery by hand (with `relay.enabled: false`).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: ResolvedWebhookOptions,
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(WEBHOOK_TRANSPORT) private readonly transport: WebhookTransport,
    private readonly endpoints: EndpointRegistry,
  ) {}

  async runOnce(): Promise<RelayRoundResult> {
    const { batchSize, leaseDuration, concurrency } = this.options.relay;
    const fannedOut = await this.store.fanOut(batchSize, Date.now(), (type) => this.endpoints.subscribersOf(type).map((e) => e.id));
    const now = Date.now();
    const lockToken = newOutboxId('lease');
    const claimed = await this.store.claimDeliveries(batchSize, now, now + leaseDuration, lockToken);
    await forEachWithConcurrency(claimed, concurrency, (delivery) => this.attemptSafely(delivery, lockToken));
    return { fannedOut, attempted: claimed.length };
  }

  /** One delivery's failure (e.g. the database went away while recording) must not abandon the others mid-flight. */
  private async attemptSafely(delivery: ClaimedDelivery, lockToken: string): Promise<void> {
    try {
      await this.attempt(delivery, lockToken);
    } catch (error) {
      this.logger.error(
        `Delivery ${delivery.id}: the outcome could not be recorded (${(error as Error).message}); ` +
          'it will be attempted again once its lease lapses.',
      );
    }
  }

  private async attempt(delivery: ClaimedDelivery, lockToken: string): Promise<void> {
    const startedAt = Date.now();
    if (startedAt + this.options.delivery.timeout > delivery.lockedUntil) {
      // Too late to finish before the lease ends, when another worker may take the delivery: leave it to the next round.
      await this.store.releaseClaim(delivery.id, lockToken);
      return;
    }
    const attemptNumber = delivery.attempts + 1;
    const endpoint = this.endpoints.get(delivery.endpointId);
    const result: AttemptResult = endpoint
      ? await this.send(endpoint, delivery, startedAt)
      : { outcome: 'failed', statusCode: null, responseExcerpt: null, error: `endpoint "${delivery.endpointId}" is no longer configured` };

    let next: DeliveryNextState;
    if (!endpoint) next = { status: 'dead' };
    else if (result.outcome === 'succeeded') next = { status: 'succeeded' };
    else next = nextStateAfterFailure(attemptNumber, Date.now(), this.options.retry);
    if (next.status === 'dead') {
      this.logger.warn(`Delivery ${delivery.id} of ${delivery.eventType} to ${delivery.endpointId} is dead after ${attemptNumber} attempt(s): ${result.error}`);
    }
    await this.record({ deliveryId: delivery.id, lockToken, attemptNumber, startedAt, durationMs: Date.now() - startedAt, ...result, next });
  }

  /** One HTTP exchange, classified: 2xx succeeds; any other status, or no response at all, fails. */
  private async send(endpoint: ResolvedWebhookEndpoint, delivery: ClaimedDelivery, now: number): Promise<AttemptResult> {
    const { timeout, responseExcerptBytes } = this.options.delivery;
    try {
      const request = buildWebhookRequest(endpoint, delivery.eventId, delivery.payload, now, { timeout, responseExcerptBytes });
      const response = await this.transport.send(request);
      const ok = response.status >= 200 && response.status < 300;
      return { outcome: ok ? 'succeeded' : 'failed', statusCode: response.status, responseExcerpt: response.bodyExcerpt, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { outcome: 'failed', statusCode: null, responseExcerpt: null, error: (error as Error).message };
    }
  }

  private async record(record: Omit<AttemptRecord, 'now'>): Promise<void> {
    const recorded = await this.store.recordAttempt({ ...record, now: Date.now() });
    if (!recorded) {
      // Another worker took the delivery over after our lease lapsed; its record wins and it will resend.
      this.logger.warn(`Delivery ${record.deliveryId}: lease lost before the outcome was recorded; the outcome is discarded.`);
    }
  }
}
