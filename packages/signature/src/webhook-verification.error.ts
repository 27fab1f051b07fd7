/**
 * Why an inbound webhook was refused. Stable strings, safe to log and to branch on.
 *
 * - `missing-header`: a required header (id, timestamp or signature) is absent.
 * - `malformed-header`: a header is present but cannot be parsed (e.g. a timestamp that is not a number).
 * - `invalid-signature`: no signature in the header matches any of the configured secrets.
 * - `timestamp-out-of-tolerance`: the signed timestamp is too far in the past or the future.
 * - `malformed-body`: the signature is valid but the body is not what the scheme promises (e.g. a Stripe event
 *   that is not a JSON object with an `id`). An HTTP receiver answers 400 for this one, 401 for the others.
 */
export type WebhookVerificationFailureReason =
  | 'missing-header'
  | 'malformed-header'
  | 'invalid-signature'
  | 'timestamp-out-of-tolerance'
  | 'malformed-body';

/**
 * Thrown when a webhook fails verification. `reason` is machine-readable; `message` is one line for a human.
 */
export class WebhookVerificationError extends Error {
  /** Always `'WebhookVerificationError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookVerificationError';

  /**
   * @param reason - Why verification failed, for code: `WebhookVerificationFailureReason`.
   * @param message - One line for a human.
   */
  constructor(
    /** Why verification failed, for code to branch on (an HTTP receiver answers 400 or 401 by it). */
    readonly reason: WebhookVerificationFailureReason,
    message: string,
  ) {
    super(message);
  }
}
