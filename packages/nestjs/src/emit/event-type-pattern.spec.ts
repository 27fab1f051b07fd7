import { describe, expect, it } from 'vitest';
import { matchesEventType, parseEventTypePattern } from './event-type-pattern.js';

const matches = (patterns: string[], type: string) => matchesEventType(patterns.map(parseEventTypePattern), type);

describe('event type patterns', () => {
  it('"*" matches every type', () => {
    expect(matches(['*'], 'order.created')).toBe(true);
    expect(matches(['*'], 'invoice.paid')).toBe(true);
  });

  it('an exact type matches only itself', () => {
    expect(matches(['order.created'], 'order.created')).toBe(true);
    expect(matches(['order.created'], 'order.updated')).toBe(false);
    expect(matches(['order.created'], 'order.created.late')).toBe(false);
  });

  it('"order.*" matches the types under order. and nothing that merely starts with "order"', () => {
    expect(matches(['order.*'], 'order.created')).toBe(true);
    expect(matches(['order.*'], 'order.item.added')).toBe(true);
    expect(matches(['order.*'], 'orders.created')).toBe(false);
    expect(matches(['order.*'], 'order')).toBe(false);
  });

  it('any one of several patterns is enough', () => {
    expect(matches(['invoice.paid', 'order.*'], 'order.deleted')).toBe(true);
    expect(matches(['invoice.paid', 'order.*'], 'customer.created')).toBe(false);
  });

  it.each(['order*', '*.created', 'order.*.x', '', 'order..created', 'order created'])(
    'refuses the pattern "%s", which would match nothing anyone meant',
    (pattern) => {
      expect(() => parseEventTypePattern(pattern)).toThrow(/not an event type pattern/);
    },
  );
});
