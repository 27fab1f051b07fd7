import { randomUUID } from 'node:crypto';
import { resolveWebhookScheme, type WebhookSchemeReference } from '@webhook-outbox/signature';

/** What to sign, as a given sender would. */
export interface SignWebhookInput {
  /**
   * The sender's scheme, as in receiver options.
   *
   * @defaultValue `'standard-webhooks'`
   */
  scheme?: WebhookSchemeReference;
  /** The secret the receiver verifies with (for Standard Webhooks a `whsec_` secret). */
  secret: string;
  /** An object is sent as JSON; a string is sent as it is. */
  payload: unknown;
  /**
   * The sender's id where the scheme sends one.
   *
   * @defaultValue a random `msg_...`
   */
  id?: string;
  /**
   * When it was signed.
   *
   * @defaultValue now
   */
  timestamp?: Date | number;
}

/** A signed request, ready to send. */
export interface SignedWebhook {
  /** The exact body that was signed: send it unchanged. */
  body: string;
  /** The sender's signature headers, plus `content-type` for a JSON payload. */
  headers: Record<string, string>;
}

/**
 * Signs a payload as the given sender would, so an app's tests can send its own receivers real, verifiable
 * webhooks.
 *
 * @example
 * const { body, headers } = signWebhook({ scheme: 'stripe', secret: 'whsec_test', payload: { id: 'evt_1', type: 'invoice.paid' } });
 * await request(app.getHttpServer()).post('/webhooks/stripe').set(headers).send(body).expect(201);
 */
export function signWebhook(input: SignWebhookInput): SignedWebhook {
  const scheme = resolveWebhookScheme(input.scheme ?? 'standard-webhooks');
  scheme.checkSecret(input.secret);
  const body = typeof input.payload === 'string' ? input.payload : JSON.stringify(input.payload);
  const at = input.timestamp ?? new Date();
  const timestamp = at instanceof Date ? Math.floor(at.getTime() / 1000) : at;
  const headers = scheme.sign({
    payload: body,
    secret: input.secret,
    id: input.id ?? `msg_${randomUUID()}`,
    timestamp,
  });
  return {
    body,
    headers: typeof input.payload === 'string' ? headers : { 'content-type': 'application/json', ...headers },
  };
}
