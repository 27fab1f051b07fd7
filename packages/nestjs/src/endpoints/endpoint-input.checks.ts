import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import { signingSecretError } from './signing-secret.check.js';

/** The fields of `patch` that are set (`undefined` means "leave as it is"). */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** An error per field of `input` that the call does not take, naming those it does. */
export function unknownFields(input: object, allowed: ReadonlySet<string>): WebhookFieldError[] {
  if (typeof input !== 'object' || input === null) return [{ field: '(body)', message: 'must be an object.' }];
  return Object.keys(input)
    .filter((key) => !allowed.has(key))
    .map((field) => ({ field, message: `is not a field; use ${[...allowed].join(', ')}.` }));
}

/** The error of a `secret` field that cannot sign. */
export function secretErrors(secret: unknown, field: string): WebhookFieldError[] {
  const message = signingSecretError(secret);
  return message === null ? [] : [{ field, message }];
}
