import type { EventTypeInfo } from './api-client.js';
import { LoadError } from './load-error.js';
import { useApi } from './use-api.js';
import { useWords } from './wording.js';

/** The catalog: every event type the application emits, where it comes from (for operators), and its body's shape. */
export function EventTypesView({ onUnauthorized }: { onUnauthorized: () => void }) {
  const catalog = useApi<EventTypeInfo[]>('event-types', onUnauthorized);
  const source = useWords().eventTypeSource;
  return (
    <section>
      <h2>Event types</h2>
      <LoadError state={catalog} />
      {catalog.data === undefined ? (
        <p class="muted">{catalog.error ? 'Not loaded.' : 'Loading…'}</p>
      ) : catalog.data.length === 0 ? (
        <p class="muted">No event type is declared yet.</p>
      ) : (
        <table class="stacked" data-testid="event-types">
          <thead>
            <tr>
              <th scope="col">Event type</th>
              {source && <th scope="col">Emitted by</th>}
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {catalog.data.map((info) => (
              <tr key={info.type}>
                <td data-label="Event type">
                  <code>{info.type}</code>
                </td>
                {source && <td data-label="Emitted by">{source(info.source)}</td>}
                <td data-label="Body">
                  {/* One cell child: on a phone the cell is a two-column grid (label, value). */}
                  <div>
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
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
