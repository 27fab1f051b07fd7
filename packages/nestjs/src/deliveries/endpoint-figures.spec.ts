import { describe, expect, it } from 'vitest';
import { endpointFigures } from './endpoint-figures.js';

const attempt = (startedAt: number, durationMs: number, succeeded = true) => ({ startedAt, durationMs, succeeded });

describe('endpointFigures', () => {
  it('gives zeros and nulls without attempts', () => {
    expect(endpointFigures('erp', { from: 5, capped: false, attempts: [] })).toEqual({
      endpointId: 'erp',
      since: 5,
      attempts: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      latencyP50: null,
      latencyP95: null,
      lastSuccessAt: null,
      lastFailureAt: null,
    });
  });

  it('rates successes over every attempt, failed ones included', () => {
    const attempts = [attempt(1, 10), attempt(2, 10, false), attempt(3, 10), attempt(4, 10)];
    expect(endpointFigures('erp', { from: 0, capped: false, attempts })).toMatchObject({
      attempts: 4,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
    });
  });

  it('takes p50 and p95 by nearest rank over every attempt, in any order: durations that occurred', () => {
    // 1..100 ms shuffled: nearest rank gives the 50th and 95th smallest.
    const durations = Array.from({ length: 100 }, (_, n) => ((n * 37) % 100) + 1);
    const figures = endpointFigures('erp', {
      from: 0,
      capped: false,
      attempts: durations.map((d, n) => attempt(n, d)),
    });
    expect([figures.latencyP50, figures.latencyP95]).toEqual([50, 95]);
  });

  it('gives a single attempt as both percentiles', () => {
    const figures = endpointFigures('erp', { from: 0, capped: false, attempts: [attempt(1, 42, false)] });
    expect([figures.latencyP50, figures.latencyP95]).toEqual([42, 42]);
  });

  it('names the start of the latest success and of the latest failure, whatever the order read', () => {
    const attempts = [attempt(30, 1), attempt(10, 1, false), attempt(20, 1), attempt(40, 1, false), attempt(5, 1)];
    expect(endpointFigures('erp', { from: 0, capped: false, attempts })).toMatchObject({
      lastSuccessAt: 30,
      lastFailureAt: 40,
    });
  });

  it("reports the sample's window start as `since`", () => {
    expect(endpointFigures('erp', { from: 1234, capped: true, attempts: [attempt(2000, 1)] }).since).toBe(1234);
  });
});
