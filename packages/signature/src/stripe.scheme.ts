import { decodeHexDigest, hmacSha256, matchesAny } from './hmac.js';
import { readHeader } from './incoming-headers.js';
import { parseJsonBody, stringProperty } from './json-body.js';
import { assertWithinTolerance, parseUnixSeconds } from './timestamp-tolerance.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { checkPlainSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

const HEADER = 'stripe-signature';

/** Splits `t=..,v1=..,v1=..,v0=..` into the timestamp and the v1 signatures; unknown keys are ignored, as Stripe asks. */
function parseStripeHeader(value: string): { timestamp?: string; signatures: string[] } {
  const parsed: { timestamp?: string; signatures: string[] } = { signatures: [] };
  for (const item of value.split(',')) {
    const mark = item.indexOf('=');
    if (mark < 0) continue;
    const key = item.slice(0, mark).trim();
    const text = item.slice(mark + 1).trim();
    if (key === 't') parsed.timestamp = text;
    else if (key === 'v1') parsed.signatures.push(text);
  }
  return parsed;
}

/**
 * [Stripe](https://docs.stripe.com/webhooks#verify-manually): `Stripe-Signature: t=<unix>,v1=<hex>` where the hex is
 * HMAC-SHA256, keyed with the whole `whsec_...` secret as text, over `<t>.<body>`. Stripe sends several `v1` values
 * while you roll the secret. The id is the event's `id` from the JSON body, so a body that is not a Stripe event is
 * refused as `malformed-body`.
 */
export const stripeScheme: WebhookScheme = {
  name: 'stripe',
  checkSecret: checkPlainSecret,
  verify({ payload, headers, secrets, toleranceSeconds, now }) {
    const header = readHeader(headers, HEADER);
    if (header === undefined) throw new WebhookVerificationError('missing-header', 'Missing header stripe-signature.');
    const parsed = parseStripeHeader(header);
    if (parsed.timestamp === undefined) {
      throw new WebhookVerificationError('malformed-header', 'Header stripe-signature has no t= timestamp.');
    }
    const timestamp = parseUnixSeconds(parsed.timestamp, `${HEADER} t=`);
    const candidates = parsed.signatures
      .map(decodeHexDigest)
      .filter((digest): digest is Buffer => digest !== undefined);
    if (candidates.length === 0) {
      throw new WebhookVerificationError('malformed-header', 'Header stripe-signature has no v1 signature.');
    }
    assertWithinTolerance(timestamp, toleranceSeconds, now, `${HEADER} t=`);
    const signed = secrets.some((secret) => matchesAny(candidates, hmacSha256(secret, `${timestamp}.`, payload)));
    if (!signed)
      throw new WebhookVerificationError(
        'invalid-signature',
        'No v1 signature in stripe-signature matches the secret.',
      );

    const id = stringProperty(parseJsonBody(payload), 'id');
    if (id === undefined)
      throw new WebhookVerificationError(
        'malformed-body',
        'The body is not a Stripe event: no JSON object with an "id".',
      );
    return { id, timestamp };
  },
  sign({ payload, secret, timestamp }) {
    return { 'stripe-signature': `t=${timestamp},v1=${hmacSha256(secret, `${timestamp}.`, payload).toString('hex')}` };
  },
};
