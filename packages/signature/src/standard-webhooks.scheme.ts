import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeWebhookSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

/** The three headers of a Standard Webhooks request. */
export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Incoming headers as Node gives them (lower-case names) or as a plain record; values may be arrays. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** What to sign. `payload` is the exact bytes sent: the JSON body, or the query string for GET. */
export interface SignStandardWebhookInput {
  id: string;
  /** Unix seconds, or a Date. */
  timestamp: number | Date;
  payload: string | Buffer;
  /** One secret, or several during rotation: each adds a `v1,` signature to the header. */
  secret: string | readonly string[];
}

/** What to verify against. */
export interface VerifyStandardWebhookInput {
  payload: string | Buffer;
  headers: IncomingHeaders;
  /** Any one matching secret is enough, so a receiver can accept the old and new secret while rotating. */
  secret: string | readonly string[];
  /** Allowed clock difference in seconds, in both directions. Default 300 (5 minutes), as the spec advises. */
  toleranceSeconds?: number;
  /** Current time in milliseconds; defaults to `Date.now()`. */
  now?: number;
}

/** A verified webhook's identity. */
export interface VerifiedStandardWebhook {
  id: string;
  /** Unix seconds, as signed. */
  timestamp: number;
}

/** Default tolerance for `webhook-timestamp`, in seconds. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

const SIGNATURE_VERSION = 'v1';

function toUnixSeconds(timestamp: number | Date): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new RangeError(`A webhook timestamp is a whole number of Unix seconds; got ${String(timestamp)}.`);
  }
  return seconds;
}

function hmac(key: Buffer, id: string, timestamp: number, payload: string | Buffer): Buffer {
  // The spec signs "<id>.<timestamp>.<payload>" over the exact payload bytes.
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest();
}

function asList(secret: string | readonly string[]): readonly string[] {
  return typeof secret === 'string' ? [secret] : secret;
}

/**
 * Computes the `webhook-signature` header value: `v1,<base64>` for each secret, separated by spaces.
 */
export function computeStandardWebhookSignature(input: SignStandardWebhookInput): string {
  const timestamp = toUnixSeconds(input.timestamp);
  const secrets = asList(input.secret);
  if (secrets.length === 0) throw new RangeError('At least one secret is needed to sign a webhook.');
  return secrets
    .map((secret) => `${SIGNATURE_VERSION},${hmac(decodeWebhookSecret(secret), input.id, timestamp, input.payload).toString('base64')}`)
    .join(' ');
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

function header(headers: IncomingHeaders, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) value = value[0];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Verifies a Standard Webhooks request: the headers must be present, the timestamp within tolerance, and one of
 * the `v1` signatures must match one of the secrets (compared in constant time).
 *
 * @throws {WebhookVerificationError} with a `reason` saying which check failed.
 */
export function verifyStandardWebhook(input: VerifyStandardWebhookInput): VerifiedStandardWebhook {
  const id = header(input.headers, 'webhook-id');
  const rawTimestamp = header(input.headers, 'webhook-timestamp');
  const signatureHeader = header(input.headers, 'webhook-signature');
  const missing = [
    id === undefined && 'webhook-id',
    rawTimestamp === undefined && 'webhook-timestamp',
    signatureHeader === undefined && 'webhook-signature',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new WebhookVerificationError('missing-header', `Missing header ${missing.join(', ')}.`);
  }

  if (!/^\d{1,15}$/.test(rawTimestamp!)) {
    throw new WebhookVerificationError('malformed-header', 'Header webhook-timestamp is not a number of Unix seconds.');
  }
  const timestamp = Number(rawTimestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp-out-of-tolerance',
      `Header webhook-timestamp is ${nowSeconds - timestamp} s from now; at most ${tolerance} s is accepted.`,
    );
  }

  const candidates = signatureHeader!
    .split(' ')
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION},`))
    .map((part) => Buffer.from(part.slice(SIGNATURE_VERSION.length + 1), 'base64'));
  if (candidates.length === 0) {
    throw new WebhookVerificationError('malformed-header', 'Header webhook-signature has no v1 signature.');
  }

  for (const secret of asList(input.secret)) {
    const expected = hmac(decodeWebhookSecret(secret), id!, timestamp, input.payload);
    // timingSafeEqual needs equal lengths; the length of a signature is public, so checking it first leaks nothing.
    if (candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) {
      return { id: id!, timestamp };
    }
  }
  throw new WebhookVerificationError('invalid-signature', 'No signature in webhook-signature matches the secret.');
}
