import { decodeHexDigest, hmacSha256, matchesAny } from './hmac.js';
import { readHeader } from './incoming-headers.js';
import { parseJsonBody, stringProperty } from './json-body.js';
import { assertWithinTolerance, parseUnixSeconds } from './timestamp-tolerance.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { checkPlainSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';
const VERSION = 'v0';

/**
 * [Slack](https://api.slack.com/authentication/verifying-requests-from-slack): `X-Slack-Signature: v0=<hex>`, the
 * HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<body>` keyed with the app's signing secret. Events API bodies
 * carry an `event_id`, used as the id; slash commands and interactions (form-encoded) carry none.
 */
export const slackScheme: WebhookScheme = {
  name: 'slack',
  checkSecret: checkPlainSecret,
  verify({ payload, headers, secrets, toleranceSeconds, now }) {
    const signature = readHeader(headers, SIGNATURE);
    const rawTimestamp = readHeader(headers, TIMESTAMP);
    const missing = [signature === undefined && SIGNATURE, rawTimestamp === undefined && TIMESTAMP].filter(Boolean);
    if (missing.length > 0)
      throw new WebhookVerificationError('missing-header', `Missing header ${missing.join(', ')}.`);
    const timestamp = parseUnixSeconds(rawTimestamp!, TIMESTAMP);
    const digest = signature!.startsWith(`${VERSION}=`)
      ? decodeHexDigest(signature!.slice(VERSION.length + 1))
      : undefined;
    if (digest === undefined)
      throw new WebhookVerificationError('malformed-header', `Header ${SIGNATURE} is not v0=<hex>.`);
    assertWithinTolerance(timestamp, toleranceSeconds, now, TIMESTAMP);
    if (!secrets.some((secret) => matchesAny([digest], hmacSha256(secret, `${VERSION}:${timestamp}:`, payload)))) {
      throw new WebhookVerificationError('invalid-signature', `The ${SIGNATURE} does not match the secret.`);
    }
    return { id: stringProperty(parseJsonBody(payload), 'event_id'), timestamp };
  },
  sign({ payload, secret, timestamp }) {
    return {
      [TIMESTAMP]: String(timestamp),
      [SIGNATURE]: `${VERSION}=${hmacSha256(secret, `${VERSION}:${timestamp}:`, payload).toString('hex')}`,
    };
  },
};
