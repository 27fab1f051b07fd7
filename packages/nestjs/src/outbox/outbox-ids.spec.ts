import { describe, expect, it } from 'vitest';
import { newOutboxId } from './outbox-ids.js';

describe('outbox ids', () => {
  it('have a prefix and 32 hex digits', () => {
    expect(newOutboxId('msg')).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('sort in the order they were made, also many within one millisecond', () => {
    const ids = Array.from({ length: 70_000 }, () => newOutboxId('msg'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
