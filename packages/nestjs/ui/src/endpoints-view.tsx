import { useState } from 'preact/hooks';
import type { EndpointStatus } from './api-client.js';
import { endpointName, formatLatency, formatRate } from './endpoint-api.js';
import { useEndpointFigures } from './endpoint-figures.js';
import { EndpointForm } from './endpoint-form.js';
import { EndpointState } from './endpoint-state.js';
import { LoadError, UpdatedAt } from './load-error.js';
import { href } from './router.js';
import { SecretOnce } from './secret-once.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';

/**
 * Every endpoint by name, each a link to its page, with its state in truth and its figures over the last 24 hours,
 * refreshed on its own; and adding one. Actions are on each endpoint's page.
 */
export function EndpointsView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized, { live: true });
  const figures = useEndpointFigures(onUnauthorized);
  const [created, setCreated] = useState<{ id: string; secret: string } | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const list = endpoints.data ?? [];
  const when = (at: number | null | undefined) => (at == null ? '–' : formatTime(at));
  return (
    <section class="endpoints-view">
      <h2>Endpoints</h2>
      <LoadError state={endpoints} />
      {created && (
        <>
          <SecretOnce endpointId={created.id} secret={created.secret} onDone={() => setCreated(undefined)} />
          <p>
            <a href={href(['endpoints', created.id])}>Open the new endpoint’s page</a>
          </p>
        </>
      )}
      {adding ? (
        <EndpointForm
          onUnauthorized={onUnauthorized}
          onCancel={() => setAdding(false)}
          onCreated={(endpoint) => {
            setAdding(false);
            setCreated(endpoint);
            void endpoints.reload();
          }}
        />
      ) : (
        <button class="action" type="button" onClick={() => setAdding(true)}>
          Add an endpoint
        </button>
      )}
      {figures.error && (
        <p class="muted" data-testid="figures-error">
          Figures unavailable: {figures.error.message}
        </p>
      )}
      <table
        class="endpoints cards"
        data-testid="endpoints"
        data-loaded={endpoints.data === undefined ? 'false' : 'true'}
      >
        <caption class="muted">
          Figures of attempts over the last 24 hours (at most an endpoint's latest 500 deliveries); – where there was
          nothing to measure.
        </caption>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">State</th>
            <th scope="col">Success rate</th>
            <th scope="col">Latency p50 / p95</th>
            <th scope="col">Last success</th>
            <th scope="col">Last failure</th>
          </tr>
        </thead>
        <tbody>
          {list.map((endpoint) => {
            const f = figures.byId.get(endpoint.id);
            return (
              <tr key={endpoint.id} data-endpoint-id={endpoint.id}>
                <td data-label="Endpoint">
                  <a class="endpoint-link wrap" href={href(['endpoints', endpoint.id])}>
                    {endpointName(endpoint)}
                  </a>
                  {endpoint.description && <div class="muted wrap">{endpoint.url}</div>}
                  <div class="muted small wrap">
                    {endpoint.id}
                    {endpoint.source === 'options' && ' · in code'}
                  </div>
                </td>
                <td data-label="State">
                  <EndpointState endpoint={endpoint} />
                </td>
                <td data-label="Success rate" data-testid="success-rate">
                  {formatRate(f?.successRate)}
                </td>
                <td data-label="Latency p50 / p95" data-testid="latency">
                  {formatLatency(f?.latencyP50)} / {formatLatency(f?.latencyP95)}
                </td>
                <td data-label="Last success">{when(f?.lastSuccessAt)}</td>
                <td data-label="Last failure">{when(f?.lastFailureAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {endpoints.data !== undefined && list.length === 0 && <p class="muted">No endpoints yet.</p>}
      <UpdatedAt at={endpoints.updatedAt} />
    </section>
  );
}
