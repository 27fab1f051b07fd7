import type { AttemptBucket, EndpointFailureCount, EndpointStatus, LatencyPercentiles, Stats } from './api-client.js';
import { AttemptsChart } from './attempts-chart.js';
import { type EndpointsById, EndpointName, endpointsById } from './delivery-endpoint.js';
import { EndpointState, truthfulState } from './endpoint-state.js';
import { FailingMostTable } from './failing-most-table.js';
import { LoadError, UpdatedAt } from './load-error.js';
import { formatAge } from './time-format.js';
import { type ApiState, useApi } from './use-api.js';
import { useWords } from './wording.js';

/**
 * What is waiting, what finished in the last hour, and the endpoints that fail: live (loaded again every few seconds
 * while the tab is shown), saying when it was last updated.
 */
export function OverviewView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const words = useWords().overview;
  const live = { live: true };
  const stats = useApi<Stats>('stats', onUnauthorized, live);
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized, live);
  const timeline = useApi<AttemptBucket[]>('stats/timeline?hours=3', onUnauthorized, live);
  const latency = useApi<LatencyPercentiles>('stats/latency', onUnauthorized, live);
  const failingMost = useApi<EndpointFailureCount[]>('stats/failing-endpoints', onUnauthorized, live);
  const all = combined([stats, endpoints, timeline, latency, failingMost]);
  const byId = endpointsById(endpoints.data);
  const s = stats.data;
  return (
    <section data-testid="overview">
      <h2>Overview</h2>
      <LoadError state={all} />
      {s && (
        <div class="tiles" data-testid="tiles">
          <Tile id="succeeded" label={words.succeeded} value={s.succeeded} />
          <Tile id="failed" label={words.failed} value={s.failed} />
          <Tile id="pending" label={words.pending} value={s.pending} />
          {words.due && <Tile label={words.due} value={s.due} />}
          {words.oldestDue && <Tile label={words.oldestDue} value={formatAge(s.oldestDueLag)} />}
          {words.unfanned && <Tile label={words.unfanned} value={s.unfannedEvents} />}
        </div>
      )}
      {latency.data && (
        <>
          <div class="tiles" data-testid="latency-tiles">
            <Tile label={words.latencyP50} value={formatLatency(latency.data.p50)} />
            <Tile label={words.latencyP95} value={formatLatency(latency.data.p95)} />
            <Tile label={words.latencyP99} value={formatLatency(latency.data.p99)} />
            <Tile label={words.measured} value={latency.data.deliveries} />
          </div>
          <p class="muted small-print">{words.latencyExplained}</p>
        </>
      )}
      {timeline.data && <AttemptsChart buckets={timeline.data} />}
      <h3>Endpoints with the most failed attempts, last hour</h3>
      {failingMost.data === undefined ? (
        <Pending state={failingMost} />
      ) : (
        <FailingMostTable counts={failingMost.data} endpoints={byId} />
      )}
      <h3>Endpoints failing now</h3>
      {endpoints.data === undefined ? (
        <Pending state={endpoints} />
      ) : (
        <FailingNow endpoints={endpoints.data} byId={byId} />
      )}
      <UpdatedAt at={all.updatedAt} />
    </section>
  );
}

/** The endpoints not sending as they should: failing (since when), paused (until when), disabled (why). */
function FailingNow({ endpoints, byId }: { endpoints: EndpointStatus[]; byId: EndpointsById }) {
  const failing = endpoints.filter((endpoint) => truthfulState(endpoint) !== 'active');
  if (failing.length === 0)
    return (
      <p class="muted" data-testid="no-failing-endpoints">
        None: every endpoint's last attempt succeeded.
      </p>
    );
  return (
    <table class="stacked" data-testid="failing-endpoints">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {failing.map((endpoint) => (
          <tr key={endpoint.id}>
            <td data-label="Endpoint">
              <div>
                <EndpointName id={endpoint.id} endpoints={byId} />
                {/* Named by its description: its URL too, where it fails. */}
                {endpoint.description && <div class="muted wrap-anywhere">{endpoint.url}</div>}
              </div>
            </td>
            <td data-label="State">
              <EndpointState endpoint={endpoint} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Loads of one view as one state: the first error, the oldest update, one retry for all. */
function combined(states: Array<ApiState<unknown>>): Pick<ApiState<unknown>, 'error' | 'updatedAt' | 'reload'> {
  const times = states.map((state) => state.updatedAt);
  return {
    error: states.find((state) => state.error)?.error,
    updatedAt: times.some((time) => time === undefined) ? undefined : Math.min(...(times as number[])),
    reload: async () => {
      await Promise.all(states.map((state) => state.reload()));
    },
  };
}

/** Before the first answer: loading, or nothing more when the load failed (the error above says why). */
function Pending({ state }: { state: ApiState<unknown> }) {
  return <p class="muted">{state.error ? 'Not loaded.' : 'Loading…'}</p>;
}

function formatLatency(ms: number | null): string {
  return ms === null ? '–' : formatAge(ms);
}

function Tile({ id, label, value }: { id?: string; label: string; value: number | string }) {
  return (
    <div class="tile" data-testid={id && `tile-${id}`}>
      <div class="value">{value}</div>
      <div class="label">{label}</div>
    </div>
  );
}
