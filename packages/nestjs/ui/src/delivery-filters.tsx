import { useState } from 'preact/hooks';
import type { ApiError } from './api-client.js';
import { type EndpointsById, endpointLabel } from './delivery-endpoint.js';
import { type DeliveryFilter, fromInputTime, inputZone, toInputTime } from './delivery-filter.js';

const STATUSES = [
  ['pending', 'pending (every one waiting)'],
  ['retrying', 'retrying (failed at least once)'],
  ['succeeded', 'succeeded'],
  ['failed', 'failed'],
] as const;

/**
 * The delivery log's search form. It shows the route's filter and, on submit, hands a new one to `onApply` (which
 * navigates: Back returns to the previous filter). Each field shows what the API said about it, next to it.
 */
export function DeliveryFilters({
  filter,
  endpoints,
  deletedIds,
  error,
  onApply,
}: {
  filter: DeliveryFilter;
  endpoints: EndpointsById;
  /** Endpoint ids seen in the log that the API no longer lists. */
  deletedIds: readonly string[];
  error: ApiError | undefined;
  onApply: (filter: DeliveryFilter) => void;
}) {
  const [draft, setDraft] = useState<DeliveryFilter>(filter);
  const set = (key: keyof DeliveryFilter, value: string | undefined) =>
    setDraft({ ...draft, [key]: value === '' ? undefined : value });
  const text = (key: keyof DeliveryFilter) => ({
    id: `filter-${key}`,
    name: key,
    value: draft[key] ?? '',
    'aria-describedby': error?.fieldMessage(key === 'endpoint' ? 'endpointId' : key)
      ? `filter-${key}-error`
      : undefined,
    onInput: (event: Event) => set(key, (event.target as HTMLInputElement).value),
  });
  const zone = inputZone();
  const listed = [...(endpoints?.values() ?? [])];
  return (
    <form
      class="filters delivery-search"
      data-testid="delivery-filters"
      aria-label="Search deliveries"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <div class="field wide">
        <label for="filter-q">Webhook-id or delivery id</label>
        <input {...text('q')} type="search" placeholder="msg_2Ab… or a prefix, 4+ characters" autocomplete="off" />
        <FieldError error={error} field="q" />
      </div>
      <div class="field">
        <label for="filter-endpoint">Endpoint</label>
        <select {...text('endpoint')} onChange={(event) => set('endpoint', (event.target as HTMLSelectElement).value)}>
          <option value="">Every endpoint</option>
          {listed.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpointLabel(endpoint)}
              {endpoint.description ? ` (${endpoint.url})` : ''}
            </option>
          ))}
          {deletedIds.map((id) => (
            <option key={id} value={id}>
              deleted: {id}
            </option>
          ))}
        </select>
        <FieldError error={error} field="endpointId" />
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select {...text('status')} onChange={(event) => set('status', (event.target as HTMLSelectElement).value)}>
          <option value="">Every status</option>
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <FieldError error={error} field="status" />
      </div>
      <div class="field narrow">
        <label for="filter-statusCode">Status code</label>
        <input {...text('statusCode')} type="number" min={100} max={599} inputMode="numeric" placeholder="503" />
        <FieldError error={error} field="statusCode" />
      </div>
      <div class="field">
        <label for="filter-eventType">Event type</label>
        <input {...text('eventType')} placeholder="order.created" />
        <FieldError error={error} field="eventType" />
      </div>
      <div class="field">
        <label for="filter-since">From ({zone})</label>
        <input
          id="filter-since"
          name="since"
          type="datetime-local"
          value={toInputTime(draft.since)}
          onInput={(event) => set('since', fromInputTime((event.target as HTMLInputElement).value))}
        />
        <FieldError error={error} field="since" />
      </div>
      <div class="field">
        <label for="filter-until">To ({zone})</label>
        <input
          id="filter-until"
          name="until"
          type="datetime-local"
          value={toInputTime(draft.until)}
          onInput={(event) => set('until', fromInputTime((event.target as HTMLInputElement).value))}
        />
        <FieldError error={error} field="until" />
      </div>
      <div class="field buttons">
        <button class="action" type="submit">
          Search
        </button>{' '}
        <button type="button" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** The API's words about one field of the search, under it. */
function FieldError({ error, field }: { error: ApiError | undefined; field: string }) {
  const message = error?.fieldMessage(field);
  if (!message) return null;
  const key = field === 'endpointId' ? 'endpoint' : field;
  return (
    <span class="error field-error" id={`filter-${key}-error`} role="alert">
      {message}
    </span>
  );
}
