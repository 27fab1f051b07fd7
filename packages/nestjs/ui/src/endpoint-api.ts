import type { ApiError, EndpointStatus, SentRequest } from './api-client.js';
import { formatAge } from './time-format.js';

/**
 * The endpoint views' own API shapes (contract C of issue 32): written here, not imported from the server, while the
 * server's types for them are new; they follow `GET stats/endpoints` and `POST endpoints/:id/dry-run` as documented.
 */

/** One endpoint's figures over a window (`GET stats/endpoints`): `null` where it had no traffic to measure. */
export interface EndpointFigures {
  endpointId: string;
  /** Start of the window (epoch ms). */
  since: number;
  attempts: number;
  succeeded: number;
  failed: number;
  /** Share of attempts that succeeded, 0..1. */
  successRate: number | null;
  /** Attempt duration percentiles (ms). */
  latencyP50: number | null;
  latencyP95: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
}

/** What `POST endpoints/:id/dry-run` answers: the event tried, and what the endpoint would do with it. */
export interface DryRunResult {
  event: { id: string; type: string; createdAt: number } | null;
  outcome: 'send' | 'dropped' | 'failed' | 'no-event';
  reason: string | null;
  request: SentRequest | null;
}

/** What `POST endpoints/:id/test` answers (202). */
export interface TestEventResult {
  webhookId: string;
  deliveryId: string;
  /** The endpoint is paused: the test waits until then. */
  pausedUntil?: number | null;
}

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
