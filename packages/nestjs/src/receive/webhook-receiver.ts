import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  resolveWebhookScheme,
  type WebhookScheme,
} from '@webhook-outbox/signature';
import { WebhookConfigurationError } from '../errors/webhook-configuration.error.js';
import type { ResolvedWebhookReceiver, WebhookReceiverOptions } from '../options/webhook-receiver.options.js';
import { DEFAULT_XML_PAYLOAD_LIMITS, type XmlPayloadLimits } from './xml-markup.budget.js';

export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** How long a receiver waits for a body to arrive whole, in milliseconds, unless it sets `bodyTimeout`. */
export const DEFAULT_WEBHOOK_BODY_TIMEOUT_MS = 10_000;
/** Inbox keys are stored in a varchar(100) column. */
const MAX_RECEIVER_NAME_LENGTH = 100;

/**
 * Applies defaults and checks a receiver, so a bad secret or scheme fails when the app starts (or the controller
 * is loaded), naming the option, instead of turning every request into a refusal.
 */
export function resolveWebhookReceiver(
  options: WebhookReceiverOptions,
  where: string,
  name?: string,
): ResolvedWebhookReceiver {
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
  if (!Number.isInteger(tolerance) || tolerance < 0)
    fail(`tolerance must be a whole number of seconds ≥ 0; got ${String(tolerance)}.`);
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  if (!Number.isInteger(maxBodySize) || maxBodySize < 1)
    fail(`maxBodySize must be a whole number of bytes ≥ 1; got ${String(maxBodySize)}.`);
  const bodyTimeout = options.bodyTimeout ?? DEFAULT_WEBHOOK_BODY_TIMEOUT_MS;
  if (!Number.isInteger(bodyTimeout) || bodyTimeout < 1)
    fail(`bodyTimeout must be a whole number of milliseconds ≥ 1; got ${String(bodyTimeout)}.`);
  const xmlLimits: XmlPayloadLimits = { ...DEFAULT_XML_PAYLOAD_LIMITS, ...options.xmlLimits };
  for (const [limit, value] of Object.entries(xmlLimits)) {
    if (!Number.isInteger(value) || value < 1)
      fail(`xmlLimits.${limit} must be a whole number ≥ 1; got ${String(value)}.`);
  }
  return {
    name,
    scheme,
    secrets,
    tolerance,
    maxBodySize,
    bodyTimeout,
    xmlLimits,
    deduplicate: options.deduplicate ?? true,
  };
}
