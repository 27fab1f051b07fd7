import { verifyStandardWebhook } from '@webhook-outbox/signature';

/** What a test's endpoint answered a request: a status, or no response at all (`error`). */
export type WebhookTestAnswerRecord = { status: number; body: string } | { error: string };

/** The entity an event is about, as captured: its class name and primary key (JSON for a composite key). */
export interface SentWebhookEntity {
  /** The entity class's name, e.g. `Order`. */
  name: string;
  /** Its primary key as text (JSON for a composite key). */
  id: string;
}

/**
 * One request the relay sent, recorded by the in-memory transport exactly as it would have gone out, with what the
 * delivery log knows of it.
 */
export interface SentWebhook {
  /** `POST`, or `GET` for an endpoint that takes the fields as query parameters. */
  method: 'POST' | 'GET';
  /** The URL requested (with the query string for a GET). */
  url: string;
  /** Every header sent, signature headers included. */
  headers: Readonly<Record<string, string>>;
  /** The body exactly as sent; absent for a GET. */
  body: string | undefined;
  /** The body parsed, when it is JSON (the default format): `{ type, timestamp, data }`. */
  payload: { type?: string; timestamp?: string; data?: unknown; [field: string]: unknown } | undefined;
  /** The event type. */
  type: string;
  /** The event's id, sent as `webhook-id`. */
  webhookId: string;
  /** The endpoint it went to. */
  endpointId: string;
  /** The delivery (one per event and endpoint). */
  deliveryId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attemptNumber: number;
  /** The entity the event is about; `null` for a published event, or an event captured before the harness listened. */
  entity: SentWebhookEntity | null;
  /** What the test's endpoint answered. */
  answer: WebhookTestAnswerRecord;
  /**
   * Whether the signature verifies with `secret` (as the receiver would check it, at the time it was sent).
   * Throws nothing: `false` for a wrong secret or a tampered request.
   */
  verify(secret: string | readonly string[]): boolean;
}

/** Which sent requests to read; every field given must match. */
export interface SentWebhookFilter {
  /** The event type. */
  type?: string;
  /** The endpoint's id. */
  endpoint?: string;
  /** The entity's primary key (a string or number), or its class name and key. */
  entity?: string | number | { name?: string; id: string | number };
  /** The event's id (`webhook-id`). */
  webhookId?: string;
}

/** Whether a sent request matches every field of `filter`. */
export function matchesSentFilter(sent: SentWebhook, filter: SentWebhookFilter): boolean {
  if (filter.type !== undefined && sent.type !== filter.type) return false;
  if (filter.endpoint !== undefined && sent.endpointId !== filter.endpoint) return false;
  if (filter.webhookId !== undefined && sent.webhookId !== filter.webhookId) return false;
  if (filter.entity !== undefined) {
    const wanted = typeof filter.entity === 'object' ? filter.entity : { id: filter.entity };
    if (!sent.entity || sent.entity.id !== String(wanted.id)) return false;
    if (wanted.name !== undefined && sent.entity.name !== wanted.name) return false;
  }
  return true;
}

/** Verifies a recorded request's Standard Webhooks signature at the time it was signed. */
export function verifySent(
  request: { method: string; url: string; headers: Readonly<Record<string, string>>; body?: string | undefined },
  secret: string | readonly string[],
): boolean {
  const signedAt = Number(request.headers['webhook-timestamp']) * 1000;
  // A GET's signature covers its query string as sent.
  const payload = request.method === 'GET' ? new URL(request.url).search.slice(1) : (request.body ?? '');
  try {
    verifyStandardWebhook({ payload, headers: request.headers, secret, now: signedAt });
    return true;
  } catch {
    return false;
  }
}

/** The body parsed when it is JSON. */
export function parsedPayload(body: string | undefined): SentWebhook['payload'] {
  if (body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as SentWebhook['payload'])
      : undefined;
  } catch {
    return undefined;
  }
}
