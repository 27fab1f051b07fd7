import { describe, expect, it } from 'vitest';
import { TestWebhookClock } from './test-clock.js';

describe('TestWebhookClock', () => {
  it('stands still until it is moved', () => {
    const clock = new TestWebhookClock(1_000);
    expect([clock.now(), clock.now()]).toEqual([1_000, 1_000]);
  });

  it('moves forward by advance(ms) and to a later time by set()', () => {
    const clock = new TestWebhookClock(new Date('2026-01-31T12:00:00Z'));
    clock.advance(300_000);
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-31T12:05:00.000Z');
    clock.set(new Date('2026-02-01T00:00:00Z'));
    expect(new Date(clock.now()).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('never goes back, and says so', () => {
    const clock = new TestWebhookClock(10_000);
    expect(() => clock.advance(-1)).toThrow(/finite number ≥ 0; got -1/);
    expect(() => clock.set(9_999)).toThrow(/never goes back/);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(10_000);
  });

  it('refuses a start that is not a time', () => {
    expect(() => new TestWebhookClock(new Date('not a date'))).toThrow(/start must be a Date or epoch milliseconds/);
  });
});
