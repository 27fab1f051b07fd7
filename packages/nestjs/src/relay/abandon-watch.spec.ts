import { describe, expect, it, vi } from 'vitest';
import { AbandonWatch, abandonedMessage } from './abandon-watch.js';

describe('AbandonWatch', () => {
  it('tells every exchange watching a signal, with its reason, when it aborts', () => {
    const watch = new AbandonWatch();
    const abandon = new AbortController();
    const told: unknown[] = [];
    watch.watch(abandon.signal, (reason) => told.push(['first', reason]));
    watch.watch(abandon.signal, (reason) => told.push(['second', reason]));
    const reason = new Error('the claim could not be renewed');
    abandon.abort(reason);
    expect(told).toEqual([
      ['first', reason],
      ['second', reason],
    ]);
  });

  it('does not tell an exchange that stopped watching (it was answered)', () => {
    const watch = new AbandonWatch();
    const abandon = new AbortController();
    const onAbandon = vi.fn();
    const unwatch = watch.watch(abandon.signal, onAbandon);
    unwatch();
    abandon.abort();
    expect(onAbandon).not.toHaveBeenCalled();
  });

  it('adds one listener to a signal however many exchanges watch it', () => {
    const watch = new AbandonWatch();
    const abandon = new AbortController();
    const listen = vi.spyOn(abandon.signal, 'addEventListener');
    for (let n = 0; n < 50; n++) watch.watch(abandon.signal, () => undefined);
    expect(listen).toHaveBeenCalledTimes(1);
  });

  it('watches nothing without a signal', () => {
    expect(() => new AbandonWatch().watch(undefined, () => undefined)()).not.toThrow();
  });

  it('words the failure as the relay logs it: "abandoned:" and the reason', () => {
    expect(abandonedMessage(new Error('the claim lapses in 900 ms'))).toBe('abandoned: the claim lapses in 900 ms');
    expect(abandonedMessage('shutting down')).toBe('abandoned: shutting down');
  });
});
