/**
 * A failed attempt's class, with few values (for metric attributes and the OpenTelemetry `error.type`): the status
 * code when one came; otherwise what the transport's message says: `timeout`, `abandoned` (the claim could not be
 * kept), `destination_refused` (the SSRF policy), a socket error code such as `ECONNREFUSED`, or `_OTHER`.
 */
export function attemptErrorType(statusCode: number | null, error: string | null): string {
  if (statusCode !== null) return String(statusCode);
  const message = error ?? '';
  if (message.startsWith('timed out')) return 'timeout';
  if (message.startsWith('abandoned')) return 'abandoned';
  // The messages of WebhookDestinationError (endpoints/destination-policy.ts).
  if (/ is refused: |URLs are not deliverable|is not an absolute URL/.test(message)) return 'destination_refused';
  const code = /\b(E[A-Z]{3,}[A-Z_]*)\b/.exec(message);
  return code ? code[1]! : '_OTHER';
}
