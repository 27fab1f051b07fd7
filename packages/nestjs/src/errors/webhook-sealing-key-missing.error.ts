/**
 * A value of an endpoint (a signing secret or a custom header) is sealed with an encryption key that is not in
 * `encryption.keys`, so it cannot be opened, nor resealed by a rotation. The admin API answers it with 409.
 */
export class WebhookSealingKeyMissingError extends Error {
  /** Always `'WebhookSealingKeyMissingError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookSealingKeyMissingError';

  constructor(
    /** The endpoint whose value cannot be opened. */
    readonly endpointId: string,
    /** The id (fingerprint) of the missing key: the first 8 hex digits of the SHA-256 of the key's bytes. */
    readonly keyId: string,
    /** What is sealed with it: `secret` or `header <name>`. */
    readonly what: string,
  ) {
    super(
      `The ${what} of endpoint "${endpointId}" is sealed with key ${keyId}, which is not in ` +
        `encryption.keys: add that key back (after the current one) and run WebhookEndpoints.resealSecrets(), ` +
        'or, if that key is lost, delete the endpoint and create it again (its receivers then need the new secret).',
    );
  }
}
