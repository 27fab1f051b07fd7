import type { StoredEndpointSecret } from '../outbox/entities/webhook-endpoint.entity.js';
import type { EndpointSecretCipher } from './endpoint-secret.cipher.js';

/**
 * An endpoint's stored secrets after a rotation to `secret`: the new one first, then those still signing (the
 * current one until `expiresAt`, when there is an overlap), all sealed with the current key. Every stored secret must
 * open, even one the rotation drops: one sealed with a key that is gone means the keys are misconfigured (a restart
 * without them, say), and the rotation would store what they cannot open, so it throws (409 in the admin API).
 */
export function rotatedSecrets(
  cipher: EndpointSecretCipher,
  endpointId: string,
  stored: readonly StoredEndpointSecret[],
  secret: string,
  expiresAt: number | null,
  now: number,
): StoredEndpointSecret[] {
  const opened = stored.map((entry) => ({ ...entry, secret: cipher.open(entry.secret, endpointId) }));
  const previous = opened.find((entry) => entry.expiresAt === null);
  const kept = [
    ...opened.filter((entry) => entry.expiresAt !== null && entry.expiresAt > now),
    ...(previous && expiresAt !== null ? [{ ...previous, expiresAt }] : []),
  ];
  return [{ secret, expiresAt: null }, ...kept].map((entry) => ({
    secret: cipher.seal(entry.secret, endpointId),
    expiresAt: entry.expiresAt,
  }));
}
