import type { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { EndpointRegistry } from '../endpoints/endpoint-registry.js';
import type { ClaimedDelivery, DeliveryNextState, OutboxStore } from '../outbox/outbox-store.js';
import { routeDelivery } from './delivery-route.js';
import type { WebhookAttemptStartedEvent, WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';
import type { RelayMetrics } from './relay-metrics.js';
import type { WebhookClock } from '../webhook-clock.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { type AttemptDecision, decideAfterFailure } from './attempt-outcome.js';
import { AttemptRecordBatcher } from './attempt-record.batcher.js';
import type { DestinationPolicy } from '../endpoints/destination-policy.js';
import type { EndpointHealth } from './endpoint-health.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { payloadFor, withRequestChanges } from './webhook-request.builder.js';
import { WebhookExchange } from './webhook-exchange.js';
import type { WebhookTransport } from '../options/webhook-transport.js';

/** What every attempt and outcome event says about the delivery. */
type AttemptFacts = Pick<
  WebhookAttemptStartedEvent,
  'deliveryId' | 'webhookId' | 'endpointId' | 'eventType' | 'attemptNumber'
>;

/** A delivery this worker has claimed, with the claim's token. */
export interface Lease {
  delivery: ClaimedDelivery;
  lockToken: string;
  claimedAt: number;
  /** Gives the request slot back (once the response is in; the outcome is then recorded in the background). */
  releaseSlot?: () => void;
  /** Aborts when this worker cannot keep the claim (`LeaseKeeper`): the request must stop. */
  abandon: AbortSignal;
}

/** What one attempt needs from the relay around it. */
export interface DeliveryAttemptContext {
  options: ResolvedWebhookOptions;
  store: OutboxStore;
  transport: WebhookTransport;
  clock: WebhookClock;
  endpoints: EndpointRegistry;
  destinations: DestinationPolicy;
  health: EndpointHealth;
  leases: LeaseKeeper;
  logger: Logger;
  events: WebhookDeliveryEvents;
  metrics: RelayMetrics;
  /** A claim was given back: the delivery is due again at once, which the next round's claim must see. */
  onReleased(): void;
}

/**
 * One delivery attempt of a claimed delivery: check it may still go (its claim holds, its endpoint is neither paused
 * nor disabled since, its event and endpoint exist), send it signed, and record the outcome fenced by the claim's
 * token, with what it means for the endpoint's health. A delivery that may not go is given back or failed untried.
 */
export class DeliveryAttempts {
  /** Outcomes finishing together are stored in one write. */
  private readonly outcomes: AttemptRecordBatcher;

  private readonly exchange: WebhookExchange;

  /** Endpoints (with the cause) whose postponed deliveries were already reported: one warning each. */
  private readonly warned = new Set<string>();

  constructor(private readonly context: DeliveryAttemptContext) {
    this.outcomes = new AttemptRecordBatcher((records) => context.store.recordAttempts(records));
    this.exchange = new WebhookExchange(context.options.delivery, context.destinations, context.transport);
  }

  /** One delivery's failure (e.g. the database went away while recording) must not abandon the others mid-flight. */
  async run(lease: Lease): Promise<void> {
    try {
      await this.attempt(lease);
    } catch (error) {
      const { delivery } = lease;
      this.context.logger.error(
        `Delivery ${delivery.id}: the outcome could not be recorded (${(error as Error).message}); ` +
          'it will be attempted again once its lease lapses.',
        {
          deliveryId: delivery.id,
          webhookId: delivery.eventId,
          endpointId: delivery.endpointId,
          error: (error as Error).message,
        },
      );
    }
  }

  /** Gives a claim back untried: the delivery is due again at once, for any worker. */
  release(lease: Lease): Promise<void> {
    this.context.onReleased();
    return this.context.store.releaseClaim(lease.delivery.id, lease.lockToken);
  }

  private async attempt(lease: Lease): Promise<void> {
    const { options, clock, endpoints, health, leases, logger, events } = this.context;
    const { delivery, lockToken } = lease;
    const now = clock.now();
    if (!leases.holds(lockToken, now) || health.holdsBack(delivery.endpointId, lease.claimedAt, now)) {
      // The claim is about to lapse unrenewed (another worker may then take it), or the endpoint was paused or
      // disabled after the claim: give it back untried; the next claim sees the endpoint as it is now.
      await this.release(lease);
      return;
    }
    if (delivery.payload === null || delivery.eventType === null) {
      await this.failUntried(lease, 'event-missing', `event "${delivery.eventId}" no longer exists`);
      return;
    }
    if (delivery.requestChanges?.error !== undefined) {
      await this.failUntried(lease, 'transform-failed', delivery.requestChanges.error);
      return;
    }
    if (delivery.endpointDisabledReason !== null) {
      await this.failUntried(
        lease,
        'endpoint-disabled',
        `endpoint "${delivery.endpointId}" is disabled: ${delivery.endpointDisabledReason}`,
      );
      return;
    }
    const route = await routeDelivery(endpoints, delivery);
    if (route.kind === 'fail') {
      await this.failUntried(lease, route.reason, route.message);
      return;
    }
    if (route.kind === 'postpone') {
      await this.postpone(lease, route.delayMs, route.cause);
      return;
    }
    const { endpoint, transformed } = route;

    const facts = {
      deliveryId: delivery.id,
      webhookId: delivery.eventId,
      endpointId: endpoint.id,
      eventType: delivery.eventType,
      attemptNumber: delivery.attempts + 1,
    };
    if (events.wants('attempt.started'))
      events.publish({ kind: 'attempt.started', ...facts, url: endpoint.url, at: now });
    const started = performance.now();
    // A transformed delivery sends its body of record, with the request changes its transformation made.
    const body =
      transformed?.payload ??
      (delivery.transformed ? delivery.payload : payloadFor(endpoint, delivery.payload, delivery.sourceId));
    const target = withRequestChanges(endpoint, transformed ? transformed.changes : delivery.requestChanges);
    const result = await this.exchange.send(target, delivery, body, now, lease.abandon, endpoint.headers);
    health.noteAnswer(endpoint, result, clock.now(), facts);
    lease.releaseSlot?.();
    const durationMs = Math.round(performance.now() - started);
    const finishedAt = clock.now();
    const { errorType } = result;
    this.context.metrics.attempt({
      endpointId: endpoint.id,
      outcome: result.outcome,
      errorType,
      durationMs,
      attemptNumber: facts.attemptNumber,
      occurredAt: delivery.occurredAt,
      startedAt: now,
    });
    if (events.wants('attempt.finished')) {
      const { outcome, statusCode, error } = result;
      events.publish({
        kind: 'attempt.finished',
        ...facts,
        outcome,
        statusCode,
        durationMs,
        errorType,
        error,
        at: finishedAt,
      });
    }
    const decision: AttemptDecision =
      result.outcome === 'succeeded'
        ? { next: { status: 'succeeded' } }
        : decideAfterFailure(
            {
              endpointId: endpoint.id,
              eventType: delivery.eventType,
              attemptInSeries: delivery.attemptsInSeries + 1,
              statusCode: result.statusCode,
              error: result.error ?? 'failed',
              ...(result.retryAfter !== undefined && { retryAfter: result.retryAfter }),
            },
            finishedAt,
            options,
          );
    const { retryAfter: _retryAfter, ...logged } = result;
    const recorded = await this.outcomes.record({
      deliveryId: delivery.id,
      lockToken,
      attemptNumber: delivery.attempts + 1,
      startedAt: now,
      durationMs,
      ...logged,
      next: decision.next,
      now: finishedAt,
    });
    if (!recorded) {
      // Another worker took the delivery over after our lease lapsed; its record wins and it will resend.
      logger.warn(
        `Delivery ${delivery.id}: lease lost before the outcome was recorded; the outcome is discarded.`,
        facts,
      );
      return;
    }
    if (decision.next.status === 'failed') {
      logger.warn(
        `Delivery ${delivery.id} of ${delivery.eventType} to ${endpoint.id} failed (${decision.next.reason}) ` +
          `after attempt ${delivery.attempts + 1}: ${result.error}`,
        { ...facts, statusCode: result.statusCode, reason: decision.next.reason },
      );
    }
    this.reportOutcome(facts, decision.next, finishedAt);
    await health.update(endpoint.id, result, decision, finishedAt);
  }

  /** Gives a claim back untried, due again after `delayMs`; warns once per endpoint and cause. */
  private async postpone(lease: Lease, delayMs: number, cause: string): Promise<void> {
    const { store, clock, logger } = this.context;
    const { delivery } = lease;
    const warning = `${delivery.endpointId} ${cause}`;
    if (!this.warned.has(warning)) {
      this.warned.add(warning);
      logger.warn(
        `Endpoint "${delivery.endpointId}" ${cause}: its deliveries stay pending (retried every ` +
          `${delayMs / 1000} s) for an instance that can send them; none is failed for it. Further ones are not logged.`,
        { endpointId: delivery.endpointId, deliveryId: delivery.id },
      );
    }
    await store.postponeClaim(delivery.id, lease.lockToken, clock.now() + delayMs);
  }

  private async failUntried(
    lease: Lease,
    reason: 'endpoint-disabled' | 'endpoint-deleted' | 'event-missing' | 'transform-failed',
    error: string,
  ): Promise<void> {
    const { store, clock, logger } = this.context;
    const { delivery } = lease;
    const now = clock.now();
    if (await store.failWithoutAttempt(delivery.id, lease.lockToken, reason, error, now)) {
      const facts = {
        deliveryId: delivery.id,
        webhookId: delivery.eventId,
        endpointId: delivery.endpointId,
        eventType: delivery.eventType ?? '',
        attemptNumber: delivery.attempts,
      };
      logger.warn(`Delivery ${delivery.id} of ${delivery.eventType} failed without an attempt: ${error}.`, {
        ...facts,
        reason,
      });
      this.reportOutcome(facts, { status: 'failed', reason }, now);
    }
  }

  /** Reports the delivery's state after an attempt (or instead of one). */
  private reportOutcome(facts: AttemptFacts, next: DeliveryNextState, at: number): void {
    const { events } = this.context;
    switch (next.status) {
      case 'succeeded':
        if (events.wants('delivery.succeeded')) events.publish({ kind: 'delivery.succeeded', ...facts, at });
        return;
      case 'pending':
        if (events.wants('delivery.retry-scheduled')) {
          events.publish({ kind: 'delivery.retry-scheduled', ...facts, nextAttemptAt: next.nextAttemptAt, at });
        }
        return;
      case 'failed':
        if (events.wants('delivery.failed'))
          events.publish({ kind: 'delivery.failed', ...facts, reason: next.reason, at });
    }
  }
}
