import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';
import { type EndpointsById, endpointLabel } from './delivery-endpoint.js';
import { type DeliveryFilter, recoverBody } from './delivery-filter.js';
import { formatTime } from './time-format.js';

type Step =
  | { step: 'closed' }
  | { step: 'counting' }
  | { step: 'counted'; matched: number; more: boolean }
  | { step: 'sending'; matched: number }
  | { step: 'done'; retried: number; more: boolean }
  | { step: 'failed'; message: string };

/**
 * "Send again" for the list's filter, across endpoints: a preview count (`POST deliveries/recover` with `dryRun`),
 * a confirmation naming the count (a modal `<dialog>`), then what the API did or why it refused. With no status in
 * the filter the API recovers the failed ones; pending and retrying ones are made due now.
 */
export function RecoveryPanel({
  filter,
  endpoints,
  onDone,
  onUnauthorized,
}: {
  filter: DeliveryFilter;
  endpoints: EndpointsById;
  onDone: () => void;
  onUnauthorized: () => void;
}) {
  const [state, setState] = useState<Step>({ step: 'closed' });
  const [confirming, setConfirming] = useState(false);
  const fail = (failure: unknown) => {
    if (failure instanceof Unauthorized) return onUnauthorized();
    const message = failure instanceof ApiError ? failure.message : String(failure);
    setState({ step: 'failed', message });
  };
  const count = async () => {
    setState({ step: 'counting' });
    try {
      const { matched, more } = await api<{ matched: number; more?: boolean }>('deliveries/recover', {
        method: 'POST',
        body: recoverBody(filter, true),
      });
      setState({ step: 'counted', matched, more: more === true });
    } catch (failure) {
      fail(failure);
    }
  };
  const send = async (matched: number) => {
    setConfirming(false);
    setState({ step: 'sending', matched });
    try {
      const { retried, more } = await api<{ retried: number; more?: boolean }>('deliveries/recover', {
        method: 'POST',
        body: recoverBody(filter, false),
      });
      setState({ step: 'done', retried, more: more === true });
      onDone();
    } catch (failure) {
      fail(failure);
    }
  };
  if (state.step === 'closed')
    return (
      <p class="recovery-open">
        <button type="button" onClick={() => void count()} data-testid="recover-open">
          Send these again…
        </button>
      </p>
    );
  const status = filter.status ?? 'failed';
  return (
    <section class="recovery" data-testid="recover" aria-labelledby="recover-title">
      <h3 id="recover-title">Send again</h3>
      <p>
        The {status} deliveries {describe(filter, endpoints)}
        {filter.status ? '' : ' (failed ones: choose a status to send others)'}.
        {(status === 'pending' || status === 'retrying') &&
          ' They are sent now instead of waiting for their next attempt.'}
      </p>
      <div aria-live="polite" data-testid="recover-state">
        {state.step === 'counting' && <p>Counting…</p>}
        {state.step === 'counted' && (
          <p>
            <span data-testid="recover-count">{countText(state.matched, state.more)}</span> match.{' '}
            {state.matched > 0 && (
              <button class="action" type="button" onClick={() => setConfirming(true)}>
                Send {sendText(state.matched, state.more)} again…
              </button>
            )}
          </p>
        )}
        {state.step === 'sending' && <p>Sending…</p>}
        {state.step === 'done' && (
          <p data-testid="recover-result">
            {state.retried.toLocaleString('en-US')} {state.retried === 1 ? 'delivery' : 'deliveries'} sent again: they
            go out in a moment.
            {state.more && ' More match: count again and send the next ones.'}
          </p>
        )}
        {state.step === 'failed' && (
          <p class="error" role="alert" data-testid="recover-error">
            {state.message}
          </p>
        )}
      </div>
      <p>
        {(state.step === 'done' || state.step === 'failed') && (
          <button type="button" onClick={() => void count()}>
            Count again
          </button>
        )}{' '}
        <button type="button" onClick={() => setState({ step: 'closed' })}>
          Close
        </button>
      </p>
      {confirming && state.step === 'counted' && (
        <ConfirmDialog
          question={`Send ${sendText(state.matched, state.more)} again?`}
          onConfirm={() => void send(state.matched)}
          onCancel={() => setConfirming(false)}
        />
      )}
    </section>
  );
}

/** A modal question: focus moves into it, Escape cancels, and the page behind is inert until it is answered. */
function ConfirmDialog({
  question,
  onConfirm,
  onCancel,
}: {
  question: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      data-testid="recover-confirm"
      aria-labelledby="recover-question"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <p id="recover-question">{question}</p>
      <p class="muted">Each is sent with its stored body and webhook-id, as a new series of attempts.</p>
      <p>
        <button class="action" type="button" onClick={onConfirm}>
          Yes, send them
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </dialog>
  );
}

/** "37 deliveries", "1 delivery", "more than 10,000 deliveries". */
function countText(matched: number, more: boolean): string {
  const count = matched.toLocaleString('en-US');
  if (more) return `more than ${count} deliveries`;
  return `${count} ${matched === 1 ? 'delivery' : 'deliveries'}`;
}

/** What one call sends: all that match, or the oldest 10,000 when more match (the API's limit a call). */
function sendText(matched: number, more: boolean): string {
  return more ? `the oldest ${matched.toLocaleString('en-US')} deliveries` : countText(matched, false);
}

/** The filter in words: "to ERP, of order.created, answered 503, created after …". */
function describe(filter: DeliveryFilter, endpoints: EndpointsById): string {
  const parts: string[] = [];
  if (filter.endpoint) {
    const endpoint = endpoints?.get(filter.endpoint);
    parts.push(`to ${endpoint ? endpointLabel(endpoint) : `the deleted endpoint ${filter.endpoint}`}`);
  } else parts.push('to every endpoint');
  if (filter.q) parts.push(`with an id starting ${filter.q}`);
  if (filter.eventType) parts.push(`of ${filter.eventType}`);
  if (filter.statusCode) parts.push(`last answered ${filter.statusCode}`);
  if (filter.since) parts.push(`created from ${formatTime(Number(filter.since))}`);
  if (filter.until) parts.push(`created before ${formatTime(Number(filter.until))}`);
  return parts.join(', ');
}
