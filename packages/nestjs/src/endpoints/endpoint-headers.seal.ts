import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import { type EndpointSecretCipher, isSealed } from './endpoint-secret.cipher.js';

/**
 * What every custom header value of an endpoint reads as, wherever it is shown (API, dashboard, previews): header
 * values are write-only, often a credential of the receiver's. Sent back in an update, it means "keep the value
 * stored under this name". Not ASCII, so it can never be a real value (see `headerValueError`).
 */
export const MASKED_HEADER_VALUE = '…';

/** What a header's value is sealed for: the endpoint and the header's name, so it cannot be moved to another. */
const purposeOf = (name: string) => `header:${name.toLowerCase()}`;

/**
 * The headers as stored: each value sealed with the current key, except those already sealed (kept by an update:
 * `resealSecrets()` moves them to the current key). Values stay plaintext only when no key is configured.
 */
export function sealHeaders(
  cipher: EndpointSecretCipher,
  headers: Record<string, string>,
  endpointId: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isSealed(value) ? value : cipher.seal(value, endpointId, purposeOf(name)),
    ]),
  );
}

/** Every stored value sealed with the current key (opening each): for `resealSecrets()`. */
export function resealHeaders(
  cipher: EndpointSecretCipher,
  stored: Record<string, string>,
  endpointId: string,
): Record<string, string> {
  return sealHeaders(cipher, openHeaders(cipher, stored, endpointId), endpointId);
}

/**
 * The headers as sent. Reads both forms: sealed values, and plaintext ones stored before headers were sealed.
 * Throws `WebhookSealingKeyMissingError` when a value is sealed with a key that is not configured.
 */
export function openHeaders(
  cipher: EndpointSecretCipher,
  stored: Record<string, string>,
  endpointId: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stored).map(([name, value]) => [name, cipher.open(value, endpointId, purposeOf(name))]),
  );
}

/** The names of `headers`, each value masked. */
export function maskedHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASKED_HEADER_VALUE]));
}

/** Whether every stored value is sealed with the current key (plaintext when no key is configured). */
export function headersAreCurrent(cipher: EndpointSecretCipher, stored: Record<string, string>): boolean {
  return Object.values(stored).every((value) => cipher.isCurrent(value));
}

/** The errors of header values `sealHeaders` could not tell from sealed ones (only reachable without keys). */
export function sealedLookingHeaders(headers: Record<string, string>): WebhookFieldError[] {
  return Object.entries(headers)
    .filter(([, value]) => typeof value === 'string' && isSealed(value))
    .map(([name]) => ({ field: `headers.${name}`, message: 'starts with "enc:v1:", which marks a sealed value.' }));
}

/**
 * The headers an update stores, before sealing: the new set as given, where a value of `MASKED_HEADER_VALUE` keeps
 * the value stored under that name (matched case-insensitively); names left out are removed. A masked value for a
 * name the endpoint does not have is an error.
 */
export function updatedHeaders(
  given: Record<string, string>,
  stored: Record<string, string>,
): { headers: Record<string, string>; errors: WebhookFieldError[] } {
  const storedByName = new Map(Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]));
  const headers: Record<string, string> = {};
  const errors: WebhookFieldError[] = [];
  for (const [name, value] of Object.entries(given)) {
    const kept = value === MASKED_HEADER_VALUE ? storedByName.get(name.toLowerCase()) : value;
    if (kept !== undefined) headers[name] = kept;
    else
      errors.push({
        field: `headers.${name}`,
        message: `is "${MASKED_HEADER_VALUE}" (keep the stored value), but the endpoint has no such header: give its value.`,
      });
  }
  return { headers, errors };
}
