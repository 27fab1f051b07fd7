import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';
import type { EndpointStatus } from './api-client.js';
import { endpointName, endpointPath, type TestEventResult } from './endpoint-api.js';
import { truthfulState } from './endpoint-state.js';
import { RotateSecretForm } from './rotate-secret-form.js';
import { href, navigate } from './router.js';
import { SecretOnce } from './secret-once.js';
import { formatTime } from './time-format.js';

/** What the last action came to, shown under the actions: what happened, or the API's reason it did not. */
interface Outcome {
  ok: boolean;
  text: string;
  link?: { href: string; label: string };
}

/**
 * An endpoint's actions: enable, disable (with a reason), send a test event, rotate its secret, edit, delete. Each
 * shows its outcome or the API's error (a 429 says when to try again) next to the buttons; none fails silently.
 */
export function EndpointActions({
  endpoint,
  onChanged,
  onEdit,
  onUnauthorized,
}: {
  endpoint: EndpointStatus;
  onChanged: () => Promise<void> | void;
  onEdit: () => void;
  onUnauthorized: () => void;
}) {
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [disabling, setDisabling] = useState(false);
  const [reason, setReason] = useState('');
  const [rotating, setRotating] = useState(false);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const editable = endpoint.source === 'database';
  const disabled = truthfulState(endpoint) === 'disabled';

  /** Runs one action; its failure (the API's words, or "cannot be reached") becomes the outcome shown. */
  const run = async (action: () => Promise<Outcome | undefined>, reload = true) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const done = await action();
      if (done) setOutcome(done);
      if (reload) await onChanged();
    } catch (failure) {
      if (failure instanceof Unauthorized) return onUnauthorized();
      const error = failure instanceof ApiError ? failure : new ApiError(String(failure), 0);
      setOutcome({ ok: false, text: error.message });
    } finally {
      setBusy(false);
    }
  };
  const enable = () =>
    run(async () => {
      await api(endpointPath(endpoint.id, 'enable'), { method: 'POST', body: {} });
      return { ok: true, text: 'Enabled: its deliveries go again.' };
    });
  const disable = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      await api(endpointPath(endpoint.id, 'disable'), {
        method: 'POST',
        body: reason.trim() === '' ? {} : { reason: reason.trim() },
      });
      setDisabling(false);
      setReason('');
      return { ok: true, text: 'Disabled: nothing is sent to it until it is enabled.' };
    });
  };
  const sendTest = () =>
    run(async () => {
      const sent = await api<TestEventResult>(endpointPath(endpoint.id, 'test'), { method: 'POST', body: {} });
      const link = { href: href(['deliveries', sent.deliveryId]), label: 'See the test delivery' };
      if (sent.pausedUntil != null)
        return {
          ok: true,
          text: `Test event ${sent.webhookId} queued, but the endpoint is paused: it goes at ${formatTime(sent.pausedUntil)}.`,
          link,
        };
      return { ok: true, text: `Test event ${sent.webhookId} queued for ${endpointName(endpoint)}.`, link };
    });
  const rotate = (overlap: number) =>
    run(async () => {
      const rotated = await api<{ secret: string }>(endpointPath(endpoint.id, 'rotate-secret'), {
        method: 'POST',
        body: { overlap },
      });
      setRotating(false);
      setSecret(rotated.secret);
      return undefined;
    });
  const remove = () => {
    if (!window.confirm(`Delete the endpoint ${endpointName(endpoint)}? Its pending deliveries fail; its log stays.`))
      return;
    return run(async () => {
      await api(endpointPath(endpoint.id), { method: 'DELETE' });
      navigate(href(['endpoints']));
      return undefined;
    }, false);
  };

  return (
    <section class="endpoint-actions" aria-labelledby="endpoint-actions-title" data-testid="endpoint-actions">
      <h3 id="endpoint-actions-title">Actions</h3>
      <div class="actions">
        {disabled ? (
          <Button busy={busy} onClick={enable}>
            Enable
          </Button>
        ) : (
          <Button busy={busy} onClick={() => setDisabling(!disabling)} expanded={disabling}>
            Disable…
          </Button>
        )}
        <Button busy={busy} onClick={sendTest}>
          Send a test event
        </Button>
        {editable && (
          <>
            <Button busy={busy} onClick={onEdit}>
              Edit
            </Button>
            <Button busy={busy} onClick={() => setRotating(!rotating)} expanded={rotating}>
              Rotate secret
            </Button>
            <Button busy={busy} onClick={() => void remove()}>
              Delete
            </Button>
          </>
        )}
      </div>
      {disabling && !disabled && (
        <form class="tile disable-form" data-testid="disable-form" onSubmit={disable}>
          <label for="disable-reason">Why (shown with its state)</label>
          <input
            id="disable-reason"
            name="reason"
            maxLength={1000}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />{' '}
          <button class="action" type="submit" disabled={busy}>
            Disable now
          </button>{' '}
          <button type="button" onClick={() => setDisabling(false)}>
            Cancel
          </button>
        </form>
      )}
      {rotating && (
        <RotateSecretForm
          endpoint={endpoint}
          onRotate={(overlap) => void rotate(overlap)}
          onCancel={() => setRotating(false)}
        />
      )}
      {secret && <SecretOnce endpointId={endpoint.id} secret={secret} onDone={() => setSecret(undefined)} />}
      <div aria-live="polite" data-testid="action-outcome">
        {outcome && (
          <p class={outcome.ok ? 'outcome-ok' : 'error'} role={outcome.ok ? undefined : 'alert'}>
            {outcome.text}
            {outcome.link && (
              <>
                {' '}
                <a href={outcome.link.href}>{outcome.link.label}</a>
              </>
            )}
          </p>
        )}
      </div>
    </section>
  );
}

function Button({
  busy,
  onClick,
  expanded,
  children,
}: {
  busy: boolean;
  onClick: () => void;
  expanded?: boolean;
  children: ComponentChildren;
}) {
  return (
    <button type="button" class="action" disabled={busy} aria-expanded={expanded} onClick={onClick}>
      {children}
    </button>
  );
}
