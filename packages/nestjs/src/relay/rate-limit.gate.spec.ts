import { describe, expect, it } from 'vitest';
import { rateSlice } from './rate-limit.gate.js';

describe('rate windows', () => {
  it('cut a second into ten slices whose shares sum to the limit', () => {
    const shares = Array.from({ length: 10 }, (_, i) => rateSlice(50, 1_000, 5_000 + i * 100));
    expect(shares.map((slice) => slice.limit)).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(shares[3]).toMatchObject({ start: 5_300, end: 5_400 });
    // 7 a second: seven slices of 1/7 s, one send each.
    const uneven = Array.from({ length: 7 }, (_, i) => rateSlice(7, 1_000, Math.floor(((i + 0.5) * 1_000) / 7)));
    expect(uneven.map((slice) => slice.limit)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(uneven.at(-1)?.end).toBe(1_000);
  });

  it('give a small limit one slice per send, and a limit of one the whole window', () => {
    expect(rateSlice(2, 1_000, 10_600)).toEqual({ start: 10_500, end: 11_000, limit: 1 });
    expect(rateSlice(1, 1_000, 10_600)).toEqual({ start: 10_000, end: 11_000, limit: 1 });
  });

  it('cut a minute into slices of at least 100 ms', () => {
    expect(rateSlice(6_000, 60_000, 60_050)).toEqual({ start: 60_000, end: 60_100, limit: 10 });
  });
});
