import type { INestApplication } from '@nestjs/common';
import type { WebhookSchemeReference } from '@webhook-outbox/signature';
import { signWebhook } from './sign-webhook.js';

/** A webhook to send into the application's own route, signed as its sender would. */
export interface ReceiveWebhookInput {
  /** The route's path, e.g. `/erp/webhooks`. */
  path: string;
  /** The secret the receiver verifies with. */
  secret: string;
  /** An object is sent as JSON; a string as it is. */
  payload: unknown;
  /**
   * The sender's scheme, as in receiver options.
   *
   * @defaultValue `'standard-webhooks'`
   */
  scheme?: WebhookSchemeReference;
  /**
   * The sender's id where the scheme sends one.
   *
   * @defaultValue a random `msg_...`
   */
  id?: string;
  /** More headers to send (they win over the signed ones, so a test can send a wrong one). */
  headers?: Record<string, string>;
}

/** The app's answer to a webhook sent into it. */
export interface ReceivedWebhookResponse {
  /** The HTTP status the app answered. */
  status: number;
  /** The response body, as text. */
  body: string;
  /** The request's headers as sent, signature included. */
  requestHeaders: Readonly<Record<string, string>>;
  /** Sends the very same request again (same id, signature and body), as a sender's retry would. */
  resend(): Promise<ReceivedWebhookResponse>;
}

/**
 * Sends signed webhooks over real HTTP into the application, through its guard and inbox. An app not listening yet
 * is made to listen on an ephemeral port of 127.0.0.1 (`app.close()` stops it).
 */
export async function sendIntoApp(
  app: INestApplication,
  input: ReceiveWebhookInput,
  signedAt: number,
): Promise<ReceivedWebhookResponse> {
  if (!input.path.startsWith('/')) throw new RangeError(`receive(): path must start with "/"; got "${input.path}".`);
  const signed = signWebhook({
    scheme: input.scheme,
    secret: input.secret,
    payload: input.payload,
    id: input.id,
    timestamp: new Date(signedAt),
  });
  const headers = { ...signed.headers, ...input.headers };
  const url = `${await baseUrlOf(app)}${input.path}`;
  const send = async (): Promise<ReceivedWebhookResponse> => {
    const response = await fetch(url, { method: 'POST', headers, body: signed.body });
    return { status: response.status, body: await response.text(), requestHeaders: headers, resend: send };
  };
  return send();
}

async function baseUrlOf(app: INestApplication): Promise<string> {
  const server = app.getHttpServer() as { listening?: boolean } | undefined;
  if (!server?.listening) await app.listen(0, '127.0.0.1');
  const url = new URL(await app.getUrl());
  // getUrl() names a wildcard or IPv6 loopback address as [::1]; the app listens on IPv4 too.
  if (url.hostname === '[::1]' || url.hostname === '[::]' || url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  return url.origin;
}
