import { useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';
import type { DeliveryDetails } from './api-client.js';
import { AttemptSent, RebuiltRequest } from './attempt-request.js';
import { deliveryStatus, EndpointHold, EndpointName } from './delivery-endpoint.js';
import { LoadError, UpdatedAt } from './load-error.js';
import { href } from './router.js';
import { formatTime } from './time-format.js';
import { useApi } from './use-api.js';
import { useEndpointNames } from './use-endpoint-names.js';

/** Why a delivery failed for good, in words for an operator and a customer alike. */
const FAILURE_REASONS: Record<NonNullable<DeliveryDetails['failureReason']>, string> = {
  exhausted: 'every attempt failed',
  rejected: 'the receiver refused it for good (410 Gone, or a retry rule said not to try again)',
  'endpoint-disabled': 'its endpoint was disabled before it was sent',
  'endpoint-deleted': 'its endpoint was deleted before it was sent',
  'event-missing': 'its event was deleted before it was sent',
  'transform-failed': "the endpoint's transformation failed on its event",
};

/**
 * One delivery's page (`#/deliveries/:id`), live: its endpoint by name, its body of record, each attempt's request
 * as it was sent and what came back; the rebuilt request only while it was never attempted.
 */
export function DeliveryPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const delivery = useApi<DeliveryDetails>(`deliveries/${encodeURIComponent(id)}`, onUnauthorized, { live: true });
  const names = useEndpointNames(onUnauthorized, delivery.data ? [delivery.data.endpointId] : [], delivery.updatedAt);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>(undefined);
  const retry = async () => {
    setMessage(undefined);
    try {
      await api(`deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST', body: {} });
      setMessage({ text: 'Queued: it is sent again in a moment.', error: false });
      await delivery.reload();
    } catch (failure) {
      if (failure instanceof Unauthorized) return onUnauthorized();
      setMessage({ text: failure instanceof ApiError ? failure.message : String(failure), error: true });
    }
  };
  const d = delivery.data;
  const status = d && deliveryStatus(d);
  return (
    <section data-testid="delivery" class="delivery-page">
      <a href={href(['deliveries'])}>← Deliveries</a>
      <LoadError state={delivery} />
      {!d && !delivery.error && <p class="muted">Loading…</p>}
      {d && (
        <>
          <h2>
            {d.eventType} to <EndpointName id={d.endpointId} endpoints={names.byId} deleted={names.deleted} />:{' '}
            <span class={`status ${status}`}>{status}</span>
          </h2>
          <EndpointHold id={d.endpointId} endpoints={names.byId} status={d.status} />
          <dl class="facts">
            <dt>Delivery</dt>
            <dd>
              <code>{d.id}</code>
            </dd>
            <dt>Webhook-id (event)</dt>
            <dd>
              <code>{d.eventId}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(d.createdAt)}</dd>
            {d.status === 'pending' && (
              <>
                <dt>Next attempt</dt>
                <dd>{formatTime(d.nextAttemptAt)}</dd>
              </>
            )}
            {d.failureReason && (
              <>
                <dt>Failed because</dt>
                <dd data-testid="failure-reason">{FAILURE_REASONS[d.failureReason]}</dd>
              </>
            )}
          </dl>
          <p>
            <button class="action" type="button" onClick={() => void retry()}>
              Send again
            </button>{' '}
            {message && (
              <span class={message.error ? 'error' : undefined} role={message.error ? 'alert' : 'status'}>
                {message.text}
              </span>
            )}
          </p>
          <h3>Body</h3>
          <p class="muted">
            {d.transformed
              ? "What the endpoint's transformation made of the event; every attempt sends it byte for byte."
              : 'Every attempt sends it byte for byte.'}
          </p>
          <pre data-testid="payload" class="payload">
            {d.payload}
          </pre>
          {d.attemptLog.length === 0 ? (
            <RebuiltRequest request={d.request} />
          ) : (
            <>
              <h3>Attempts</h3>
              <ol class="attempts" data-testid="attempts">
                {d.attemptLog.map((attempt) => (
                  <li key={attempt.id} class="attempt" data-testid="attempt">
                    <h4>
                      Attempt {attempt.attemptNumber}: {attempt.statusCode ?? attempt.outcome}
                    </h4>
                    <p class="muted">
                      {formatTime(attempt.startedAt)}, {attempt.durationMs} ms
                    </p>
                    <AttemptSent attempt={attempt} />
                    {(attempt.responseExcerpt ?? attempt.error) && (
                      <>
                        <p class="muted">{attempt.responseExcerpt !== null ? 'Answer (excerpt)' : 'Error'}</p>
                        <pre class="excerpt" data-testid="excerpt">
                          {attempt.responseExcerpt ?? attempt.error}
                        </pre>
                      </>
                    )}
                  </li>
                ))}
              </ol>
            </>
          )}
          <UpdatedAt at={delivery.updatedAt} />
        </>
      )}
    </section>
  );
}
