import type { Logger } from '@nestjs/common';
import type { AttemptRecord, OutboxStore } from '../outbox/outbox-store.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import type { WebhookDeliveryEvents } from '../telemetry/webhook-delivery.events.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import type { AttemptDecision } from './attempt-outcome.js';
import { type AttemptIds, EndpointFailureLog } from './endpoint-failure.log.js';

/** What an attempt came to, as endpoint health needs it. */
export type AttemptResult = Pick<AttemptRecord, 'outcome' | 'statusCode' | 'responseExcerpt' | 'error'> & {
  retryAfter?: string;
  /** A failure's class for telemetry (`attemptErrorType`), classified once; `null` on success. */
  errorType: string | null;
};

/** A success clears the endpoint's failing streak in the database at most this often per worker. */
const STREAK_CLEAR_INTERVAL = 60_000;

/**
 * Each endpoint's health as this worker sees and records it: failing endpoints get one request at a time, pauses
 * and disables are written for every worker (and remembered here, so deliveries already held are not sent meanwhile),
 * failing streaks are started and ended.
 */
export class EndpointHealth {
  /** Endpoints whose last answer here was a failure: sent one request at a time until one succeeds. */
  private readonly failing = new Set<string>();
  /** Pauses this worker has recorded, so deliveries it already holds for that endpoint are not sent meanwhile. */
  private readonly pausedUntil = new Map<string, number>();
  /** When this worker disabled an endpoint: deliveries it claimed before then must not be sent. */
  private readonly disabledAt = new Map<string, number>();
  private readonly streakClearedAt = new Map<string, number>();
  /** Says when an endpoint starts failing and when it answers again. */
  private readonly failureLog = new EndpointFailureLog();

  constructor(
    private readonly store: OutboxStore,
    private readonly options: ResolvedWebhookOptions,
    private readonly logger: Logger,
    private readonly events: WebhookDeliveryEvents,
  ) {}

  /**
   * Requests this worker may have in flight to an endpoint: `endpointConcurrency`, or one while its last answer was a
   * failure. An endpoint that times out would otherwise hold its whole share of the slots for the timeout, again
   * and again, and starve the healthy ones; one request at a time still notices when it recovers.
   */
  limitFor(endpointId: string): number {
    return this.failing.has(endpointId) ? 1 : this.options.relay.endpointConcurrency;
  }

  /** Whether a delivery claimed at `claimedAt` must not be sent now: its endpoint was paused or disabled here since. */
  holdsBack(endpointId: string, claimedAt: number, now: number): boolean {
    return (this.pausedUntil.get(endpointId) ?? 0) > now || claimedAt <= (this.disabledAt.get(endpointId) ?? -Infinity);
  }

  /**
   * Notes the answer at once (it decides the next request's slot), before its outcome is recorded; logs the
   * endpoint's starting to fail or answering again. `now` is the webhook clock's.
   */
  noteAnswer(
    endpoint: Pick<ResolvedWebhookEndpoint, 'id' | 'url'>,
    result: AttemptResult,
    now: number,
    delivery?: AttemptIds,
  ): void {
    if (result.outcome === 'succeeded') this.failing.delete(endpoint.id);
    else this.failing.add(endpoint.id);
    this.failureLog.note(endpoint, result, now, delivery);
  }

  /** Writes what a recorded attempt means for its endpoint: streak, pause, disable. */
  async update(endpointId: string, result: AttemptResult, decision: AttemptDecision, now: number): Promise<void> {
    if (result.outcome === 'succeeded') {
      if (now - (this.streakClearedAt.get(endpointId) ?? -Infinity) >= STREAK_CLEAR_INTERVAL) {
        // Noted before the write: the successes finishing together with this one must not each write it too.
        this.streakClearedAt.set(endpointId, now);
        await this.store.noteEndpointSuccess(endpointId, now);
      }
      return;
    }
    this.streakClearedAt.delete(endpointId);
    if (decision.pauseEndpointUntil !== undefined) {
      this.pausedUntil.set(endpointId, Math.max(decision.pauseEndpointUntil, this.pausedUntil.get(endpointId) ?? 0));
      await this.store.pauseEndpoint(endpointId, decision.pauseEndpointUntil, now);
      if (this.events.wants('endpoint.paused')) {
        this.events.publish({ kind: 'endpoint.paused', endpointId, until: decision.pauseEndpointUntil, at: now });
      }
    }
    if (decision.disableEndpoint !== undefined) {
      this.disabledAt.set(endpointId, now);
      if (await this.store.disableEndpoint(endpointId, decision.disableEndpoint, now)) {
        this.disabled(endpointId, decision.disableEndpoint, now);
      }
      return;
    }
    const { disableEndpointAfter } = this.options.delivery;
    if (disableEndpointAfter > 0) {
      const reason = `no successful delivery for ${formatDuration(disableEndpointAfter)} (last error: ${result.error})`;
      if (await this.store.noteEndpointFailure(endpointId, now, now - disableEndpointAfter, reason)) {
        this.disabledAt.set(endpointId, now);
        this.disabled(endpointId, reason, now);
      }
    }
  }

  /** This worker disabled the endpoint (another may have done it first: then it says nothing). */
  private disabled(endpointId: string, reason: string, now: number): void {
    this.logger.warn(`Endpoint ${endpointId} disabled: ${reason}.`, { endpointId, reason });
    if (this.events.wants('endpoint.disabled'))
      this.events.publish({ kind: 'endpoint.disabled', endpointId, reason, at: now });
  }
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours)} h`;
  return `${Math.round(ms / 60_000)} min`;
}
