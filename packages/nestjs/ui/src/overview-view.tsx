import { LoadError } from './load-error.js';
import type { AttemptBucket, EndpointFailureCount, EndpointStatus, LatencyPercentiles, Stats } from './api-client.js';
import { AttemptsChart } from './attempts-chart.js';
import { FailingMostTable } from './failing-most-table.js';
import { formatAge, formatTime } from './time-format.js';
import { useApi } from './use-api.js';

/** What is waiting, what finished in the last hour, and the endpoints that fail. */
export function OverviewView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const stats = useApi<Stats>('stats', onUnauthorized);
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized);
  const timeline = useApi<AttemptBucket[]>('stats/timeline?hours=3', onUnauthorized);
  const latency = useApi<LatencyPercentiles>('stats/latency', onUnauthorized);
  const failingMost = useApi<EndpointFailureCount[]>('stats/failing-endpoints', onUnauthorized);
  const failing = (endpoints.data ?? []).filter((endpoint) => endpoint.failingSince !== null || endpoint.disabled);
  const s = stats.data;
  return (
    <section>
      <LoadError state={stats} />
      {s && (
        <div class="tiles" data-testid="tiles">
          <Tile label="Succeeded, last hour" value={s.succeeded} />
          <Tile label="Failed, last hour" value={s.failed} />
          <Tile label="Pending" value={s.pending} />
          <Tile label="Due now" value={s.due} />
          <Tile label="Oldest due waits" value={formatAge(s.oldestDueLag)} />
          <Tile label="Not fanned out" value={s.unfannedEvents} />
        </div>
      )}
      {latency.data && (
        <div class="tiles" data-testid="latency-tiles">
          <Tile label="Commit → delivered p50" value={formatLatency(latency.data.p50)} />
          <Tile label="p95" value={formatLatency(latency.data.p95)} />
          <Tile label="p99" value={formatLatency(latency.data.p99)} />
          <Tile label="Deliveries measured, last hour" value={latency.data.deliveries} />
        </div>
      )}
      {timeline.data && <AttemptsChart buckets={timeline.data} />}
      <h2>Endpoints that fail most, last hour</h2>
      {failingMost.data === undefined ? <p class="muted">Loading…</p> : <FailingMostTable counts={failingMost.data} />}
      <h2>Failing now</h2>
      {endpoints.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : failing.length === 0 ? (
        <p class="muted" data-testid="no-failing-endpoints">
          None: every endpoint's last attempt succeeded.
        </p>
      ) : (
        <table data-testid="failing-endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>URL</th>
              <th>Failing since</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {failing.map((endpoint) => (
              <tr key={endpoint.id}>
                <td>{endpoint.id}</td>
                <td>{endpoint.url}</td>
                <td>{formatTime(endpoint.failingSince)}</td>
                <td>{endpoint.disabled ? `disabled: ${endpoint.disabled.reason}` : 'retrying'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function formatLatency(ms: number | null): string {
  return ms === null ? '–' : formatAge(ms);
}

function Tile({ label, value }: { label: string; value: number | string }) {
  return (
    <div class="tile">
      <div class="value">{value}</div>
      <div class="label">{label}</div>
    </div>
  );
}
