import { describe, expect, it } from 'vitest';
import { encodeWebhookQuery } from './query-string.encoder.js';

describe('GET query encoding', () => {
  it('puts top-level fields first-level and nested fields under dot paths', () => {
    const query = encodeWebhookQuery({ type: 'order.created', data: { id: 7, customer: { name: 'Ada' } } });
    expect(query).toBe('type=order.created&data.id=7&data.customer.name=Ada');
  });

  it('numbers array items by index', () => {
    expect(
      encodeWebhookQuery({
        items: [
          { sku: 'A1', qty: 2 },
          { sku: 'B2', qty: 1 },
        ],
      }),
    ).toBe('items.0.sku=A1&items.0.qty=2&items.1.sku=B2&items.1.qty=1');
  });

  it('sends null as an empty value and booleans as words', () => {
    expect(encodeWebhookQuery({ note: null, paid: true })).toBe('note=&paid=true');
  });

  it('percent-encodes reserved characters so values survive the round trip', () => {
    const query = encodeWebhookQuery({ data: { customer: 'Ada & Bob=1', email: 'a+b@example.com' } });
    const parsed = new URLSearchParams(query);
    expect(parsed.get('data.customer')).toBe('Ada & Bob=1');
    expect(parsed.get('data.email')).toBe('a+b@example.com');
  });
});
