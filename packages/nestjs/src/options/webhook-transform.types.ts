/** An event's body as a transformation sees it: `{ type, timestamp, sequence?, data, changes? }`, parsed. */
export interface WebhookEventBody {
  /** The event type, e.g. `order.updated`. */
  type: string;
  /** When the change was captured, ISO 8601. */
  timestamp: string;
  /** The row's sequence number, for events about an entity row. */
  sequence?: number;
  /** The entity (or the published payload), as JSON. */
  data: unknown;
  /** For an update: each changed property's old and new value. */
  changes?: Record<string, { old: unknown; new: unknown }>;
}

/**
 * What a transformation makes of an event for one endpoint. Every field is optional: `body` replaces the event's
 * body (any JSON value, encoded by the endpoint's `bodyFormat`), `headers` are added to the endpoint's own (not the
 * ones the sender sets: `content-type`, `user-agent`, `webhook-*`), `method` replaces the endpoint's. `null` drops the
 * event for that endpoint: no delivery is made.
 */
export interface WebhookTransformResult {
  /** Replaces the event's body. */
  body?: unknown;
  /** Replaces the endpoint's method. */
  method?: 'POST' | 'GET';
  /** Added to the endpoint's own headers. */
  headers?: Record<string, string>;
}

/**
 * A transformation of an endpoint in options: a synchronous function of the event, run when the event is fanned out.
 * It is your application's own code, so it runs in your process, on the event loop, with your code's rights (a
 * function cannot cross to a worker thread): keep it quick. It is timed, and a call that took longer than 50 ms fails
 * its delivery as `transform-failed`, but only once it has returned. Stored endpoints (written by tenants over the
 * API) take a JMESPath expression instead, which runs in a worker thread that is stopped at the time limit.
 */
export type WebhookTransformFunction = (event: WebhookEventBody) => WebhookTransformResult | null;

/**
 * A transformation ready to run: a function from options (run in process), or a stored JMESPath expression (run in
 * the transformation sandbox, a worker thread with a time and memory limit; see `TransformSandbox`).
 */
export type CompiledWebhookTransform =
  | { kind: 'function'; source: '(function)'; run(event: WebhookEventBody): unknown }
  | {
      kind: 'expression';
      /** The JMESPath expression, as stored. */
      source: string;
    };
