import { MASKED_HEADER_VALUE } from '../endpoints/endpoint-headers.seal.js';
import type { WebhookAttemptRequest } from '../outbox/entities/webhook-attempt.entity.js';

/** Header names whose values are credentials of the receiver's (an endpoint's extra headers often carry one). */
const CREDENTIAL = /auth|cookie|token|secret|key|password|session/i;

/** A stored URL is cut here: a GET carries the whole event in its query, which the body of record already holds. */
export const MAX_STORED_URL_LENGTH = 4096;

/** `v1,abc= v1a,def=` → `v1,… v1a,…`: which schemes signed stays visible, the values do not. */
function elideSignatures(value: string): string {
  // One signature (one live secret) is the usual case: no arrays for it on the relay's path.
  if (!value.includes(' ')) return `${value.slice(0, value.indexOf(','))},${MASKED_HEADER_VALUE}`;
  return value
    .split(' ')
    .map((signature) => `${signature.split(',')[0]},${MASKED_HEADER_VALUE}`)
    .join(' ');
}

/** The lower-cased names of an endpoint's own headers, made once per resolved endpoint (its headers object). */
const ownNames = new WeakMap<object, ReadonlySet<string>>();

function ownHeaderNames(ownHeaders: Readonly<Record<string, string>>): ReadonlySet<string> {
  let names = ownNames.get(ownHeaders);
  if (!names) {
    names = new Set(Object.keys(ownHeaders).map((name) => name.toLowerCase()));
    ownNames.set(ownHeaders, names);
  }
  return names;
}

/**
 * A request's headers as the delivery log may show them: `webhook-signature` values reduced to their schemes, and
 * every value of the endpoint's own headers (write-only, whatever their names) and of credential-like headers
 * elided. The one rule for both the stored attempt and the rebuilt preview.
 */
export function elideSentHeaders(
  headers: Readonly<Record<string, string>>,
  ownHeaders: Readonly<Record<string, string>>,
): Record<string, string> {
  const own = ownHeaderNames(ownHeaders);
  const elided: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name] as string;
    if (name === 'webhook-signature') elided[name] = elideSignatures(value);
    else
      elided[name] =
        CREDENTIAL.test(name) || (own.size > 0 && own.has(name.toLowerCase())) ? MASKED_HEADER_VALUE : value;
  }
  return elided;
}

/**
 * The `webhook_attempt.request` text of a request as it goes out: method, URL (cut at `MAX_STORED_URL_LENGTH`, the
 * cut marked) and elided headers, as JSON, made once per attempt from the request already built.
 */
export function attemptRequestJson(
  request: { method: 'GET' | 'POST'; url: string; headers: Readonly<Record<string, string>> },
  ownHeaders: Readonly<Record<string, string>>,
): string {
  const stored: WebhookAttemptRequest = {
    method: request.method,
    url:
      request.url.length > MAX_STORED_URL_LENGTH
        ? `${request.url.slice(0, MAX_STORED_URL_LENGTH - 1)}${MASKED_HEADER_VALUE}`
        : request.url,
    headers: elideSentHeaders(request.headers, ownHeaders),
  };
  return JSON.stringify(stored);
}
