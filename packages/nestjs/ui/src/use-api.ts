import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, Unauthorized } from './api-client.js';

/** Loads `path` from the admin API; `reload()` loads it again. A refused token signs the page out. */
export function useApi<T>(path: string, onUnauthorized: () => void) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const reload = useCallback(async () => {
    try {
      setData(await api<T>(path));
      setError(undefined);
    } catch (failure) {
      if (failure instanceof Unauthorized) onUnauthorized();
      else setError((failure as Error).message);
    }
  }, [path, onUnauthorized]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

export function formatTime(epochMs: number | null | undefined): string {
  return epochMs == null ? '' : new Date(epochMs).toLocaleString();
}

export function formatAge(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
