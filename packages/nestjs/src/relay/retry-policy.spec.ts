import { describe, expect, it } from 'vitest';
import { resolveWebhookOptions } from '../webhook-options.resolver.js';
import { nextStateAfterFailure, retryDelay } from './retry-policy.js';

const defaults = resolveWebhookOptions().retry;
const noJitter = { ...defaults, jitter: 0 };
const middle = () => 0.5;

describe('retry policy', () => {
  it('waits initialDelay after the first failure and multiplies by factor after each further one', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, noJitter))).toEqual([5_000, 20_000, 80_000, 320_000]);
  });

  it('never waits longer than maxDelay', () => {
    expect(retryDelay(30, noJitter)).toBe(defaults.maxDelay);
  });

  it('spreads each delay by at most ±jitter', () => {
    const policy = { ...defaults, jitter: 0.2 };
    expect(retryDelay(1, policy, () => 0)).toBe(4_000);
    expect(retryDelay(1, policy, () => 1)).toBe(6_000);
    expect(retryDelay(1, policy, middle)).toBe(5_000);
  });

  it('by default keeps retrying for about two days before giving up', () => {
    let total = 0;
    for (let attempt = 1; attempt < defaults.attempts; attempt++) total += retryDelay(attempt, defaults, middle);
    const days = total / 86_400_000;
    expect(days).toBeGreaterThan(1.5);
    expect(days).toBeLessThan(2.5);
  });

  it('schedules a retry after a failure that is not the last attempt', () => {
    expect(nextStateAfterFailure(1, 1_000, noJitter)).toEqual({ status: 'pending', nextAttemptAt: 6_000 });
  });

  it('fails the delivery as exhausted after the last attempt fails', () => {
    expect(nextStateAfterFailure(defaults.attempts, 1_000, defaults)).toEqual({
      status: 'failed',
      reason: 'exhausted',
    });
    expect(nextStateAfterFailure(3, 1_000, { ...defaults, attempts: 3 })).toEqual({
      status: 'failed',
      reason: 'exhausted',
    });
  });
});
