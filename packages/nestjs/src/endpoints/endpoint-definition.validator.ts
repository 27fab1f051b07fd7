import type { WebhookFieldError } from '../errors/webhook-validation.error.js';
import type { DestinationPolicy } from './destination-policy.js';
import { parseEventTypePattern } from '../emit/event-type-pattern.js';
import { checkWebhookFilter } from './webhook-filter.js';
import { HEADER_NAME, RESERVED_HEADERS } from './request-headers.js';
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

const MAX_DESCRIPTION = 1000;
const MAX_URL = 2048;

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
  else if (input.url.length > MAX_URL) wrong('url', `is longer than ${MAX_URL} characters.`);
  else {
    try {
      destinations.checkUrl(input.url);
    } catch (error) {
      wrong('url', (error as Error).message);
    }
  }
  if (input.eventTypes !== undefined) {
    if (!Array.isArray(input.eventTypes) || input.eventTypes.length === 0) {
      wrong('eventTypes', "must be a non-empty list of event types, e.g. ['order.created'], ['order.*'] or ['*'].");
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
  if (input.headers !== undefined) {
    if (typeof input.headers !== 'object' || input.headers === null || Array.isArray(input.headers)) {
      wrong('headers', 'must be an object of header names to string values.');
    } else {
      for (const [name, value] of Object.entries(input.headers)) {
        const field = `headers.${name}`;
        if (!HEADER_NAME.test(name)) wrong(field, 'is not a valid header name.');
        else if (RESERVED_HEADERS.has(name.toLowerCase()))
          wrong(field, 'is set by the sender itself and cannot be replaced.');
        else if (typeof value !== 'string' || /[\r\n\0]/.test(value))
          wrong(field, 'must be a string without line breaks.');
      }
    }
  }
  if (input.description !== undefined && input.description !== null) {
    if (typeof input.description !== 'string') wrong('description', 'must be a string.');
    else if (input.description.length > MAX_DESCRIPTION)
      wrong('description', `is longer than ${MAX_DESCRIPTION} characters.`);
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
