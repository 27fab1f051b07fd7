import { decodeBase64Digest, decodeHexDigest, hmacSha256, matchesAny } from './hmac.js';
import { readHeader } from './incoming-headers.js';
import type { WebhookScheme } from './webhook-scheme.js';
import { checkPlainSecret } from './webhook-secret.js';
import { WebhookVerificationError } from './webhook-verification.error.js';

/** How a sender that signs only the body puts its HMAC-SHA256 into a header. */
export interface HmacHeaderSchemeOptions {
  /** Scheme name for logs and refusal events. */
  name: string;
  /** The header holding the signature, e.g. `x-hub-signature-256`. */
  signatureHeader: string;
  /**
   * Text before the digest, e.g. `sha256=`.
   *
   * @defaultValue none
   */
  prefix?: string;
  /**
   * How the digest is written.
   *
   * @defaultValue `hex`
   */
  encoding?: 'hex' | 'base64';
  /** The header carrying the sender's delivery id, if it sends one (the same on every redelivery). */
  idHeader?: string;
}

/**
 * A scheme for the common "HMAC-SHA256 of the raw body, keyed with the secret as text, in one header" pattern
 * (GitHub, SeaTable, Shopify and many others). Such senders sign no timestamp, so replays are stopped only by the
 * receiver's inbox of ids.
 *
 * @example
 * const acme = hmacHeaderScheme({ name: 'acme', signatureHeader: 'x-acme-signature', prefix: 'sha256=', idHeader: 'x-acme-delivery' });
 * WebhookModule.forRoot({ receivers: { acme: { scheme: acme, secret: process.env.ACME_SECRET } } });
 */
export function hmacHeaderScheme(options: HmacHeaderSchemeOptions): WebhookScheme {
  const header = options.signatureHeader.toLowerCase();
  const prefix = options.prefix ?? '';
  const encoding = options.encoding ?? 'hex';
  const decode = encoding === 'hex' ? decodeHexDigest : decodeBase64Digest;
  const shape = `${prefix}<${encoding} HMAC-SHA256>`;
  return {
    name: options.name,
    checkSecret: checkPlainSecret,
    verify({ payload, headers, secrets }) {
      const value = readHeader(headers, header);
      if (value === undefined) throw new WebhookVerificationError('missing-header', `Missing header ${header}.`);
      const digest = value.startsWith(prefix) ? decode(value.slice(prefix.length)) : undefined;
      if (digest === undefined)
        throw new WebhookVerificationError('malformed-header', `Header ${header} is not ${shape}.`);
      if (!secrets.some((secret) => matchesAny([digest], hmacSha256(secret, payload)))) {
        throw new WebhookVerificationError('invalid-signature', `The ${header} does not match the secret.`);
      }
      return { id: options.idHeader === undefined ? undefined : readHeader(headers, options.idHeader) };
    },
    sign({ payload, secret, id }) {
      const signed: Record<string, string> = { [header]: prefix + hmacSha256(secret, payload).toString(encoding) };
      if (options.idHeader !== undefined) signed[options.idHeader.toLowerCase()] = id;
      return signed;
    },
  };
}
