import { hmacHeaderScheme } from './hmac-header.scheme.js';

/**
 * [SeaTable](https://seatable.com/help/der-geheime-schluessel-eines-webhooks):
 * `X-Seatable-Signature: sha256=<hex>` over the raw body, keyed with the webhook's secret key. SeaTable sends no
 * delivery id; a receiver deduplicates by the body's hash, which is safe because every change carries its `op_time`.
 */
export const seatableScheme = hmacHeaderScheme({
  name: 'seatable',
  signatureHeader: 'x-seatable-signature',
  prefix: 'sha256=',
});
