import type { EndpointAttemptSample } from '../outbox/stores/endpoint-figures.statements.js';
import { nearestRank } from './latency-percentiles.js';

/**
 * One endpoint's attempts over a window: what the dashboard shows beside its state. Counts and rates are of
 * attempts (a delivery retried three times counts three), latencies are the attempts' request durations.
 */
export interface WebhookEndpointFigures {
  /** The endpoint's id. */
  endpointId: string;
  /**
   * Start of the window the figures cover (epoch ms): the one asked for, or later when the endpoint had more
   * deliveries in it than the figures read (the latest 500): then the figures are of the window from here on.
   */
  since: number;
  /** Attempts started in the window. */
  attempts: number;
  /** Of them, answered with a 2xx. */
  succeeded: number;
  /** Of them, failed (any other answer, or none). */
  failed: number;
  /** `succeeded / attempts` (0 to 1); `null` without attempts. */
  successRate: number | null;
  /** Half of the attempts took at most this long (ms, nearest rank); `null` without attempts. */
  latencyP50: number | null;
  /** 95 % of the attempts took at most this long (ms, nearest rank); `null` without attempts. */
  latencyP95: number | null;
  /** Start of the latest successful attempt in the window (epoch ms); `null` if none. */
  lastSuccessAt: number | null;
  /** Start of the latest failed attempt in the window (epoch ms); `null` if none. */
  lastFailureAt: number | null;
}

/** The figures of one endpoint from its sampled attempts (any order). */
export function endpointFigures(endpointId: string, sample: EndpointAttemptSample): WebhookEndpointFigures {
  const { attempts } = sample;
  const succeeded = attempts.filter((attempt) => attempt.succeeded).length;
  const durations = attempts.map((attempt) => attempt.durationMs).sort((a, b) => a - b);
  const latest = (succeededOnes: boolean) =>
    attempts.reduce<number | null>(
      (at, attempt) =>
        attempt.succeeded === succeededOnes && (at === null || attempt.startedAt > at) ? attempt.startedAt : at,
      null,
    );
  return {
    endpointId,
    since: sample.from,
    attempts: attempts.length,
    succeeded,
    failed: attempts.length - succeeded,
    successRate: attempts.length === 0 ? null : succeeded / attempts.length,
    latencyP50: durations.length === 0 ? null : nearestRank(durations, 50),
    latencyP95: durations.length === 0 ? null : nearestRank(durations, 95),
    lastSuccessAt: latest(true),
    lastFailureAt: latest(false),
  };
}
