import { useState } from 'preact/hooks';
import type { EndpointStatus } from './api-client.js';

/** What the delivery log is filtered by; each maps to a query parameter of `GET deliveries`. */
export interface DeliveryFilter {
  endpointId?: string;
  status?: string;
  eventType?: string;
  eventId?: string;
  /** `datetime-local` values, in the browser's time zone. */
  since?: string;
  until?: string;
}

/** The query string of a filter, with `before` (epoch ms) for the page after. */
export function deliveryQuery(filter: DeliveryFilter, before: number | undefined, limit: number): string {
  const params = new URLSearchParams({ limit: String(limit) });
  for (const key of ['endpointId', 'status', 'eventType', 'eventId'] as const) {
    const value = filter[key]?.trim();
    if (value) params.set(key, value);
  }
  if (filter.since) params.set('since', String(new Date(filter.since).getTime()));
  const until = before ?? (filter.until ? new Date(filter.until).getTime() : undefined);
  if (until !== undefined) params.set('until', String(until));
  return `deliveries?${params}`;
}

/** The filter bar of the delivery log. */
export function DeliveryFilters({
  endpoints,
  onApply,
}: {
  endpoints: EndpointStatus[];
  onApply: (filter: DeliveryFilter) => void;
}) {
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const field = (key: keyof DeliveryFilter) => ({
    name: key,
    value: filter[key] ?? '',
    onInput: (event: Event) => setFilter({ ...filter, [key]: (event.target as HTMLInputElement).value }),
  });
  return (
    <form
      class="filters"
      data-testid="delivery-filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(filter);
      }}
    >
      <select {...field('endpointId')} onChange={field('endpointId').onInput}>
        <option value="">Every endpoint</option>
        {endpoints.map((endpoint) => (
          <option key={endpoint.id} value={endpoint.id}>
            {endpoint.id}
          </option>
        ))}
      </select>
      <select {...field('status')} onChange={field('status').onInput}>
        <option value="">Every status</option>
        <option value="pending">pending</option>
        <option value="succeeded">succeeded</option>
        <option value="failed">failed</option>
      </select>
      <input placeholder="Event type" {...field('eventType')} />
      <input placeholder="Event id (msg_...)" {...field('eventId')} />
      <label>
        From <input type="datetime-local" {...field('since')} />
      </label>
      <label>
        To <input type="datetime-local" {...field('until')} />
      </label>
      <button class="action" type="submit">
        Filter
      </button>
    </form>
  );
}
