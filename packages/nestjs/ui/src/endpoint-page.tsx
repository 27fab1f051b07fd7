import { useState } from 'preact/hooks';
import type { DeliverySummary, EndpointStatus } from './api-client.js';
import { EndpointActions } from './endpoint-actions.js';
import { endpointName, endpointPath } from './endpoint-api.js';
import { EndpointFiguresList, useEndpointFigures } from './endpoint-figures.js';
import { EndpointForm } from './endpoint-form.js';
import { EndpointSettings } from './endpoint-settings.js';
import { EndpointState } from './endpoint-state.js';
import { LoadError, UpdatedAt } from './load-error.js';
import { href } from './router.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';

/**
 * One endpoint's page (`#/endpoints/:id`): its state in truth, its figures over 24 hours, its latest deliveries, its
 * settings and actions; editing happens here, with a dry run of the filter and transformation before saving.
 */
export function EndpointPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const endpoint = useApi<EndpointStatus>(endpointPath(id), onUnauthorized, { live: true });
  const figures = useEndpointFigures(onUnauthorized, id);
  const deliveries = useApi<DeliverySummary[]>(
    `deliveries?endpointId=${encodeURIComponent(id)}&limit=5`,
    onUnauthorized,
    { live: true },
  );
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const e = endpoint.data;
  const reload = async () => {
    await Promise.all([endpoint.reload(), figures.reload(), deliveries.reload()]);
  };
  return (
    <section data-testid="endpoint" class="endpoint-page">
      <a href={href(['endpoints'])}>← Endpoints</a>
      <LoadError state={endpoint} />
      {e === undefined && endpoint.error === undefined && <p class="muted">Loading…</p>}
      {e && (
        <>
          <h2 class="wrap">{endpointName(e)}</h2>
          <p class="muted wrap">
            {e.description ? `${e.url} · ` : ''}
            <code>{e.id}</code>
          </p>
          <p>
            <EndpointState endpoint={e} />
          </p>
          <UpdatedAt at={endpoint.updatedAt} />
          {e.source === 'options' && (
            <p class="note" data-testid="code-endpoint-note">
              This endpoint is defined in the application’s code (the <code>endpoints</code> of{' '}
              <code>WebhookModule</code>’s options): its settings are changed there and take effect when the application
              is deployed. It can be disabled, enabled and tested here.
            </p>
          )}
          <h3>Figures, last 24 hours</h3>
          <LoadError state={figures} />
          <EndpointFiguresList figures={figures.byId.get(e.id)} />
          <EndpointActions
            endpoint={e}
            onChanged={reload}
            onEdit={() => {
              setSaved(false);
              setEditing(!editing);
            }}
            onUnauthorized={onUnauthorized}
          />
          {saved && (
            <p class="outcome-ok" role="status" data-testid="saved">
              Saved.
            </p>
          )}
          {editing && e.source === 'database' && (
            <EndpointForm
              key={e.id}
              editing={e}
              onUnauthorized={onUnauthorized}
              onCancel={() => setEditing(false)}
              onSaved={() => {
                setEditing(false);
                setSaved(true);
                void reload();
              }}
            />
          )}
          <h3>Recent deliveries</h3>
          <RecentDeliveries deliveries={deliveries.data} endpointId={e.id} />
          <h3>Settings</h3>
          <EndpointSettings endpoint={e} />
        </>
      )}
    </section>
  );
}

/** Its five latest deliveries, each a link, and a link to all of them in the log. */
function RecentDeliveries({
  deliveries,
  endpointId,
}: {
  deliveries: DeliverySummary[] | undefined;
  endpointId: string;
}) {
  const all = href(['deliveries'], { endpointId });
  return (
    <div data-testid="recent-deliveries">
      {deliveries !== undefined && deliveries.length === 0 && <p class="muted">None yet.</p>}
      {deliveries !== undefined && deliveries.length > 0 && (
        <ul class="recent">
          {deliveries.map((delivery) => (
            <li key={delivery.id}>
              <a href={href(['deliveries', delivery.id])}>
                <span class={`status ${delivery.status}`}>{delivery.status}</span> {delivery.eventType}
              </a>{' '}
              <span class="muted">
                {formatTime(delivery.createdAt)}
                {delivery.lastStatusCode !== null && ` · HTTP ${delivery.lastStatusCode}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={all} data-testid="all-deliveries">
          All its deliveries
        </a>
      </p>
    </div>
  );
}
