import { useApi } from './use-api.js';

interface EventTypeInfo {
  type: string;
  source: string;
}

/** The catalog: every event type the application emits, and the entity (or option) it comes from. */
export function EventTypesView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const catalog = useApi<EventTypeInfo[]>('event-types', onUnauthorized);
  return (
    <section>
      {catalog.error && <p class="error">{catalog.error}</p>}
      <table data-testid="event-types">
        <thead>
          <tr>
            <th>Event type</th>
            <th>Emitted by</th>
          </tr>
        </thead>
        <tbody>
          {(catalog.data ?? []).map((info) => (
            <tr key={info.type}>
              <td>{info.type}</td>
              <td>{info.source === 'options' ? 'published by the application' : `${info.source} entity`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
