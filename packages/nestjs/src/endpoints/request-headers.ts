/** Headers the request builder sets itself; an endpoint's extra headers may not replace them. */
export const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'host',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Why `value` cannot be sent as a header value exactly as given, or `null` if it can. RFC 9110 allows visible ASCII,
 * spaces and tabs inside, and obsolete bytes beyond ASCII; we take visible ASCII with inner spaces only: HTTP
 * clients and servers strip outer whitespace, and re-encode or refuse anything beyond ASCII, so the receiver would
 * see something else than what was stored.
 */
export function headerValueError(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string.';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\x00-\x1F\x7F]/.test(value))
    return 'contains a control character (line break, tab, NUL...), which HTTP does not carry in a header value.';
  if (/[^\x20-\x7E]/.test(value))
    return 'contains a character beyond ASCII, which would be changed on sending: encode it (e.g. base64 or percent-encoding).';
  if (value !== value.trim()) return 'starts or ends with a space, which would be stripped on sending.';
  return null;
}
