import { sign as ed25519Sign, verify as ed25519Verify } from 'node:crypto';
import { hmacSha256, matchesAny } from './hmac.js';
import { type IncomingHeaders, readHeader } from './incoming-headers.js';
import { assertWithinTolerance, DEFAULT_TIMESTAMP_TOLERANCE_SECONDS, parseUnixSeconds } from './timestamp-tolerance.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { decodeWebhookSecret } from './webhook-secret.js';
import {
  decodeWebhookPublicKey,
  decodeWebhookSigningKey,
  isWebhookPublicKey,
  isWebhookSigningKey,
} from './webhook-signing-key.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

/** The three headers of a Standard Webhooks request. */
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** What to sign. `payload` is the exact bytes sent: the JSON body, or the query string for GET. */
export interface SignStandardWebhookInput {
  /** The message id sent as `webhook-id`, the same on every redelivery so receivers can deduplicate. */
  id: string;
  /** Unix seconds, or a Date. */
  timestamp: number | Date;
  /** The exact bytes sent. */
  payload: string | Buffer;
  /**
   * One secret, or several during rotation: each adds a signature to the header, `v1,` for a `whsec_` secret
   * (HMAC-SHA256) and `v1a,` for a `whsk_` secret key (ed25519).
   */
  secret: string | readonly string[];
}

/** What to verify against. */
export interface VerifyStandardWebhookInput {
  /** The exact bytes received: the raw body, or the raw query string for a GET. */
  payload: string | Buffer;
  /** The request's headers (`webhook-*`, or Svix's `svix-*`), names in any case. */
  headers: IncomingHeaders;
  /**
   * Any one matching is enough, so a receiver can accept the old and new one while rotating: `whsec_` secrets check
   * `v1` signatures, `whpk_` public keys (or `whsk_` secret keys) check `v1a` ones.
   */
  secret: string | readonly string[];
  /**
   * Allowed clock difference in seconds, in both directions.
   *
   * @defaultValue `300` (5 minutes, as the spec advises)
   */
  toleranceSeconds?: number;
  /** Current time in milliseconds; defaults to `Date.now()`. */
  now?: number;
}

/** A verified webhook's identity. */
export interface VerifiedStandardWebhook {
  /** The sender's `webhook-id`. */
  id: string;
  /** Unix seconds, as signed. */
  timestamp: number;
}

const SYMMETRIC = 'v1';
const ASYMMETRIC = 'v1a';

function toUnixSeconds(timestamp: number | Date): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`A webhook timestamp is a whole number of Unix seconds; got ${String(timestamp)}.`);
  }
  return seconds;
}

function hmac(key: Buffer, id: string, timestamp: number, payload: string | Buffer): Buffer {
  // The spec signs "<id>.<timestamp>.<payload>" over the exact payload bytes.
  return hmacSha256(key, `${id}.${timestamp}.`, payload);
}

