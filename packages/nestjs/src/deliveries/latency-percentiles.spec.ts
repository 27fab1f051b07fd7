import { describe, expect, it } from 'vitest';
import { latencyPercentiles } from './latency-percentiles.js';

describe('latencyPercentiles', () => {
  it('gives null percentiles when nothing was delivered', () => {
    expect(latencyPercentiles(5, [])).toEqual({ since: 5, deliveries: 0, p50: null, p95: null, p99: null, max: null });
  });

  it('takes the nearest rank, so every figure is a latency that occurred', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(latencyPercentiles(0, latencies)).toEqual({
      since: 0,
      deliveries: 100,
      p50: 50,
      p95: 95,
      p99: 99,
      max: 100,
    });
  });

  it('reports the one latency of a single delivery as every percentile', () => {
    expect(latencyPercentiles(0, [42])).toMatchObject({ p50: 42, p95: 42, p99: 42, max: 42 });
  });
});
