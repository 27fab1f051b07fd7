import { LoadError } from './load-error.js';
import { useState } from 'preact/hooks';
import { api } from './api-client.js';
import type { EndpointStatus } from './api-client.js';
import { EndpointForm } from './endpoint-form.js';
import { RotateSecretForm } from './rotate-secret-form.js';
import { SecretOnce } from './secret-once.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';

/** Every endpoint with its health; disable and enable. */
export function EndpointsView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized);
  const [secret, setSecret] = useState<{ id: string; secret: string } | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<EndpointStatus | undefined>(undefined);
  const path = (endpoint: EndpointStatus) => `endpoints/${encodeURIComponent(endpoint.id)}`;
  const act = async (endpoint: EndpointStatus, action: 'enable' | 'disable') => {
    await api(`${path(endpoint)}/${action}`, { method: 'POST', body: {} });
    await endpoints.reload();
  };
  const [rotating, setRotating] = useState<EndpointStatus | undefined>(undefined);
  const rotate = async (endpoint: EndpointStatus, overlap: number) => {
    const rotated = await api<{ secret: string }>(`${path(endpoint)}/rotate-secret`, {
      method: 'POST',
      body: { overlap },
    });
    setRotating(undefined);
    setSecret({ id: endpoint.id, secret: rotated.secret });
    await endpoints.reload();
  };
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const sendTest = async (endpoint: EndpointStatus) => {
    const sent = await api<{ webhookId: string }>(`${path(endpoint)}/test`, { method: 'POST', body: {} });
    setNotice(`A test event (${sent.webhookId}) is on its way to ${endpoint.id}.`);
  };
  const remove = async (endpoint: EndpointStatus) => {
    if (!window.confirm(`Delete the endpoint ${endpoint.url}? Its pending deliveries fail; its log stays.`)) return;
    await api(path(endpoint), { method: 'DELETE' });
    await endpoints.reload();
  };
  return (
    <section>
      <LoadError state={endpoints} />
      {notice && <p data-testid="notice">{notice}</p>}
      {secret && <SecretOnce endpointId={secret.id} secret={secret.secret} onDone={() => setSecret(undefined)} />}
      {editing && (
        <EndpointForm
          key={editing.id}
          editing={editing}
          onUnauthorized={onUnauthorized}
          onSaved={() => {
            setEditing(undefined);
            void endpoints.reload();
          }}
        />
      )}
      {adding ? (
        <EndpointForm
          onUnauthorized={onUnauthorized}
          onCreated={(created) => {
            setAdding(false);
            setSecret(created);
            void endpoints.reload();
          }}
        />
      ) : (
        <button class="action" type="button" onClick={() => setAdding(true)}>
          Add an endpoint
        </button>
      )}
      {rotating && (
        <RotateSecretForm
          endpoint={rotating}
          onRotate={(overlap) => void rotate(rotating, overlap)}
          onCancel={() => setRotating(undefined)}
        />
      )}
      <table data-testid="endpoints" data-loaded={endpoints.data === undefined ? 'false' : 'true'}>
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
            const state = endpoint.state;
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
                  {endpoint.pausedUntil !== null && <div class="muted">until {formatTime(endpoint.pausedUntil)}</div>}
                  {endpoint.publicKeys.map((key) => (
                    <div class="muted" key={key} data-testid="public-key">
                      v1a public key: <code>{key}</code>
                    </div>
                  ))}
                  {endpoint.previousSecretExpiresAt !== null && (
                    <div class="muted" data-testid="previous-secret">
                      previous secret signs until {formatTime(endpoint.previousSecretExpiresAt)}
                    </div>
                  )}
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
                  <button type="button" onClick={() => sendTest(endpoint)}>
                    Send a test event
                  </button>{' '}
                  {endpoint.source === 'database' && (
                    <>
                      {' '}
                      <button type="button" onClick={() => setEditing(endpoint)}>
                        Edit
                      </button>{' '}
                      <button type="button" onClick={() => setRotating(endpoint)}>
                        Rotate secret
                      </button>{' '}
                      <button type="button" onClick={() => remove(endpoint)}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
