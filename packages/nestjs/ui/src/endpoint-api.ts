// The server's own types, for their types only (nothing of the server is bundled), as in api-client.ts: a change of
// `GET stats/endpoints`, `POST endpoints/:id/dry-run` or `POST endpoints/:id/test` fails the page's type check.
import type { WebhookEndpointFigures } from '../../src/deliveries/endpoint-figures.js';
import type { WebhookDryRunResult } from '../../src/endpoints/endpoint-dry-run.js';
import type { WebhookTestEventResult } from '../../src/index.js';
import type { ApiError, EndpointStatus } from './api-client.js';
import { formatAge } from './time-format.js';

/** One endpoint's figures over a window (`GET stats/endpoints`): `null` where it had no traffic to measure. */
export type EndpointFigures = WebhookEndpointFigures;

/** What `POST endpoints/:id/dry-run` answers: the event tried, and what the endpoint would do with it. */
export type DryRunResult = WebhookDryRunResult;

/** What `POST endpoints/:id/test` answers (202); `pausedUntil`: the endpoint is paused, the test waits until then. */
export type TestEventResult = WebhookTestEventResult;

/** The API path of an endpoint (and of an action on it). */
export function endpointPath(id: string, action?: string): string {
  return `endpoints/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

/** The name people know an endpoint by: its description, else its URL. */
export function endpointName(endpoint: Pick<EndpointStatus, 'description' | 'url'>): string {
  return endpoint.description?.trim() || endpoint.url;
}

/**
 * What the API said about `field` or anything inside it (`headers.X-Key`, `rateLimit.perSecond`, `filter.$or[0]`,
 * `eventTypes[1]`): field errors of nested values are shown next to the input that holds them.
 */
export function fieldError(error: ApiError | undefined, field: string): string | undefined {
  const found = (error?.fields ?? []).filter(
    (f) => f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`),
  );
  return found.length === 0
    ? undefined
    : found.map((f) => (f.field === field ? f.message : `${f.field}: ${f.message}`)).join(' ');
}

/** `97.5 %`, or "–" when there was nothing to measure. */
export function formatRate(rate: number | null | undefined): string {
  if (rate == null) return '–';
  const percent = rate * 100;
  return `${percent === 100 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)} %`;
}

/** `120 ms`, `4 s`, or "–". */
export function formatLatency(ms: number | null | undefined): string {
  return ms == null ? '–' : formatAge(Math.round(ms));
}
