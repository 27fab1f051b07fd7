import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  resolveWebhookScheme,
  type WebhookScheme,
  type WebhookSchemeReference,
} from '@webhook-outbox/signature';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';

/** A receiver: who sends to it (the scheme), the secret(s) to verify with, and how strict to be. */
export interface WebhookReceiverOptions {
  /**
   * How the sender signs: `'standard-webhooks'` (default; also accepts Svix's `svix-*` headers), `'svix'`,
   * `'stripe'`, `'github'`, `'seatable'`, `'shopify'`, `'slack'`, or a custom `WebhookScheme`
   * (`hmacHeaderScheme()` builds the common kind).
   */
  scheme?: WebhookSchemeReference;
  /** The signing secret, or several while rotating: a request signed with any one of them is accepted. */
  secret?: string | string[];
  /** Same as an array `secret`, for readability while rotating. Give `secret` or `secrets`, not both. */
  secrets?: string[];
  /** For schemes that sign a time: the allowed clock difference in seconds, both directions. Default `300`. */
  tolerance?: number;
  /** Largest body accepted, in bytes; a larger one is answered 413 before any verification. Default 1 MiB. */
  maxBodySize?: number;
  /**
   * Remember processed webhook ids in the `webhook_inbox` table, so a redelivery is acknowledged without running
   * the handler again. Needs `WebhookModule` (a DataSource). Default `true`.
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
  deduplicate: boolean;
}

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Inbox keys are stored in a varchar(100) column. */
const MAX_RECEIVER_NAME_LENGTH = 100;

/**
 * Applies defaults and checks a receiver, so a bad secret or scheme fails when the app starts (or the controller
 * is loaded), naming the option, instead of turning every request into a refusal.
 */
export function resolveWebhookReceiver(options: WebhookReceiverOptions, where: string, name?: string): ResolvedWebhookReceiver {
  const fail = (message: string): never => {
    throw new WebhookConfigurationError(`${where}: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('a receiver is an object such as { scheme, secret }.');
  if (name !== undefined && (name.length === 0 || name.length > MAX_RECEIVER_NAME_LENGTH)) {
    fail(`the receiver name must have 1 to ${MAX_RECEIVER_NAME_LENGTH} characters.`);
  }
  let scheme: WebhookScheme;
  try {
    scheme = resolveWebhookScheme(options.scheme ?? 'standard-webhooks');
  } catch (error) {
    return fail((error as Error).message);
  }
  if (options.secret !== undefined && options.secrets !== undefined) fail('give secret or secrets, not both.');
  const given = options.secrets ?? options.secret;
  const secrets = Array.isArray(given) ? [...given] : given === undefined ? [] : [given];
  if (secrets.length === 0) fail(`a secret is required (scheme ${scheme.name}).`);
  for (const secret of secrets) {
    try {
      scheme.checkSecret(secret);
    } catch (error) {
      fail(`the secret is not usable: ${(error as Error).message}`);
    }
  }
  const tolerance = options.tolerance ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  if (!Number.isInteger(tolerance) || tolerance < 0) fail(`tolerance must be a whole number of seconds ≥ 0; got ${String(tolerance)}.`);
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (!Number.isInteger(maxBodySize) || maxBodySize < 1) fail(`maxBodySize must be a whole number of bytes ≥ 1; got ${String(maxBodySize)}.`);
  return { name, scheme, secrets, tolerance, maxBodySize, deduplicate: options.deduplicate ?? true };
}
