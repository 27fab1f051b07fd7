import type { EndpointStatus } from './api-client.js';
import { LoadError } from './load-error.js';
import { href } from './router.js';
import { useApi } from './use-api.js';

/** One endpoint's page (`#/endpoints/:id`): its settings and state. */
export function EndpointPage({ id, onUnauthorized }: { id: string; onUnauthorized: () => void }) {
  const endpoint = useApi<EndpointStatus>(`endpoints/${encodeURIComponent(id)}`, onUnauthorized, { live: true });
  const e = endpoint.data;
  return (
    <section data-testid="endpoint">
      <a href={href(['endpoints'])}>← Endpoints</a>
      <LoadError state={endpoint} />
      {e && (
        <>
          <h2>{e.description ?? e.url}</h2>
          <p class="muted">
            {e.id}: {e.url}
          </p>
          <p>
            <span class={`status ${e.state}`}>{e.state}</span>
          </p>
        </>
      )}
    </section>
  );
}
