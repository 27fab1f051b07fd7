import { useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';
import type { EndpointStatus, EventTypeInfo } from './api-client.js';
import { endpointPath, fieldError } from './endpoint-api.js';
import { DryRunPanel, type DryRunInput } from './dry-run-panel.js';
import { describedBy, describedGroup, Field } from './form-field.js';
import { type HeaderRow, HeadersEditor, headerRows, headersOf } from './headers-editor.js';
import { type RateLimitValue, RateLimitField, rateLimitOf, rateLimitValue } from './rate-limit-field.js';
import { type Sending, SendingFields } from './sending-fields.js';
import { useApi } from './use-api.js';

/**
 * Creates an endpoint, or edits one given as `editing`: every stored field (URL, description, event types, method,
 * body and payload formats, trace headers, rate limit, custom headers, filter, transformation). Each field the API
 * refuses shows the API's reason under it. Creating answers with the new secret; editing never shows one.
 */
export function EndpointForm({
  editing,
  onCreated,
  onSaved,
  onCancel,
  onUnauthorized,
}: {
  editing?: EndpointStatus;
  onCreated?: (endpoint: { id: string; secret: string; publicKeys?: string[] }) => void;
  onSaved?: () => void;
  onCancel?: () => void;
  onUnauthorized: () => void;
}) {
  const catalog = useApi<EventTypeInfo[]>('event-types', onUnauthorized);
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [types, setTypes] = useState<string[]>(editing?.eventTypes.filter((type) => type !== '*') ?? []);
  const [signature, setSignature] = useState<'v1' | 'v1a'>('v1');
  const [sending, setSending] = useState<Sending>({
    method: editing?.method ?? 'POST',
    bodyFormat: editing?.bodyFormat ?? 'json',
    payloadFormat: editing?.payloadFormat ?? 'full',
    traceHeaders: editing?.traceHeaders ?? true,
  });
  const [rate, setRate] = useState<RateLimitValue>(rateLimitValue(editing?.rateLimit ?? null));
  const [headers, setHeaders] = useState<HeaderRow[]>(headerRows(editing?.headers));
  const [filterText, setFilterText] = useState(editing?.filter ? JSON.stringify(editing.filter, null, 2) : '');
  const [transform, setTransform] = useState(editing?.transform ?? '');
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const catalogTypes = (catalog.data ?? []).map(({ type }) => type);
  const shownTypes = [...catalogTypes, ...types.filter((type) => !catalogTypes.includes(type))];
  const toggle = (type: string) => setTypes(types.includes(type) ? types.filter((t) => t !== type) : [...types, type]);
  const set = (patch: Partial<Sending>) => setSending({ ...sending, ...patch });

  /** The filter typed, parsed; a JSON mistake is said next to the field before anything is sent. */
  const parsedFilter = (): { ok: true; value: unknown } | { ok: false } => {
    if (filterText.trim() === '') return { ok: true, value: null };
    try {
      const value: unknown = JSON.parse(filterText);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value };
      setError(local('filter', 'must be a JSON object of conditions, e.g. { "data.status": "paid" }.'));
    } catch (failure) {
      setError(local('filter', `is not JSON: ${(failure as Error).message}`));
    }
    return { ok: false };
  };
  const dryRunInput = (): DryRunInput | undefined => {
    const filter = parsedFilter();
    if (!filter.ok) return undefined;
    const { traceHeaders: _, ...formats } = sending;
    return { filter: filter.value, transform: transform.trim() === '' ? null : transform, ...formats };
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const filter = parsedFilter();
    if (!filter.ok) return;
    const fields = {
      url,
      eventTypes: types.length > 0 ? types : ['*'],
      description: description.trim() === '' ? null : description,
      ...sending,
      headers: headersOf(headers),
      rateLimit: rateLimitOf(rate),
      filter: filter.value,
      transform: transform.trim() === '' ? null : transform,
    };
    setSaving(true);
    try {
      if (editing) {
        await api(endpointPath(editing.id), { method: 'PATCH', body: fields });
        setError(undefined);
        onSaved?.();
      } else {
        // A new endpoint leaves out what it does not set, so the API's defaults apply.
        const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
        const created = await api<{ id: string; secret: string; publicKeys?: string[] }>('endpoints', {
          method: 'POST',
          body: { ...body, signature },
        });
        setError(undefined);
        onCreated?.(created);
      }
    } catch (failure) {
      if (failure instanceof Unauthorized) return onUnauthorized();
      setError(failure instanceof ApiError ? failure : new ApiError(String(failure), 0));
    } finally {
      setSaving(false);
    }
  };
  const message = (field: string) => fieldError(error, field);
  const known = ['url', 'description', 'eventTypes', 'method', 'bodyFormat', 'payloadFormat', 'traceHeaders'];
  const elsewhere = ['headers', 'rateLimit', 'filter', 'transform', 'signature', ...known];
  const unplaced = (error?.fields ?? []).filter(
    (f) =>
      !elsewhere.some((name) => f.field === name || f.field.startsWith(`${name}.`) || f.field.startsWith(`${name}[`)),
  );

  return (
    <form
      class="tile endpoint-form"
      onSubmit={submit}
      data-testid="endpoint-form"
      noValidate
      aria-labelledby="endpoint-form-title"
    >
      <h3 id="endpoint-form-title">{editing ? 'Edit this endpoint' : 'Add an endpoint'}</h3>
      <Field id="endpoint-url" label="URL" message={message('url')}>
        <input
          {...describedBy('endpoint-url', message('url'))}
          name="url"
          inputMode="url"
          autocomplete="off"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </Field>
      <Field id="endpoint-description" label="Description" message={message('description')}>
        <input
          {...describedBy('endpoint-description', message('description'))}
          name="description"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
      </Field>
      {!editing && (
        <Field id="endpoint-signature" label="Signature" message={message('signature')}>
          <select
            {...describedBy('endpoint-signature', message('signature'))}
            name="signature"
            value={signature}
            onChange={(e) => setSignature(e.currentTarget.value as 'v1' | 'v1a')}
          >
            <option value="v1">v1: HMAC-SHA256, a shared whsec_ secret</option>
            <option value="v1a">v1a: ed25519, receivers verify with a public key</option>
          </select>
        </Field>
      )}
      <fieldset {...describedGroup('endpoint-event-types', message('eventTypes'))}>
        <legend>Event types (none ticked: all)</legend>
        <div class="checks">
          {shownTypes.map((type) => (
            <label key={type}>
              <input
                type="checkbox"
                name="eventTypes"
                value={type}
                checked={types.includes(type)}
                onChange={() => toggle(type)}
              />{' '}
              {type}
            </label>
          ))}
        </div>
        {message('eventTypes') && (
          <p class="error field-error" id="endpoint-event-types-error">
            {message('eventTypes')}
          </p>
        )}
      </fieldset>
      <SendingFields sending={sending} onChange={set} message={message} />
      <RateLimitField value={rate} onChange={setRate} message={message('rateLimit')} />
      <HeadersEditor rows={headers} onChange={setHeaders} error={error} disabled={false} />
      <Field
        id="endpoint-filter"
        label="Filter (JSON conditions)"
        message={message('filter')}
        hint='Which events of its types it receives, e.g. { "data.status": { "$in": ["paid", "shipped"] } }. Empty: every event.'
      >
        <textarea
          {...describedBy('endpoint-filter', message('filter'), true)}
          name="filter"
          rows={4}
          spellcheck={false}
          value={filterText}
          onInput={(e) => setFilterText(e.currentTarget.value)}
        />
      </Field>
      <Field
        id="endpoint-transform"
        label="Transformation (JMESPath)"
        message={message('transform')}
        hint="Gives { body?, method?, headers? }, or null to drop the event, e.g. { body: { text: data.status } }. Empty: none."
      >
        <textarea
          {...describedBy('endpoint-transform', message('transform'), true)}
          name="transform"
          rows={3}
          spellcheck={false}
          value={transform}
          onInput={(e) => setTransform(e.currentTarget.value)}
        />
      </Field>
      {editing && (
        <DryRunPanel
          endpointId={editing.id}
          input={dryRunInput}
          onFieldErrors={setError}
          onUnauthorized={onUnauthorized}
        />
      )}
      <div class="form-actions">
        <button class="action" type="submit" disabled={saving}>
          {editing ? 'Save' : 'Create'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <div role="alert" data-testid="form-error">
        {error && (
          <p class="error">
            {error.fields.length > 0
              ? `Not saved: ${error.fields.length === 1 ? 'a field needs' : 'some fields need'} changing (see under ${error.fields.length === 1 ? 'it' : 'each'}).`
              : error.message}
            {unplaced.map((f) => ` ${f.field}: ${f.message}`).join('')}
          </p>
        )}
      </div>
    </form>
  );
}

/** A refusal found by the page itself, shown like the API's. */
function local(field: string, message: string): ApiError {
  return new ApiError(`${field}: ${message}`, 400, [{ field, message }]);
}
