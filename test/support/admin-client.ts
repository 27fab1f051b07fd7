import type { WebhookTestApp } from './webhook-test-app.js';

/** An answer of the admin API: status, parsed body, and the response's headers. */
export interface AdminAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** A caller of the admin API mounted at `path` of `app`, with a bearer `token` and optional extra headers. */
export function adminClient(app: WebhookTestApp, path: string, token: string, headers: Record<string, string> = {}) {
  return async (method: string, route: string, body?: unknown): Promise<AdminAnswer> => {
    const response = await fetch(`${app.url}${path}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...headers,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
}
