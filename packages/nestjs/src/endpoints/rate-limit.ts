import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import type { WebhookRateLimit } from '../options/webhook-endpoint.options.js';

const WINDOWS = { perSecond: 1_000, perMinute: 60_000 } as const;

/** What is wrong with a `rateLimit`: exactly one of `perSecond` or `perMinute`, a whole number ≥ 1. */
export function checkRateLimit(value: unknown, field = 'rateLimit'): WebhookFieldError[] {
  const shape = 'must be { perSecond: n } or { perMinute: n }, n a whole number ≥ 1.';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ field, message: shape }];
  const entries = Object.entries(value);
  if (entries.length !== 1 || !(entries[0]![0] in WINDOWS)) return [{ field, message: shape }];
  const [key, limit] = entries[0]!;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1)
    return [{ field: `${field}.${key}`, message: 'must be a whole number ≥ 1.' }];
  return [];
}

/** A checked `rateLimit` as sends per window. */
export function resolveRateLimit(
  value: WebhookRateLimit | null | undefined,
): { limit: number; windowMs: number } | null {
  if (!value) return null;
  if (value.perSecond !== undefined) return { limit: value.perSecond, windowMs: WINDOWS.perSecond };
  return { limit: value.perMinute!, windowMs: WINDOWS.perMinute };
}
