import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import type { DestinationPolicy } from './destination-policy.js';
import { parseEventTypePattern } from '../emit/event-type-pattern.js';
import { checkWebhookFilter } from './webhook-filter.js';
import { HEADER_NAME, RESERVED_HEADERS, headerValueError } from './request-headers.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_EVENT_TYPES,
  MAX_HEADERS,
  MAX_HEADERS_BYTES,
  MAX_URL_LENGTH,
} from './endpoint-input.limits.js';
import { checkTransformExpression } from './webhook-transform.js';
import { checkRateLimit } from './rate-limit.js';

/** The parts of an endpoint a user chooses, as they arrive (from options, code or an HTTP body): unchecked. */
export interface EndpointDefinitionInput {
  url?: unknown;
  eventTypes?: unknown;
  method?: unknown;
  bodyFormat?: unknown;
  payloadFormat?: unknown;
  headers?: unknown;
  description?: unknown;
  traceHeaders?: unknown;
  filter?: unknown;
  transform?: unknown;
  rateLimit?: unknown;
}

/** C0 controls, space, DEL and C1 controls: a URL parser drops or re-encodes them, so the URL used is not the one given. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const URL_UNSAFE = /[\x00-\x20\x7F-\x9F]/;

/**
 * Checks `input` and returns what is wrong with each field, so a caller can report every mistake at once; only
 * `url` is required. `knownTypes`, when given, also refuses patterns no known event type
 * matches (it reports the types it knows).
 */
export function checkEndpointDefinition(
  input: EndpointDefinitionInput,
  destinations: DestinationPolicy,
  { knownTypes }: { knownTypes?: (pattern: string) => string | null } = {},
): WebhookFieldError[] {
  const errors: WebhookFieldError[] = [];
  const wrong = (field: string, message: string) => errors.push({ field, message });

  if (typeof input.url !== 'string' || input.url === '') wrong('url', 'is required: the https: URL to deliver to.');
  else if (input.url.length > MAX_URL_LENGTH) wrong('url', `is longer than ${MAX_URL_LENGTH} characters.`);
  else {
    // What is not a URL at all is said first; a URL the parser would silently clean up (a tab dropped, a space
    // encoded) is refused after, so the URL stored is the URL used.
    const unsafeAt = input.url.search(URL_UNSAFE);
    try {
      destinations.checkUrl(input.url);
      if (unsafeAt >= 0)
        wrong(
          'url',
          `contains a space or control character at position ${unsafeAt + 1}: percent-encode it (a space is %20).`,
        );
    } catch (error) {
      wrong('url', (error as Error).message);
    }
  }
  if (input.eventTypes !== undefined) {
    if (!Array.isArray(input.eventTypes) || input.eventTypes.length === 0) {
      wrong('eventTypes', "must be a non-empty list of event types, e.g. ['order.created'], ['order.*'] or ['*'].");
    } else if (input.eventTypes.length > MAX_EVENT_TYPES) {
      wrong(
        'eventTypes',
        `has ${input.eventTypes.length} patterns; at most ${MAX_EVENT_TYPES} (a wildcard such as 'order.*' covers a family).`,
      );
    } else {
      for (const [index, pattern] of (input.eventTypes as unknown[]).entries()) {
        const field = `eventTypes[${index}]`;
        if (typeof pattern !== 'string') {
          wrong(field, 'must be a string.');
          continue;
        }
        try {
          parseEventTypePattern(pattern);
        } catch (error) {
          wrong(field, (error as Error).message);
          continue;
        }
        const unknown = knownTypes?.(pattern);
        if (unknown) wrong(field, unknown);
      }
    }
  }
  if (input.method !== undefined && input.method !== 'POST' && input.method !== 'GET') {
    wrong('method', `must be "POST" or "GET"; got ${JSON.stringify(input.method)}.`);
  }
  if (input.bodyFormat !== undefined && !['json', 'form', 'xml'].includes(input.bodyFormat as string)) {
    wrong('bodyFormat', `must be "json", "form" or "xml"; got ${JSON.stringify(input.bodyFormat)}.`);
  }
  if (input.payloadFormat !== undefined && input.payloadFormat !== 'full' && input.payloadFormat !== 'thin') {
    wrong('payloadFormat', `must be "full" or "thin"; got ${JSON.stringify(input.payloadFormat)}.`);
  }
  if ((input.bodyFormat === 'form' || input.bodyFormat === 'xml') && input.method === 'GET')
    wrong('bodyFormat', `a GET request has no body: use POST for "${input.bodyFormat}".`);
  if (input.headers !== undefined) errors.push(...headersErrors(input.headers));
  if (input.description !== undefined && input.description !== null) {
    if (typeof input.description !== 'string') wrong('description', 'must be a string.');
    else if (input.description.length > MAX_DESCRIPTION_LENGTH)
      wrong('description', `is longer than ${MAX_DESCRIPTION_LENGTH} characters.`);
  }
  if (input.traceHeaders !== undefined && typeof input.traceHeaders !== 'boolean') {
    wrong('traceHeaders', 'must be true or false.');
  }
  if (input.filter !== undefined && input.filter !== null) errors.push(...checkWebhookFilter(input.filter, 'filter'));
  if (input.rateLimit !== undefined && input.rateLimit !== null) errors.push(...checkRateLimit(input.rateLimit));
  if (input.transform !== undefined && input.transform !== null) {
    // A function in options runs the application's own code; a stored transformation is a JMESPath expression.
    if (typeof input.transform !== 'function') errors.push(...checkTransformExpression(input.transform, 'transform'));
  }
  return errors;
}

/**
 * The errors of an endpoint's custom headers: their count and total size first (a set over either is reported as
 * one error, not one per header), then each name and value.
 */
function headersErrors(headers: unknown): WebhookFieldError[] {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    return [{ field: 'headers', message: 'must be an object of header names to string values.' }];
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > MAX_HEADERS)
    return [{ field: 'headers', message: `has ${entries.length} headers; at most ${MAX_HEADERS}.` }];
  const bytes = entries.reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : 0),
    0,
  );
  if (bytes > MAX_HEADERS_BYTES)
    return [
      { field: 'headers', message: `are ${bytes} bytes (names and values); at most ${MAX_HEADERS_BYTES} together.` },
    ];
  const errors: WebhookFieldError[] = [];
  for (const [name, value] of entries) {
    const field = `headers.${name}`;
    const valueError = headerValueError(value);
    if (!HEADER_NAME.test(name)) errors.push({ field, message: 'is not a valid header name.' });
    else if (RESERVED_HEADERS.has(name.toLowerCase()))
      errors.push({ field, message: 'is set by the sender itself and cannot be replaced.' });
    else if (valueError !== null) errors.push({ field, message: valueError });
  }
  return errors;
}
