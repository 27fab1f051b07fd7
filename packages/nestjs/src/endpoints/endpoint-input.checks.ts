import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import { signatureVersionOf, signingSecretError } from './signing-secret.check.js';

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

/**
 * The errors of a `secret` that cannot sign and of a `signature` that is not a version, or does not match the
 * secret given with it (a `whsec_` secret makes `v1` signatures, a `whsk_` key `v1a`).
 */
export function secretErrors(secret: unknown, signature: unknown): WebhookFieldError[] {
  const errors: WebhookFieldError[] = [];
  const message = secret === undefined ? null : signingSecretError(secret);
  if (message !== null) errors.push({ field: 'secret', message });
  if (signature !== undefined && signature !== 'v1' && signature !== 'v1a')
    errors.push({ field: 'signature', message: `must be "v1" or "v1a"; got ${JSON.stringify(signature)}.` });
  else if (signature !== undefined && message === null && typeof secret === 'string') {
    const made = signatureVersionOf(secret);
    if (made !== signature)
      errors.push({ field: 'signature', message: `is "${signature}", but the secret given makes ${made} signatures.` });
  }
  return errors;
}
