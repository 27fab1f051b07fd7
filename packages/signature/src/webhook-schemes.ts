import { githubScheme } from './github.scheme.js';
import { seatableScheme } from './seatable.scheme.js';
import { shopifyScheme } from './shopify.scheme.js';
import { slackScheme } from './slack.scheme.js';
import { standardWebhooksScheme } from './standard-webhooks.scheme.js';
import { stripeScheme } from './stripe.scheme.js';
import type { WebhookScheme } from './webhook-scheme.js';

/** The built-in schemes by name. `svix` is Standard Webhooks under Svix's header names, which it also accepts. */
export const webhookSchemes = {
  'standard-webhooks': standardWebhooksScheme,
  svix: standardWebhooksScheme,
  stripe: stripeScheme,
  github: githubScheme,
  seatable: seatableScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
} as const satisfies Record<string, WebhookScheme>;

/** The name of a built-in scheme. */
export type WebhookSchemeName = keyof typeof webhookSchemes;

/** A built-in scheme's name, or a custom scheme object. */
export type WebhookSchemeReference = WebhookSchemeName | WebhookScheme;

/**
 * The scheme a reference names.
 *
 * @throws {RangeError} naming the built-in schemes when the name is not one of them.
 */
export function resolveWebhookScheme(reference: WebhookSchemeReference): WebhookScheme {
  if (typeof reference !== 'string') {
    const valid =
      typeof reference === 'object' &&
      reference !== null &&
      ['verify', 'sign', 'checkSecret'].every(
        (key) => typeof (reference as unknown as Record<string, unknown>)[key] === 'function',
      );
    if (!valid)
      throw new RangeError(
        'A custom webhook scheme is an object with verify(), sign() and checkSecret() (see WebhookScheme).',
      );
    return reference;
  }
  if (!Object.hasOwn(webhookSchemes, reference)) {
    throw new RangeError(`Unknown webhook scheme "${reference}"; built in: ${Object.keys(webhookSchemes).join(', ')}.`);
  }
  return webhookSchemes[reference];
}
