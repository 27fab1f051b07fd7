import type { WebhookScheme, WebhookSchemeReference } from '@webhook-outbox/signature';
import type { XmlPayloadLimits } from '../receive/xml-markup.budget.js';

/** A receiver: who sends to it (the scheme), the secret(s) to verify with, and how strict to be. */
export interface WebhookReceiverOptions {
  /**
   * How the sender signs: `'standard-webhooks'` (also accepts Svix's `svix-*` headers), `'svix'`, `'stripe'`,
   * `'github'`, `'seatable'`, `'shopify'`, `'slack'`, or a custom `WebhookScheme` (`hmacHeaderScheme()` builds the
   * common kind).
   *
   * @defaultValue `'standard-webhooks'`
   */
  scheme?: WebhookSchemeReference;
  /** The signing secret, or several while rotating: a request signed with any one of them is accepted. */
  secret?: string | string[];
  /** Same as an array `secret`, for readability while rotating. Give `secret` or `secrets`, not both. */
  secrets?: string[];
  /**
   * For schemes that sign a time: the allowed clock difference in seconds, both directions.
   *
   * @defaultValue `300`
   */
  tolerance?: number;
  /**
   * Largest body accepted, in bytes; a larger one is answered 413 before any verification.
   *
   * @defaultValue `1048576` (1 MiB)
   */
  maxBodySize?: number;
  /**
   * Longest time, in milliseconds, to receive a body once the request has arrived: a sender still trickling its body
   * after it is answered 408 and its connection closed (a warning, no handler), instead of holding the connection
   * until Node's 300 s `requestTimeout`. Applies to bodies the guard reads itself, and to every body of the app once
   * `applyWebhookBodyLimits(app)` is called (the largest receiver's value).
   *
   * @defaultValue `10000`
   */
  bodyTimeout?: number;
  /**
   * Bounds on XML bodies' markup, each refusal a 400 `malformed-body`.
   *
   * @defaultValue `{ maxDepth: 100, maxElements: 10000, maxAttributes: 100 }` (attributes per element)
   */
  xmlLimits?: Partial<XmlPayloadLimits>;
  /**
   * Remember processed webhook ids in the `webhook_inbox` table, so a redelivery is acknowledged without running the
   * handler again. Needs `WebhookModule` (a DataSource).
   *
   * @defaultValue `true`
   */
  deduplicate?: boolean;
}

/** A receiver declared on the decorator itself; give it a `name` to have its ids deduplicated in the inbox. */
export interface InlineWebhookReceiver extends WebhookReceiverOptions {
  /** Key of this receiver's ids in the inbox. Without it an inline receiver does not deduplicate. */
  name?: string;
}

/** A receiver name from `WebhookModule` options, or an inline receiver. */
export type VerifyWebhookReceiver = string | InlineWebhookReceiver;

/** A receiver with its defaults applied and its secrets checked against its scheme. */
export interface ResolvedWebhookReceiver {
  name?: string;
  scheme: WebhookScheme;
  secrets: string[];
  tolerance: number;
  maxBodySize: number;
  bodyTimeout: number;
  xmlLimits: XmlPayloadLimits;
  deduplicate: boolean;
}
