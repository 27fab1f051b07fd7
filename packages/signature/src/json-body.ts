/**
 * Parses a body as JSON, or `undefined` when it is not JSON. Schemes that read the sender's id from the body use
 * it after the signature has been checked, so only an authenticated sender's body is ever parsed here.
 */
export function parseJsonBody(payload: string | Buffer): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The string property `key` of a parsed JSON object, if there is one. */
export function stringProperty(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'string' && property !== '' ? property : undefined;
}
