/** Where the admin API is: the dashboard is served at `<path>/ui/` (its <base>), the API at `<path>/`. */
const API = new URL('../', document.baseURI);

const TOKEN_KEY = 'webhook-outbox.admin-token';

/** The bearer token, asked for once per browser session (kept in sessionStorage, gone with the tab). */
export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** The API refused the token (401/403): the page asks for it again. */
export class Unauthorized extends Error {}

/** A JSON call to the admin API with the session's token. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = token.get();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, API), {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 401 || response.status === 403) throw new Unauthorized(`HTTP ${response.status}`);
  const text = await response.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new Error(data?.message ? String(data.message) : `HTTP ${response.status}`);
  return data as T;
}

export interface Stats {
  pending: number;
  due: number;
  leased: number;
  oldestDueLag: number;
  unfannedEvents: number;
  since: number;
  succeeded: number;
  failed: number;
}

export interface EndpointStatus {
  id: string;
  source: 'options' | 'database';
  tenant: string | null;
  url: string;
  description: string | null;
  eventTypes: string[];
  disabled: { at: number; reason: string } | null;
  pausedUntil: number | null;
  failingSince: number | null;
}

export interface DeliverySummary {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Attempt {
  id: string;
  attemptNumber: number;
  startedAt: number;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

export interface SentRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface DeliveryDetails extends DeliverySummary {
  payload: string;
  attemptLog: Attempt[];
  /** What the latest attempt sent, rebuilt by the server; `null` when the endpoint is gone. */
  request: SentRequest | null;
}

export interface AttemptBucket {
  at: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

export interface LatencyPercentiles {
  since: number;
  deliveries: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface EndpointFailureCount {
  endpointId: string;
  failed: number;
  attempts: number;
}
