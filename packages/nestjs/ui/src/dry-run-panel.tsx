import { useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';
import type { DryRunResult } from './endpoint-api.js';
import { endpointPath } from './endpoint-api.js';
import { FieldError } from './form-field.js';
import { formatTime } from './time-format.js';

/** What the form holds now, tried instead of what is stored (`null` removes a filter or transformation). */
export interface DryRunInput {
  filter?: unknown;
  transform?: string | null;
  method?: 'GET' | 'POST';
  bodyFormat?: string;
  payloadFormat?: string;
}

const OUTCOMES: Record<DryRunResult['outcome'], string> = {
  send: 'Would be sent',
  dropped: 'Would be dropped',
  failed: 'Would fail',
  'no-event': 'No event to try',
};

/**
 * "Try on a recent event": runs the form's filter and transformation, not yet saved, on a real event this endpoint
 * received (or one given by id) through `POST endpoints/:id/dry-run`, and shows the request that would be sent or
 * why the event would be dropped or fail. Nothing is sent or stored.
 */
export function DryRunPanel({
  endpointId,
  input,
  onFieldErrors,
  onUnauthorized,
}: {
  endpointId: string;
  /** Reads the form now (`undefined`: the form holds something that cannot be sent, said next to its field). */
  input: () => DryRunInput | undefined;
  onFieldErrors: (error: ApiError | undefined) => void;
  onUnauthorized: () => void;
}) {
  const [eventId, setEventId] = useState('');
  const [result, setResult] = useState<DryRunResult | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const run = async () => {
    const body = input();
    if (body === undefined) return;
    setRunning(true);
    setError(undefined);
    try {
      const answer = await api<DryRunResult>(endpointPath(endpointId, 'dry-run'), {
        method: 'POST',
        body: { ...body, ...(eventId.trim() && { eventId: eventId.trim() }) },
      });
      setResult(answer);
      onFieldErrors(undefined);
    } catch (failure) {
      if (failure instanceof Unauthorized) return onUnauthorized();
      const apiError = failure instanceof ApiError ? failure : new ApiError(String(failure), 0);
      setResult(undefined);
      setError(apiError.message);
      onFieldErrors(apiError.fields.length > 0 ? apiError : undefined);
    } finally {
      setRunning(false);
    }
  };
  return (
    <section class="tile dry-run" data-testid="dry-run" aria-labelledby="dry-run-title">
      <h4 id="dry-run-title">Try on a recent event</h4>
      <p class="muted">
        Runs the filter, transformation and formats above, unsaved, on the latest event this endpoint received (or the
        event you name). Nothing is sent.
      </p>
      <div class="field">
        <label for="dry-run-event">Event id (optional)</label>
        <input
          id="dry-run-event"
          name="dryRunEventId"
          value={eventId}
          autocomplete="off"
          onInput={(e) => setEventId(e.currentTarget.value)}
        />
      </div>
      <button type="button" class="action" disabled={running} onClick={() => void run()}>
        {running ? 'Trying…' : 'Try it'}
      </button>
      <div aria-live="polite">
        <FieldError id="dry-run" message={error} />
        {result && <DryRunOutcome result={result} />}
      </div>
    </section>
  );
}

function DryRunOutcome({ result }: { result: DryRunResult }) {
  return (
    <div data-testid="dry-run-result" data-outcome={result.outcome}>
      <p>
        <strong class={`outcome ${result.outcome}`}>{OUTCOMES[result.outcome] ?? result.outcome}</strong>
        {result.event && (
          <span class="muted">
            {' '}
            — event <code>{result.event.id}</code> ({result.event.type}, {formatTime(result.event.createdAt)})
          </span>
        )}
      </p>
      {result.reason && <p data-testid="dry-run-reason">{result.reason}</p>}
      {result.request && (
        <>
          <p>
            <code data-testid="dry-run-request-line">
              {result.request.method} {result.request.url}
            </code>
          </p>
          <pre class="wrap" data-testid="dry-run-headers">
            {Object.entries(result.request.headers)
              .map(([name, value]) => `${name}: ${value}`)
              .join('\n')}
          </pre>
          <pre class="wrap" data-testid="dry-run-body">
            {result.request.body ?? '(no body: a GET sends the fields in the URL)'}
          </pre>
        </>
      )}
    </div>
  );
}
