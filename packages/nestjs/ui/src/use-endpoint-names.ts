import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { EndpointStatus } from './api-client.js';
import { type EndpointsById, endpointsById } from './delivery-endpoint.js';
import { useApi } from './use-api.js';

/** Names for the endpoints of the deliveries shown. */
export interface EndpointNames {
  byId: EndpointsById;
  /** Whether the endpoint is gone: absent from a list of endpoints loaded after the deliveries that name it. */
  deleted: (id: string) => boolean;
}

/**
 * The visible endpoints (live), to name the endpoints of deliveries loaded at `shownAt`. An id missing from the list
 * is called deleted only once a list loaded after those deliveries lacks it too: an endpoint created a moment ago
 * (after the list was loaded) is loaded again, not shown as deleted.
 */
export function useEndpointNames(
  onUnauthorized: () => void,
  shownIds: readonly string[],
  shownAt: number | undefined,
): EndpointNames {
  const list = useApi<EndpointStatus[]>('endpoints', onUnauthorized, { live: true });
  const byId = useMemo(() => endpointsById(list.data), [list.data]);
  const gone = useRef(new Set<string>());
  const unknown = byId ? [...new Set(shownIds)].filter((id) => !byId.has(id)) : [];
  const fresh = list.updatedAt !== undefined && shownAt !== undefined && list.updatedAt >= shownAt;
  if (fresh) for (const id of unknown) gone.current.add(id);
  if (byId) for (const id of gone.current) if (byId.has(id)) gone.current.delete(id);
  const unsure = unknown.filter((id) => !gone.current.has(id)).join(' ');
  const { reload } = list;
  useEffect(() => {
    if (unsure !== '' && !fresh) void reload();
  }, [unsure, fresh, reload]);
  return { byId, deleted: (id) => gone.current.has(id) };
}
