/**
 * Milliseconds to wait according to a `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP date), or
 * `undefined` when it is absent or unreadable. A date in the past means no wait.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only dates that look like HTTP dates: Date.parse accepts far more than the RFC allows.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
