import { timeZonePreference } from './time-format.js';

/**
 * What the delivery log is filtered by, as the route's query holds it (`#/deliveries?status=failed&endpoint=erp`):
 * a filtered list is a URL, so reload, Back and a pasted link show the same list. Times are epoch ms, so a link
 * means the same moment in every reader's time zone.
 */
export interface DeliveryFilter {
  /** A prefix (4 characters or more) of a delivery id or a webhook-id. */
  q?: string;
  /** The endpoint's id (the API's `endpointId`). */
  endpoint?: string;
  /** `pending`, `retrying`, `succeeded` or `failed`. */
  status?: string;
  /** The last answer's HTTP status. */
  statusCode?: string;
  eventType?: string;
  /** Epoch ms, as text. */
  since?: string;
  until?: string;
}

/** The route's query parameters a filter is made of, in the order the form shows them. */
export const FILTER_KEYS = ['q', 'endpoint', 'status', 'statusCode', 'eventType', 'since', 'until'] as const;

/**
 * The filter a route's query holds (unknown parameters ignored, empty ones left out); `endpointId`, the API's name,
 * is read as `endpoint` too, so a link written either way works.
 */
export function filterFromParams(params: URLSearchParams): DeliveryFilter {
  const filter: DeliveryFilter = {};
  for (const key of FILTER_KEYS) {
    const value = (params.get(key) ?? (key === 'endpoint' ? params.get('endpointId') : null))?.trim();
    if (value) filter[key] = value;
  }
  return filter;
}

/** The API's names for a filter's fields: the route says `endpoint`, the API `endpointId`. */
function apiFields(filter: DeliveryFilter): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value) fields[key === 'endpoint' ? 'endpointId' : key] = value;
  }
  return fields;
}

/** `GET deliveries/search?…` for a filter and a page (`cursor`: the previous page's `next`). */
export function searchPath(filter: DeliveryFilter, cursor: string | undefined, limit: number): string {
  const params = new URLSearchParams({ ...apiFields(filter), limit: String(limit) });
  if (cursor) params.set('cursor', cursor);
  return `deliveries/search?${params}`;
}

/** The body of `POST deliveries/recover` for a filter: numbers as numbers, as the API checks them. */
export function recoverBody(filter: DeliveryFilter, dryRun: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { dryRun };
  for (const [field, value] of Object.entries(apiFields(filter)))
    body[field] = field === 'statusCode' || field === 'since' || field === 'until' ? Number(value) : value;
  return body;
}

/** Whether a filter narrows the list at all. */
export function isFiltered(filter: DeliveryFilter): boolean {
  return FILTER_KEYS.some((key) => filter[key] !== undefined);
}

/** The zone the time inputs are read in: the dashboard's UTC switch, or the browser's own. */
export function inputZone(): string {
  return timeZonePreference.utc() ? 'UTC' : 'your time zone';
}

/** Epoch ms (as text) → a `datetime-local` value, in UTC or the browser's zone as the UTC switch says. */
export function toInputTime(epochMs: string | undefined): string {
  if (!epochMs || !Number.isFinite(Number(epochMs))) return '';
  const date = new Date(Number(epochMs));
  if (timeZonePreference.utc()) return date.toISOString().slice(0, 16);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` value → epoch ms as text (`undefined` when empty or not a time). */
export function fromInputTime(value: string): string | undefined {
  if (!value) return undefined;
  const ms = timeZonePreference.utc() ? Date.parse(`${value}Z`) : new Date(value).getTime();
  return Number.isFinite(ms) ? String(ms) : undefined;
}
