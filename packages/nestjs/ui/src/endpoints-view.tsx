import { api } from './api-client.js';
import type { EndpointStatus } from './api-client.js';
import { formatTime, useApi } from './use-api.js';

function stateOf(endpoint: EndpointStatus): 'active' | 'paused' | 'disabled' {
  if (endpoint.disabled) return 'disabled';
  return endpoint.pausedUntil !== null ? 'paused' : 'active';
}

/** Every endpoint with its health; disable and enable. */
export function EndpointsView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized);
  const act = async (endpoint: EndpointStatus, action: 'enable' | 'disable') => {
    await api(`endpoints/${encodeURIComponent(endpoint.id)}/${action}`, { method: 'POST', body: {} });
    await endpoints.reload();
  };
  return (
    <section>
      {endpoints.error && <p class="error">{endpoints.error}</p>}
      <table data-testid="endpoints">
        <thead>
          <tr>
            <th>Endpoint</th>
            <th>URL</th>
            <th>Event types</th>
            <th>State</th>
            <th>Failing since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(endpoints.data ?? []).map((endpoint) => {
            const state = stateOf(endpoint);
            return (
              <tr key={endpoint.id}>
                <td>
                  {endpoint.id}
                  {endpoint.description && <div class="muted">{endpoint.description}</div>}
                </td>
                <td>{endpoint.url}</td>
                <td>{endpoint.eventTypes.join(', ')}</td>
                <td>
                  <span class={`status ${state}`}>{state}</span>
                  {endpoint.disabled && <div class="muted">{endpoint.disabled.reason}</div>}
                </td>
                <td>{formatTime(endpoint.failingSince)}</td>
                <td>
                  <button
                    class="action"
                    type="button"
                    onClick={() => act(endpoint, state === 'disabled' ? 'enable' : 'disable')}
                  >
                    {state === 'disabled' ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
