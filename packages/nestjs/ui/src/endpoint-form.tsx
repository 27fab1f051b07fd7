import { useState } from 'preact/hooks';
import { api } from './api-client.js';
import type { EndpointStatus, EventTypeInfo } from './api-client.js';
import { useApi } from './use-api.js';

/**
 * Creates an endpoint (its URL, the event types it receives from the catalog, a description), or edits one given as
 * `editing`. Creating answers with the new secret; editing never shows one.
 */
export function EndpointForm({
  editing,
  onCreated,
  onSaved,
  onUnauthorized,
}: {
  editing?: EndpointStatus;
  onCreated?: (endpoint: { id: string; secret: string }) => void;
  onSaved?: () => void;
  onUnauthorized: () => void;
}) {
  const catalog = useApi<EventTypeInfo[]>('event-types', onUnauthorized);
  const [url, setUrl] = useState(editing?.url ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [types, setTypes] = useState<string[]>(editing?.eventTypes.filter((type) => type !== '*') ?? []);
  const [signature, setSignature] = useState<'v1' | 'v1a'>('v1');
  const [error, setError] = useState<string | undefined>(undefined);
  const toggle = (type: string) => setTypes(types.includes(type) ? types.filter((t) => t !== type) : [...types, type]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const eventTypes = types.length > 0 ? types : ['*'];
    try {
      if (editing) {
        await api(`endpoints/${encodeURIComponent(editing.id)}`, {
          method: 'PATCH',
          body: { url, eventTypes, description: description || null },
        });
        onSaved?.();
      } else {
        const created = await api<{ id: string; secret: string }>('endpoints', {
          method: 'POST',
          body: { url, eventTypes, signature, ...(description && { description }) },
        });
        onCreated?.(created);
      }
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form class="tile" onSubmit={submit} data-testid="endpoint-form">
      <h3>{editing ? `Edit ${editing.id}` : 'Add an endpoint'}</h3>
      <label>
        URL <input name="url" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Description{' '}
        <input
          name="description"
          value={description}
          onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
        />
      </label>
      {!editing && (
        <label>
          Signature{' '}
          <select
            name="signature"
            value={signature}
            onChange={(e) => setSignature(e.currentTarget.value as 'v1' | 'v1a')}
          >
            <option value="v1">v1: HMAC-SHA256, a shared whsec_ secret</option>
            <option value="v1a">v1a: ed25519, receivers verify with a public key</option>
          </select>
        </label>
      )}
      <fieldset>
        <legend>Event types (none: all)</legend>
        {(catalog.data ?? []).map(({ type }) => (
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
      </fieldset>
      <button class="action" type="submit">
        {editing ? 'Save' : 'Create'}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
