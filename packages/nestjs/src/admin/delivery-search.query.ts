import { decodeCursor } from '../deliveries/delivery-search.cursor.js';
import type {
  WebhookBulkRetryFilter,
  WebhookDeliveryMatch,
  WebhookDeliverySearch,
  WebhookDeliverySearchStatus,
} from '../deliveries/delivery-search.js';
import { visible } from '../endpoints/endpoint-status.js';
import type { WebhookTenantScope } from '../endpoints/webhook-endpoint.types.js';
import type { ResolvedWebhookEndpoint } from '../options/webhook-endpoint.options.js';
import { type WebhookFieldError, WebhookValidationError } from '../errors/webhook-validation.error.js';

const SEARCH_STATUSES: readonly WebhookDeliverySearchStatus[] = ['pending', 'retrying', 'succeeded', 'failed'];

/** An endpoint text matching more endpoints than this is refused (the ids go into the query as parameters). */
export const MAX_MATCHED_ENDPOINTS = 500;

/** A search or recovery as the admin API takes it: `endpoint` is text to find endpoints by, resolved by the caller. */
export type AdminDeliveryMatch = Omit<WebhookDeliveryMatch, 'tenant' | 'endpointIds'> & { endpoint?: string };

const MATCH_FIELDS = ['q', 'endpointId', 'endpoint', 'status', 'statusCode', 'eventType', 'since', 'until'];
const SEARCH_FIELDS = [...MATCH_FIELDS, 'limit', 'cursor'];
const RECOVER_FIELDS = [...MATCH_FIELDS, 'dryRun'];

/** One field's value, checked: what to store, or what is wrong with it. `text`: it came in a query string. */
function checkField(field: string, value: unknown, text: boolean): { value: unknown } | { message: string } {
  const number = text && typeof value === 'string' && value !== '' ? Number(value) : value;
  const wholeFrom = (min: number, max: number, message: string) =>
    typeof number === 'number' && Number.isSafeInteger(number) && number >= min && number <= max
      ? { value: number }
      : { message };
  const textOf = (min: number, max: number) =>
    typeof value === 'string' && value.trim().length >= min && value.trim().length <= max
      ? { value: value.trim() }
      : { message: `must be text of ${min} to ${max} characters.` };
  switch (field) {
    case 'q':
      return typeof value === 'string' && value.trim().length >= 4 && value.trim().length <= 64
        ? { value: value.trim() }
        : { message: 'must be the first 4 to 64 characters of a delivery id or a webhook-id.' };
    case 'endpointId':
    case 'eventType':
      return textOf(1, 191);
    case 'endpoint':
      return textOf(1, 200);
    case 'status':
      return (SEARCH_STATUSES as readonly unknown[]).includes(value)
        ? { value }
        : { message: `must be one of ${SEARCH_STATUSES.join(', ')}.` };
    case 'statusCode':
      return wholeFrom(100, 599, 'must be an HTTP status code, 100 to 599.');
    case 'since':
    case 'until':
      return wholeFrom(0, Number.MAX_SAFE_INTEGER, 'must be a time in epoch milliseconds.');
    case 'limit':
      return wholeFrom(1, 100, 'must be a whole number from 1 to 100.');
    case 'cursor':
      return typeof value === 'string' && decodeCursor(value)
        ? { value }
        : { message: "is not a cursor a search gave: pass the previous page's next, or leave it out." };
    case 'dryRun':
      return typeof value === 'boolean' ? { value } : { message: 'must be true or false.' };
    default:
      return { message: 'unknown' };
  }
}

function parseFields<T>(input: Record<string, unknown>, fields: string[], text: boolean): T {
  const errors: WebhookFieldError[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (!fields.includes(field)) {
      errors.push({ field, message: `is not a ${text ? 'filter' : 'field'}; use ${fields.join(', ')}.` });
      continue;
    }
    if (value === undefined) continue;
    if (text && typeof value !== 'string') {
      errors.push({ field, message: 'must be given once.' });
      continue;
    }
    const checked = checkField(field, value, text);
    if ('message' in checked) errors.push({ field, message: checked.message });
    else parsed[field] = checked.value;
  }
  if (errors.length > 0) throw new WebhookValidationError(errors);
  return parsed as T;
}

/** `GET deliveries/search`'s query string, every mistake reported by field; unknown parameters are refused. */
export function parseDeliverySearch(
  query: Record<string, unknown>,
): AdminDeliveryMatch & Pick<WebhookDeliverySearch, 'limit' | 'cursor'> {
  return parseFields(query, SEARCH_FIELDS, true);
}

/** `POST deliveries/recover`'s JSON body: the search's fields (no `limit` or `cursor`) and `dryRun`. */
export function parseRecoverBody(
  body: Record<string, unknown>,
): AdminDeliveryMatch & Pick<WebhookBulkRetryFilter, 'status'> & { dryRun?: boolean } {
  return parseFields(body, RECOVER_FIELDS, false);
}

/**
 * The ids of the scope's endpoints whose description, URL or id contains `text`, case-insensitively; refused when
 * more than `MAX_MATCHED_ENDPOINTS` match (a narrower text finds them).
 */
export function endpointIdsMatching(
  endpoints: readonly ResolvedWebhookEndpoint[],
  text: string,
  scope: WebhookTenantScope,
): string[] {
  const needle = text.toLowerCase();
  const ids = endpoints
    .filter((endpoint) => visible(endpoint, scope))
    .filter((endpoint) =>
      [endpoint.id, endpoint.url, endpoint.description ?? ''].some((field) => field.toLowerCase().includes(needle)),
    )
    .map((endpoint) => endpoint.id);
  if (ids.length > MAX_MATCHED_ENDPOINTS)
    throw new WebhookValidationError([
      {
        field: 'endpoint',
        message: `matches more than ${MAX_MATCHED_ENDPOINTS} endpoints; use more of a name, URL or id.`,
      },
    ]);
  return ids;
}
