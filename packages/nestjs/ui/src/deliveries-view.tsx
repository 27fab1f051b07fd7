import { LoadError } from './load-error.js';
import { useState } from 'preact/hooks';
import { api } from './api-client.js';
import { href, navigate, type Route } from './router.js';
import type { DeliveryDetails, DeliverySummary, EndpointStatus } from './api-client.js';
import { type DeliveryFilter, DeliveryFilters, deliveryQuery } from './delivery-filters.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';

const PAGE = 50;

/** The delivery log, newest first, filtered and paged; a delivery opens with its body and every attempt. */
export function DeliveriesView({ route, onUnauthorized }: { route: Route; onUnauthorized: () => void }) {
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const [pages, setPages] = useState<number[]>([]);
  const before = pages.at(-1);
  const deliveries = useApi<DeliverySummary[]>(deliveryQuery(filter, before, PAGE), onUnauthorized);
  const endpoints = useApi<EndpointStatus[]>('endpoints', onUnauthorized);
  void route;
  const rows = deliveries.data ?? [];
  return (
    <section>
      <DeliveryFilters
        endpoints={endpoints.data ?? []}
        onApply={(next) => {
          setFilter(next);
          setPages([]);
        }}
      />
      {filter.endpointId && <RecoverFailed endpointId={filter.endpointId} onDone={deliveries.reload} />}
      <LoadError state={deliveries} />
      <table data-testid="deliveries">
        <thead>
          <tr>
            <th>Created</th>
            <th>Event type</th>
            <th>Endpoint</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Last answer</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((delivery) => (
            <tr class="clickable" key={delivery.id} onClick={() => navigate(href(['deliveries', delivery.id]))}>
              <td>{formatTime(delivery.createdAt)}</td>
              <td>{delivery.eventType}</td>
              <td>{delivery.endpointId}</td>
              <td>
                <span class={`status ${delivery.status}`}>{delivery.status}</span>
              </td>
              <td>{delivery.attempts}</td>
              <td>{delivery.lastStatusCode ?? delivery.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {pages.length > 0 && (
          <button type="button" onClick={() => setPages(pages.slice(0, -1))}>
            ← Newer
          </button>
        )}{' '}
        {rows.length === PAGE && (
          <button type="button" onClick={() => setPages([...pages, rows.at(-1)!.createdAt])}>
            Older →
          </button>
        )}
      </p>
    </section>
  );
}

/** Sends again every delivery to one endpoint that failed since a time (default: the last 24 hours). */
function RecoverFailed({ endpointId, onDone }: { endpointId: string; onDone: () => void }) {
  const [since, setSince] = useState('');
  const [message, setMessage] = useState<string | undefined>(undefined);
  const recover = async () => {
    const from = since ? new Date(since).getTime() : Date.now() - 24 * 60 * 60 * 1000;
    try {
      const { retried } = await api<{ retried: number }>('deliveries/recover', {
        method: 'POST',
        body: { endpointId, status: 'failed', since: from },
      });
      setMessage(`${retried} failed deliveries sent again.`);
      onDone();
    } catch (failure) {
      setMessage((failure as Error).message);
    }
  };
  return (
    <p data-testid="recover">
      Recover the deliveries to {endpointId} that failed since{' '}
      <input type="datetime-local" value={since} onInput={(e) => setSince((e.target as HTMLInputElement).value)} />{' '}
      <button type="button" onClick={recover}>
        Send them again
      </button>{' '}
      {message}
    </p>
  );
}

export function DeliveryPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const delivery = useApi<DeliveryDetails>(`deliveries/${encodeURIComponent(id)}`, onUnauthorized);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const retry = async () => {
    try {
      await api(`deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST', body: {} });
      setMessage('Queued: it is sent again in a moment.');
      await delivery.reload();
    } catch (failure) {
      setMessage((failure as Error).message);
    }
  };
  const d = delivery.data;
  return (
    <section data-testid="delivery">
      <a href={href(['deliveries'])}>← Deliveries</a>
      <LoadError state={delivery} />
      {d && (
        <>
          <h2>
            {d.eventType} to {d.endpointId}: <span class={`status ${d.status}`}>{d.status}</span>
          </h2>
          <p class="muted">
            Delivery {d.id} of event {d.eventId}
          </p>
          <button class="action" type="button" onClick={retry}>
            Send again
          </button>
          {message && <p>{message}</p>}
          <SentRequest delivery={d} />
          <h3>Attempts</h3>
          <table data-testid="attempts">
            <thead>
              <tr>
                <th>#</th>
                <th>Started</th>
                <th>Duration</th>
                <th>Status</th>
                <th>Response / error</th>
              </tr>
            </thead>
            <tbody>
              {d.attemptLog.map((attempt) => (
                <tr key={attempt.id}>
                  <td>{attempt.attemptNumber}</td>
                  <td>{formatTime(attempt.startedAt)}</td>
                  <td>{attempt.durationMs} ms</td>
                  <td>{attempt.statusCode ?? attempt.outcome}</td>
                  <td>
                    <pre>{attempt.responseExcerpt ?? attempt.error ?? ''}</pre>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The request as sent (rebuilt by the server, signature values elided), or the stored body if the endpoint is gone. */
function SentRequest({ delivery }: { delivery: DeliveryDetails }) {
  const request = delivery.request;
  if (!request)
    return (
      <>
        <h3>Body stored</h3>
        <p class="muted">The endpoint is gone, so the request it would be sent cannot be shown.</p>
        <pre data-testid="payload">{delivery.payload}</pre>
      </>
    );
  return (
    <>
      <h3>Request</h3>
      <pre data-testid="request-line">
        {request.method} {request.url}
      </pre>
      <h3>Headers</h3>
      <pre data-testid="request-headers">
        {Object.entries(request.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n')}
      </pre>
      <p class="muted">Signature and credential values are elided; a traceparent is added when tracing is on.</p>
      <h3>Body sent</h3>
      <pre data-testid="payload">{request.body ?? '(none: a GET carries the event in its query)'}</pre>
    </>
  );
}
