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
});
