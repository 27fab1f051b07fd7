/** When to try again after a failed attempt. */
export interface WebhookRetryOptions {
  /**
   * Attempts in total, the first included.
   *
   * @defaultValue `12` (with the default delays, about two days of retrying before the delivery is marked `dead`)
   */
  attempts?: number;
  /**
   * Delay before the second attempt, in milliseconds.
   *
   * @defaultValue `5000`
   */
  initialDelay?: number;
  /**
   * Each further delay is the previous one times this.
   *
   * @defaultValue `4`
   */
  factor?: number;
  /**
   * Upper bound of one delay, in milliseconds.
   *
   * @defaultValue `36000000` (10 hours)
   */
  maxDelay?: number;
  /**
   * Each delay is randomised by up to this fraction either way, so retries do not arrive in bursts.
   *
   * @defaultValue `0.2`
   */
  jitter?: number;
  /**
   * Decides whether a failed attempt is retried; `false` fails the delivery at once with the reason `rejected`.
   *
   * @defaultValue every failure is retried, except a 410 Gone, which disables the endpoint
   */
  retryIf?: (failure: WebhookAttemptFailure) => boolean;
}

/** A failed attempt, as `retry.retryIf` sees it. */
export interface WebhookAttemptFailure {
  /** The id of the endpoint the attempt was sent to. */
  endpointId: string;
  /** The type of the event being delivered, e.g. `order.created`. */
  eventType: string;
  /** 1 for the first attempt of the current series. */
  attemptNumber: number;
  /** The response status, or `null` when no response came (refused, reset, timeout, destination refused). */
  statusCode: number | null;
  /** What went wrong: `HTTP <status>` for a non-2xx answer, otherwise the error's message (e.g. a timeout). */
  error: string;
}
