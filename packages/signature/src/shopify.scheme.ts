import { hmacHeaderScheme } from './hmac-header.scheme.js';

/**
 * [Shopify](https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook):
 * `X-Shopify-Hmac-Sha256: <base64>` over the raw body, keyed with the app's client secret; the id is
 * `X-Shopify-Webhook-Id`, which Shopify keeps on retries for exactly this kind of deduplication.
 */
export const shopifyScheme = hmacHeaderScheme({
  name: 'shopify',
  signatureHeader: 'x-shopify-hmac-sha256',
  encoding: 'base64',
  idHeader: 'x-shopify-webhook-id',
});
