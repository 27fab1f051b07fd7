/** Incoming headers as Node gives them (lower-case names) or as a plain record; values may be arrays. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/**
 * One header's value, found case-insensitively. A repeated header counts by its first value, and an empty one
 * counts as absent, so "present but empty" never reaches a parser as a valid value.
 */
export function readHeader(headers: IncomingHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
