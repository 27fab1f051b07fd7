/**
 * Thrown when an inbound webhook's body did not arrive whole within its receiver's `bodyTimeout`: a slow or hostile
 * sender trickling bytes. A sender's fault: an HTTP receiver answers 408, closes the connection and logs a warning.
 */
export class WebhookBodyTimeoutError extends Error {
  /** Always `'WebhookBodyTimeoutError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookBodyTimeoutError';

  /** @param timeoutMs - The receiver's `bodyTimeout` that ran out, in milliseconds. */
  constructor(
    /** The receiver's `bodyTimeout` that ran out, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`The body did not arrive whole within the receiver's bodyTimeout (${timeoutMs} ms).`);
  }
}
