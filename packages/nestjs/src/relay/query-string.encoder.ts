function flatten(value: unknown, key: string, into: URLSearchParams): void {
  if (value === null || value === undefined) {
    into.append(key, '');
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) flatten(item, `${key}.${index}`, into);
  } else if (typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) flatten(item, key ? `${key}.${name}` : name, into);
  } else {
    into.append(key, String(value));
  }
}

/**
 * Encodes a JSON webhook body as a flat query string for GET delivery. Nested fields use dot paths and array
 * items their index: `{ data: { customer: 'Ada', items: [{ sku: 'A1' }] } }` becomes
 * `data.customer=Ada&data.items.0.sku=A1`. `null` becomes an empty value; empty objects and arrays vanish. The
 * form is lossy by nature (every value is a string), which is why POST with JSON is the default.
 */
export function encodeWebhookQuery(body: unknown): string {
  const params = new URLSearchParams();
  flatten(body, '', params);
  return params.toString();
}
