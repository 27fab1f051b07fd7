/**
 * Thrown when an inbound webhook's body did not arrive whole within its receiver's `bodyTimeout`: a slow or hostile
 * sender trickling bytes. A sender's fault: an HTTP receiver answers 408, closes the connection and logs a warning.
 */
export class WebhookBodyTimeoutError extends Error {
  override readonly name = 'WebhookBodyTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`The body did not arrive whole within the receiver's bodyTimeout (${timeoutMs} ms).`);
  }
}
