import type { DeliveryNextState } from '../outbox/outbox-store.js';
import type { ResolvedWebhookOptions } from '../options/webhook-module.options.js';

export type RetryPolicy = Omit<ResolvedWebhookOptions['retry'], 'retryIf'>;

/**
 * Delay before the attempt after `failedAttempts` failures: exponential, capped, and randomised by ±`jitter` so
 * that deliveries that failed together do not all return at the same moment.
 */
export function retryDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = policy.initialDelay * policy.factor ** Math.max(0, failedAttempts - 1);
  const base = Math.min(policy.maxDelay, exponential);
  const spread = base * policy.jitter;
  return Math.round(base - spread + 2 * spread * random());
}

/**
 * What follows failed attempt number `attemptNumber` of a series (1 for the first): a retry, or `failed`
 * (`exhausted`) after the last one.
 */
export function nextStateAfterFailure(
  attemptNumber: number,
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): DeliveryNextState {
  if (attemptNumber >= policy.attempts) return { status: 'failed', reason: 'exhausted' };
  return { status: 'pending', nextAttemptAt: now + retryDelay(attemptNumber, policy, random) };
}
