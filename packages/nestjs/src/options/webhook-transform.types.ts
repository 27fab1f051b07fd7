/** An event's body as a transformation sees it: `{ type, timestamp, sequence?, data, changes? }`, parsed. */
export interface WebhookEventBody {
  type: string;
  timestamp: string;
  sequence?: number;
  data: unknown;
  changes?: Record<string, { old: unknown; new: unknown }>;
}

/**
 * What a transformation makes of an event for one endpoint. Every field is optional: `body` replaces the event's
 * body (any JSON value, encoded by the endpoint's `bodyFormat`), `headers` are added to the endpoint's own (not the
 * ones the sender sets: `content-type`, `user-agent`, `webhook-*`), `method` replaces the endpoint's. `null` drops the
 * event for that endpoint: no delivery is made.
 */
export interface WebhookTransformResult {
  body?: unknown;
  method?: 'POST' | 'GET';
  headers?: Record<string, string>;
}

/**
 * A transformation of an endpoint in options: a synchronous function of the event, run when the event is fanned out.
 * It runs in your process with your code's rights; stored endpoints take a JMESPath expression instead, which cannot.
 */
export type WebhookTransformFunction = (event: WebhookEventBody) => WebhookTransformResult | null;

/** A transformation ready to run, from options (a function) or stored (a checked JMESPath expression). */
export interface CompiledWebhookTransform {
  /** The JMESPath expression of a stored endpoint, or `'(function)'` for an endpoint in options. */
  source: string;
  run(event: WebhookEventBody): unknown;
}
