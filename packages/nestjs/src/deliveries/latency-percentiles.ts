/** Commit → delivered times over a window, in ms; each percentile `null` when nothing was delivered. */
export interface WebhookLatencyPercentiles {
  /** Start of the window (epoch ms). */
  since: number;
  /** How many deliveries the figures are over (the latest ones, at most the sample size). */
  deliveries: number;
  /** Half of the deliveries took at most this long. */
  p50: number | null;
  /** 95 % of the deliveries took at most this long. */
  p95: number | null;
  /** 99 % of the deliveries took at most this long. */
  p99: number | null;
  /** The longest. */
  max: number | null;
}

/** The nearest-rank percentile `p` (0–100] of ascending `sorted`: a value that occurred, never an interpolation. */
export function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** p50, p95, p99 and the maximum of `latencies` (any order), by nearest rank. */
export function latencyPercentiles(since: number, latencies: readonly number[]): WebhookLatencyPercentiles {
  if (latencies.length === 0) return { since, deliveries: 0, p50: null, p95: null, p99: null, max: null };
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    since,
    deliveries: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}
