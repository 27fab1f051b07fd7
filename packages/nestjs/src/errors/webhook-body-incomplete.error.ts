/**
 * Thrown when an inbound webhook's body could not be read to its end: the sender closed the connection mid-body, or
 * sent a broken chunked encoding. A sender's fault: an HTTP receiver answers 400 and logs a warning, never an error.
 */
export class WebhookBodyIncompleteError extends Error {
  /** Always `'WebhookBodyIncompleteError'`: recognisable where `instanceof` is not (logs, serialized errors). */
  override readonly name = 'WebhookBodyIncompleteError';

  constructor(cause: Error) {
    super(`The body could not be read to its end (${cause.message}).`, { cause });
  }
}
