import type { AttemptBucket, EndpointStatus, Stats } from './api-client.js';
import { AttemptsChart } from './attempts-chart.js';
import { formatAge, formatTime, useApi } from './use-api.js';

/** What is waiting, what finished in the last hour, and the endpoints that fail. */
export function OverviewView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const stats = useApi<Stats>('stats', onUnauthorized);
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized);
  const timeline = useApi<AttemptBucket[]>('stats/timeline?hours=3', onUnauthorized);
  const failing = (endpoints.data ?? []).filter((endpoint) => endpoint.failingSince !== null || endpoint.disabled);
  const s = stats.data;
  return (
    <section>
      {stats.error && <p class="error">{stats.error}</p>}
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
      {timeline.data && <AttemptsChart buckets={timeline.data} />}
      <h2>Failing endpoints</h2>
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

function Tile({ label, value }: { label: string; value: number | string }) {
  return (
    <div class="tile">
      <div class="value">{value}</div>
      <div class="label">{label}</div>
    </div>
  );
}
