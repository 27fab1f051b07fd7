import type { IncomingHeaders } from './incoming-headers.js';

/** What a scheme verifies: the exact bytes received and the request headers. */
export interface WebhookSchemeVerifyInput {
  /** The exact bytes the sender signed: the raw body, or the raw query string for a GET. */
  payload: string | Buffer;
  /** The request's headers, to read the signature (and id, timestamp) from; `readHeader()` finds one in any case. */
  headers: IncomingHeaders;
  /** Any one matching secret is enough, so a receiver can accept the old and the new secret while rotating. */
  secrets: readonly string[];
  /** Allowed clock difference in seconds, in both directions, for schemes that sign a timestamp. */
  toleranceSeconds: number;
  /** Current time in milliseconds. */
  now: number;
}

/** What a verified webhook says about itself. */
export interface VerifiedWebhookIdentity {
  /** The sender's id for this message, when the scheme carries one; the same on every redelivery. */
  id?: string;
  /** The signed Unix-seconds timestamp, when the scheme signs one. */
  timestamp?: number;
}

/** What to sign: the exact payload bytes, one secret, and the id and time where the scheme sends them. */
export interface WebhookSchemeSignInput {
  /** The exact bytes to send. */
  payload: string | Buffer;
  /** The secret to sign with, as the sender's receivers configure it. */
  secret: string;
  /** The message id, for schemes that send one. */
  id: string;
  /** Unix seconds. */
  timestamp: number;
}

/**
 * How one kind of sender signs its webhooks. The built-in schemes cover Standard Webhooks (and Svix), Stripe,
 * GitHub, SeaTable, Shopify and Slack; a custom sender is one object implementing this interface, or a call to
 * `hmacHeaderScheme()` when it signs the body with HMAC-SHA256 into one header.
 *
 * `verify` must throw {@link WebhookVerificationError} (never anything else) for whatever a sender can send, and
 * must compare signatures in constant time (`matchesAny`).
 */
export interface WebhookScheme {
  /** A short name used in logs and refusal events (`'stripe'`). */
  readonly name: string;
  /** Throws a `WebhookSecretError` saying what a valid secret looks like, so bad configuration fails at start-up. */
  checkSecret(secret: string): void;
  /** Checks the signature (and the timestamp, where the scheme signs one) and returns what the webhook says of itself. */
  verify(input: WebhookSchemeVerifyInput): VerifiedWebhookIdentity;
  /** The headers this sender would send with `payload`; used by tests and by `signWebhook()`. */
  sign(input: WebhookSchemeSignInput): Record<string, string>;
}
