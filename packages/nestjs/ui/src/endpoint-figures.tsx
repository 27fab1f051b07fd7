import type { EndpointFigures } from './endpoint-api.js';
import { formatLatency, formatRate } from './endpoint-api.js';
import { formatTime } from './time-format.js';
import { useApi, type ApiState } from './use-api.js';

/** Every visible endpoint's figures over the last 24 hours, by id, refreshed with the view. */
export function useEndpointFigures(
  onUnauthorized: () => void,
  endpointId?: string,
): ApiState<EndpointFigures[]> & { byId: Map<string, EndpointFigures> } {
  const query = endpointId === undefined ? '' : `?endpointId=${encodeURIComponent(endpointId)}`;
  const figures = useApi<EndpointFigures[]>(`stats/endpoints${query}`, onUnauthorized, { live: true });
  const byId = new Map((Array.isArray(figures.data) ? figures.data : []).map((f) => [f.endpointId, f]));
  return { ...figures, byId };
}

/** When, or "–" for never (in the window). */
const when = (at: number | null | undefined) => (at == null ? '–' : formatTime(at));

/** An endpoint's figures as a list of terms (its page, and a list row on a phone). */
export function EndpointFiguresList({
  figures,
  compact = false,
}: {
  figures: EndpointFigures | undefined;
  compact?: boolean;
}) {
  const rows: Array<[string, string]> = [
    ['Success rate, 24 h', figures ? formatRate(figures.successRate) : '–'],
    [
      'Latency p50 / p95',
      figures ? `${formatLatency(figures.latencyP50)} / ${formatLatency(figures.latencyP95)}` : '–',
    ],
    ['Last success', when(figures?.lastSuccessAt)],
    ['Last failure', when(figures?.lastFailureAt)],
  ];
  if (!compact) rows.push(['Attempts, 24 h', figures ? `${figures.attempts} (${figures.failed} failed)` : '–']);
  return (
    <>
      {figures && (
        <p class="muted small" data-testid="figures-since">
          Attempts since {formatTime(figures.since)}
          {figures.since > Date.now() - 23 * 3_600_000 && ' (its latest 500 deliveries)'}.
        </p>
      )}
      <dl class="figures" data-testid="endpoint-figures">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
