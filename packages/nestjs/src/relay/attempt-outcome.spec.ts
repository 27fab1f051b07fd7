import { describe, expect, it } from 'vitest';
import { resolveWebhookOptions } from '../webhook-options.resolver.js';
import { decideAfterFailure, type FailedAttempt } from './attempt-outcome.js';

const now = 1_000_000_000;
const options = resolveWebhookOptions({ retry: { jitter: 0 } });
const failure = (overrides: Partial<FailedAttempt>): FailedAttempt => ({
  endpointId: 'erp',
  eventType: 'order.created',
  attemptInSeries: 1,
  statusCode: 500,
  error: 'HTTP 500',
  ...overrides,
});

describe('what follows a failed attempt', () => {
  it('retries an ordinary failure after the backoff delay, without touching the endpoint', () => {
    expect(decideAfterFailure(failure({}), now, options)).toEqual({
      next: { status: 'pending', nextAttemptAt: now + 5000 },
    });
  });

  it('fails the delivery as rejected and disables the endpoint on 410 Gone', () => {
    expect(decideAfterFailure(failure({ statusCode: 410, error: 'HTTP 410' }), now, options)).toEqual({
      next: { status: 'failed', reason: 'rejected' },
      disableEndpoint: 'the endpoint answered 410 Gone',
    });
  });

  it('pauses the endpoint on 429, 502, 503 and 504, until Retry-After or else for throttlePause', () => {
    for (const statusCode of [429, 502, 503, 504]) {
      expect(decideAfterFailure(failure({ statusCode }), now, options).pauseEndpointUntil).toBe(now + 60_000);
    }
    const decision = decideAfterFailure(failure({ statusCode: 503, retryAfter: '120' }), now, options);
    expect(decision).toEqual({
      next: { status: 'pending', nextAttemptAt: now + 120_000 },
      pauseEndpointUntil: now + 120_000,
    });
  });

  it('never retries before a Retry-After, and never waits longer than retry.maxDelay for one', () => {
    expect(decideAfterFailure(failure({ statusCode: 500, retryAfter: '30' }), now, options)).toEqual({
      next: { status: 'pending', nextAttemptAt: now + 30_000 },
    });
    const capped = decideAfterFailure(failure({ statusCode: 429, retryAfter: String(365 * 24 * 3600) }), now, options);
    expect(capped.pauseEndpointUntil).toBe(now + options.retry.maxDelay);
  });

  it('keeps the backoff delay when it is longer than Retry-After', () => {
    const late = decideAfterFailure(failure({ attemptInSeries: 4, retryAfter: '1' }), now, options);
    expect(late.next).toEqual({ status: 'pending', nextAttemptAt: now + 5000 * 4 ** 3 });
  });

  it('fails the delivery as exhausted after the last attempt of the series', () => {
    expect(decideAfterFailure(failure({ attemptInSeries: 12 }), now, options).next).toEqual({
      status: 'failed',
      reason: 'exhausted',
    });
  });

  it('lets retryIf refuse a retry, and shows it the failure', () => {
    const seen: unknown[] = [];
    const strict = resolveWebhookOptions({
      retry: {
        retryIf: (attempt) => {
          seen.push(attempt);
          return attempt.statusCode === null || attempt.statusCode >= 500;
        },
      },
    });
    expect(decideAfterFailure(failure({ statusCode: 422, error: 'HTTP 422' }), now, strict).next).toEqual({
      status: 'failed',
      reason: 'rejected',
    });
    expect(decideAfterFailure(failure({ statusCode: 500 }), now, strict).next.status).toBe('pending');
    expect(seen[0]).toMatchObject({
      endpointId: 'erp',
      eventType: 'order.created',
      attemptNumber: 1,
      statusCode: 422,
      error: 'HTTP 422',
    });
  });
});
