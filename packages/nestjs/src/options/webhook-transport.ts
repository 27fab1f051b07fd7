/** One HTTP request of a webhook attempt, fully built and signed. */
export interface OutgoingWebhookRequest {
  /** `POST`, or `GET` for an endpoint that takes the fields as query parameters (already in `url`). */
  method: 'POST' | 'GET';
  /** The endpoint's URL, already checked by the destination policy; connect through its `lookup`. */
  url: string;
  /** Every header to send, signature headers included; send them unchanged. */
  headers: Record<string, string>;
  /** The body for POST; absent for GET. */
  body?: string;
  /** Milliseconds for the whole exchange: connect, send, and read the response. */
  timeout: number;
  /** Read at most this many bytes of the response body. */
  responseExcerptBytes: number;
  /**
   * Aborts the exchange when the relay cannot keep its claim on the delivery (its lease could not be renewed), so
   * that no other worker sends it while this one still does. A transport of your own should honour it.
   */
  signal?: AbortSignal;
}

/** What came back. Any status is a response; only a failure to get one throws. */
export interface WebhookTransportResponse {
  /** The HTTP status code. */
  status: number;
  /** The start of the response body (at most `responseExcerptBytes`), as text, for the delivery log. */
  bodyExcerpt: string;
  /** The `Retry-After` header, if the response had one. */
  retryAfter?: string;
}

/**
 * Sends webhook requests. The default is axios; another client can be plugged in with `delivery.transport`.
 * `send` resolves with any HTTP status and rejects only when no response was received (refused, reset, timeout),
 * with an error whose message says which.
 */
export interface WebhookTransport {
  /** Sends one request; resolves with any status, rejects only when no response came. */
  send(request: OutgoingWebhookRequest): Promise<WebhookTransportResponse>;
  /** Frees sockets on shutdown. */
  close?(): void | Promise<void>;
}
