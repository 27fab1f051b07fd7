import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ExchangeDeadline } from './exchange-deadline.js';

describe('ExchangeDeadline', () => {
  it('aborts its signal once the timeout has passed', async () => {
    const deadline = new ExchangeDeadline(10);
    expect(deadline.expired).toBe(false);
    await delay(40);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(true);
  });

  it('never aborts once cleared: an answered exchange leaves no timer to fire', async () => {
    const deadline = new ExchangeDeadline(10);
    deadline.clear();
    await delay(40);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('aborts at once when the relay abandons the exchange, saying so rather than "timed out"', () => {
    const abandon = new AbortController();
    const deadline = new ExchangeDeadline(10_000, abandon.signal);
    abandon.abort(new Error('the claim could not be renewed'));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(false);
    expect(deadline.describe()).toBe('abandoned: the claim could not be renewed');
    deadline.clear();
  });
});