/** The bytes both schemes sign: `<id>.<timestamp>.<payload>`. */
function signedContent(id: string, timestamp: number, payload: string | Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${id}.${timestamp}.`),
    typeof payload === 'string' ? Buffer.from(payload) : payload,
  ]);
}

/** One entry of the signature header: `v1,<base64 HMAC>` for a `whsec_` secret, `v1a,<base64 ed25519>` for `whsk_`. */
function signatureWith(secret: string, id: string, timestamp: number, payload: string | Buffer): string {
  if (isWebhookSigningKey(secret)) {
    const signature = ed25519Sign(null, signedContent(id, timestamp, payload), decodeWebhookSigningKey(secret));
    return `${ASYMMETRIC},${signature.toString('base64')}`;
  }
  return `${SYMMETRIC},${hmac(decodeWebhookSecret(secret), id, timestamp, payload).toString('base64')}`;
}

function asList(secret: string | readonly string[]): readonly string[] {
  return typeof secret === 'string' ? [secret] : secret;
}

/**
 * Computes the `webhook-signature` header value: `v1,<base64>` for each `whsec_` secret and `v1a,<base64>` for each
 * `whsk_` secret key, separated by spaces.
 */
export function computeStandardWebhookSignature(input: SignStandardWebhookInput): string {
  const timestamp = toUnixSeconds(input.timestamp);
  const secrets = asList(input.secret);
  if (secrets.length === 0) throw new RangeError('At least one secret is needed to sign a webhook.');
  return secrets.map((secret) => signatureWith(secret, input.id, timestamp, input.payload)).join(' ');
}

/**
 * Signs a webhook and returns the three Standard Webhooks headers to send with the payload.
 *
 * @example
 * const headers = signStandardWebhook({ id: 'msg_1', timestamp: new Date(), payload: body, secret });
 */
export function signStandardWebhook(input: SignStandardWebhookInput): StandardWebhookHeaders {
  if (typeof input.id !== 'string' || input.id.length === 0 || /\s/.test(input.id)) {
    // Whitespace cannot travel in a header value unchanged, so such an id could never verify.
    throw new RangeError(`A webhook id must be a non-empty string without whitespace; got "${input.id}".`);
  }
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(toUnixSeconds(input.timestamp)),
    'webhook-signature': computeStandardWebhookSignature(input),
  };
}

/**
 * Svix sends the same three headers named `svix-id`, `svix-timestamp` and `svix-signature`. The set is taken as a
 * whole: `webhook-*` when a `webhook-signature` is present, else `svix-*`, so the headers of one request are never
 * mixed across the two families.
 */
function headerFamily(headers: IncomingHeaders): 'webhook' | 'svix' {
  return readHeader(headers, 'webhook-signature') === undefined && readHeader(headers, 'svix-signature') !== undefined
    ? 'svix'
    : 'webhook';
}

/**
 * Verifies a Standard Webhooks request: the headers must be present, the timestamp within tolerance, and one of
 * the `v1` signatures must match one of the secrets (compared in constant time). Svix's `svix-*` header names are
 * accepted too.
 *
 * @throws {WebhookVerificationError} with a `reason` saying which check failed.
 */
export function verifyStandardWebhook(input: VerifyStandardWebhookInput): VerifiedStandardWebhook {
  const family = headerFamily(input.headers);
  const names = { id: `${family}-id`, timestamp: `${family}-timestamp`, signature: `${family}-signature` };
  const id = readHeader(input.headers, names.id);
  const rawTimestamp = readHeader(input.headers, names.timestamp);
  const signatureHeader = readHeader(input.headers, names.signature);
  const missing = [
    id === undefined && names.id,
    rawTimestamp === undefined && names.timestamp,
    signatureHeader === undefined && names.signature,
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new WebhookVerificationError('missing-header', `Missing header ${missing.join(', ')}.`);
  }

  const timestamp = parseUnixSeconds(rawTimestamp!, names.timestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  assertWithinTolerance(timestamp, tolerance, input.now ?? Date.now(), names.timestamp);

  const secrets = asList(input.secret);
  const asymmetric = (secret: string) => isWebhookPublicKey(secret) || isWebhookSigningKey(secret);
  const versions = [
    ...(secrets.some((secret) => !asymmetric(secret)) ? [SYMMETRIC] : []),
    ...(secrets.some(asymmetric) ? [ASYMMETRIC] : []),
  ];
  const candidates = (version: string) =>
    signatureHeader!
      .split(' ')
      .filter((part) => part.startsWith(`${version},`))
      .map((part) => Buffer.from(part.slice(version.length + 1), 'base64'));
  const symmetric = candidates(SYMMETRIC);
  const signatures = candidates(ASYMMETRIC).filter((signature) => signature.length === 64);
  if (
    (versions.includes(SYMMETRIC) ? symmetric.length : 0) + (versions.includes(ASYMMETRIC) ? signatures.length : 0) ===
    0
  ) {
    throw new WebhookVerificationError(
      'malformed-header',
      `Header ${names.signature} has no ${versions.join(' or ')} signature.`,
    );
  }

  for (const secret of secrets) {
    if (asymmetric(secret)) {
      const key = decodeWebhookPublicKey(secret);
      const content = signedContent(id!, timestamp, input.payload);
      if (signatures.some((signature) => ed25519Verify(null, content, key, signature))) return { id: id!, timestamp };
    } else if (matchesAny(symmetric, hmac(decodeWebhookSecret(secret), id!, timestamp, input.payload)))
      return { id: id!, timestamp };
  }
  throw new WebhookVerificationError('invalid-signature', `No signature in ${names.signature} matches the secret.`);
}

/**
 * [Standard Webhooks](https://www.standardwebhooks.com/): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<payload>`, with `whsec_` secrets, or
 * `v1a,<base64 ed25519>` with `whsk_` secret keys (verified with their `whpk_` public keys). What this library's
 * relay sends. Also verifies Svix's `svix-*` headers, which carry the same signature.
 */
export const standardWebhooksScheme: WebhookScheme = {
  name: 'standard-webhooks',
  checkSecret: (secret) =>
    void (isWebhookPublicKey(secret) || isWebhookSigningKey(secret)
      ? decodeWebhookPublicKey(secret)
      : decodeWebhookSecret(secret)),
  verify: (input) =>
    verifyStandardWebhook({
      payload: input.payload,
      headers: input.headers,
      secret: input.secrets,
      toleranceSeconds: input.toleranceSeconds,
      now: input.now,
    }),
  sign: (input) => signStandardWebhook(input),
};
