import type { DeliveryNextState } from '../outbox/outbox-store.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';
import { parseRetryAfter } from './retry-after.js';
import { nextStateAfterFailure } from './retry-policy.js';

/** Statuses that mean "not now": the endpoint is paused for every worker. */
const THROTTLING_STATUSES = new Set([429, 502, 503, 504]);

/** What one attempt's result means for the delivery and for its endpoint. */
export interface AttemptDecision {
  next: DeliveryNextState;
  /** Hold every worker off the endpoint until then. */
  pauseEndpointUntil?: number;
  /** Disable the endpoint, for this reason. */
  disableEndpoint?: string;
}

/** A failed attempt, as the relay saw it. */
export interface FailedAttempt {
  endpointId: string;
  eventType: string;
  /** 1 for the first attempt of the current retry series. */
  attemptInSeries: number;
  statusCode: number | null;
  error: string;
  retryAfter?: string;
}

/**
 * Decides what follows a failed attempt: 410 Gone fails the delivery and disables the endpoint; `retryIf` may
 * refuse a retry; throttling statuses pause the endpoint until `Retry-After` (or `delivery.throttlePause`); any
 * `Retry-After` delays the next attempt at least that long; otherwise backoff, until the attempts run out.
 */
export function decideAfterFailure(
  failure: FailedAttempt,
  now: number,
  options: Pick<ResolvedWebhookOptions, 'retry' | 'delivery'>,
  random: () => number = Math.random,
): AttemptDecision {
  const { retry, delivery } = options;
  if (failure.statusCode === 410) {
    return { next: { status: 'failed', reason: 'rejected' }, disableEndpoint: 'the endpoint answered 410 Gone' };
  }
  if (retry.retryIf && !retry.retryIf({ ...failure, attemptNumber: failure.attemptInSeries })) {
    return { next: { status: 'failed', reason: 'rejected' } };
  }
  const requested = parseRetryAfter(failure.retryAfter, now);
  const wait = requested === undefined ? undefined : Math.min(requested, retry.maxDelay);
  const throttled = failure.statusCode !== null && THROTTLING_STATUSES.has(failure.statusCode);
  const pauseEndpointUntil = throttled ? now + (wait ?? delivery.throttlePause) : undefined;

  const next = nextStateAfterFailure(failure.attemptInSeries, now, retry, random);
  if (next.status === 'pending') {
    const notBefore = Math.max(wait === undefined ? 0 : now + wait, pauseEndpointUntil ?? 0);
    next.nextAttemptAt = Math.max(next.nextAttemptAt, notBefore);
  }
  return pauseEndpointUntil === undefined ? { next } : { next, pauseEndpointUntil };
}
