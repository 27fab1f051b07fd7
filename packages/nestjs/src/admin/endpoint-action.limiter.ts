import { Inject, Injectable } from '@nestjs/common';
import type { EndpointActionLimit } from '../endpoints/endpoint-input.limits.js';
import type { WebhookClock } from '../webhook-clock.js';
import { WEBHOOK_CLOCK } from '../webhook.tokens.js';

/** An action on an endpoint the admin API refused for now: the caller may try again in `retryAfterSeconds`. */
export class EndpointActionLimitedError extends Error {
  override readonly name = 'EndpointActionLimitedError';

  constructor(
    readonly action: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many ${action} requests for this endpoint: try again in ${retryAfterSeconds} s.`);
  }
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (epoch ms of the module's clock). */
  at: number;
  limit: EndpointActionLimit;
}

/** Buckets kept before full ones (which mean nothing) are forgotten. */
const PRUNE_ABOVE = 10_000;

/**
 * Token buckets, per action and endpoint, in this process: how often the admin API sends to one endpoint on request
 * (`test`, `retry`, `recover`). Timed by the module's clock (`WEBHOOK_CLOCK`), so tests move time instead of waiting.
 */
@Injectable()
export class EndpointActionLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(@Inject(WEBHOOK_CLOCK) private readonly clock: WebhookClock) {}

  /** Takes one token for `action` on `key`, or throws `EndpointActionLimitedError` saying when one will be there. */
  take(action: string, key: string, limit: EndpointActionLimit): void {
    const now = this.clock.now();
    const id = `${action}\u0000${key}`;
    const bucket = this.buckets.get(id) ?? { tokens: limit.burst, at: now, limit };
    const refilled = Math.floor(Math.max(0, now - bucket.at) / limit.refillMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(limit.burst, bucket.tokens + refilled);
      bucket.at = bucket.tokens === limit.burst ? now : bucket.at + refilled * limit.refillMs;
    }
    if (bucket.tokens < 1) {
      const waitMs = bucket.at + limit.refillMs - now;
      throw new EndpointActionLimitedError(action, Math.max(1, Math.ceil(waitMs / 1000)));
    }
    bucket.tokens -= 1;
    this.buckets.set(id, bucket);
    if (this.buckets.size > PRUNE_ABOVE) this.prune(now);
  }

  private prune(now: number): void {
    for (const [id, { tokens, at, limit }] of this.buckets)
      if (tokens + (now - at) / limit.refillMs >= limit.burst) this.buckets.delete(id);
  }
}
