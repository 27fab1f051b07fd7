import { LoadError } from './load-error.js';
import type { EventTypeInfo } from './api-client.js';
import { useApi } from './use-api.js';

/** The catalog: every event type the application emits, where it comes from, and an example body of each. */
export function EventTypesView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const catalog = useApi<EventTypeInfo[]>('event-types', onUnauthorized);
  return (
    <section>
      <LoadError state={catalog} />
      <table data-testid="event-types">
        <thead>
          <tr>
            <th>Event type</th>
            <th>Emitted by</th>
            <th>Body</th>
          </tr>
        </thead>
        <tbody>
          {(catalog.data ?? []).map((info) => (
            <tr key={info.type}>
              <td>{info.type}</td>
              <td>{info.source === 'options' ? 'published by the application' : `${info.source} entity`}</td>
              <td>
                {info.example == null ? (
                  <span class="muted">shaped by the application when it publishes</span>
                ) : (
                  <details>
                    <summary>Example</summary>
                    <pre data-testid={`example-${info.type}`}>{JSON.stringify(info.example, null, 2)}</pre>
                  </details>
                )}
                <details>
                  <summary>JSON Schema</summary>
                  <pre data-testid={`schema-${info.type}`}>{JSON.stringify(info.schema, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
