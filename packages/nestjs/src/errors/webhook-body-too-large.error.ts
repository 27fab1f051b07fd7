/**
 * Thrown when an inbound webhook's body is larger than its receiver's `maxBodySize`; an HTTP receiver answers 413.
 * Raise `maxBodySize` on the receiver if the sender legitimately sends more.
 */
export class WebhookBodyTooLargeError extends Error {
  /** Always `'WebhookBodyTooLargeError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookBodyTooLargeError';

  /** @param limit - The receiver's `maxBodySize` that was exceeded, in bytes. */
  constructor(
    /** The receiver's `maxBodySize` that was exceeded, in bytes. */
    readonly limit: number,
  ) {
    super(`The body is larger than the receiver's maxBodySize (${limit} bytes).`);
  }
}
