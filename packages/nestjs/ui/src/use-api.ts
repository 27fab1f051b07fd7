import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, Unauthorized } from './api-client.js';

/** How often a live view asks again, while its tab is visible. */
export const LIVE_INTERVAL_MS = 5_000;

/** What `useApi` gives a view: the data, why it failed, when it was loaded, and a way to load it again. */
export interface ApiState<T> {
  /** The latest answer (kept while a refresh runs or after a refresh failed). */
  data: T | undefined;
  /** Why the latest load failed (the API down, a 4xx/5xx), until a load succeeds. */
  error: ApiError | undefined;
  /** When data was last loaded (epoch ms), for "updated … ago". */
  updatedAt: number | undefined;
  /** Loads again now. */
  reload: () => Promise<void>;
}

/**
 * Loads `path` from the admin API (`null`: nothing to load yet); `reload()` loads it again. With `live`, it loads
 * again every `LIVE_INTERVAL_MS` while the tab is visible, not at all while it is hidden, and at once when it is shown
 * again. A refused token signs the page out.
 */
export function useApi<T>(
  path: string | null,
  onUnauthorized: () => void,
  { live = false }: { live?: boolean } = {},
): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [updatedAt, setUpdatedAt] = useState<number | undefined>(undefined);
  // Answers to an older path (a filter changed meanwhile) are dropped.
  const current = useRef(path);
  current.current = path;
  // A slow API is not asked again while it still answers the previous poll (the polls would pile up).
  const inFlight = useRef(false);
  const reload = useCallback(async () => {
    if (path === null) return;
    inFlight.current = true;
    try {
      const answer = await api<T>(path);
      if (current.current !== path) return;
      setData(answer);
      setError(undefined);
      setUpdatedAt(Date.now());
    } catch (failure) {
      if (current.current !== path) return;
      if (failure instanceof Unauthorized) onUnauthorized();
      else setError(failure instanceof ApiError ? failure : new ApiError(String(failure), 0));
    } finally {
      inFlight.current = false;
    }
  }, [path, onUnauthorized]);
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    setUpdatedAt(undefined);
  }, [path]);
  useEffect(() => {
    void reload();
    if (!live) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !inFlight.current) void reload();
    }, LIVE_INTERVAL_MS);
    const shown = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [reload, live]);
  return { data, error, updatedAt, reload };
}
