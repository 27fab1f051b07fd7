import { describe, expect, it } from 'vitest';
import { defaultEventName } from './webhook-metadata.accessor.js';

describe('default event names', () => {
  it.each([
    ['Order', 'order'],
    ['OrderItem', 'order_item'],
    ['OrderItemEntity', 'order_item'],
    ['HTTPRequestLog', 'http_request_log'],
    ['Entity', 'entity'],
  ])('names events of %s "%s.*"', (className, name) => {
    expect(defaultEventName(className)).toBe(name);
  });
});
