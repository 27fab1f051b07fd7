import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 over the parts in order, without concatenating them into one buffer first. */
export function hmacSha256(key: Buffer | string, ...parts: Array<string | Buffer>): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/**
 * Whether any candidate equals the expected digest, compared in constant time. Lengths are compared first because
 * `timingSafeEqual` needs equal lengths; a digest's length is public, so that leaks nothing.
 */
export function matchesAny(candidates: readonly Buffer[], expected: Buffer): boolean {
  let matched = false;
  // Every candidate is compared, so the time taken does not tell which position matched.
  for (const candidate of candidates) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Decodes a hex SHA-256 digest, or `undefined` when the text is not one (Buffer.from would silently truncate). */
export function decodeHexDigest(text: string): Buffer | undefined {
  return HEX_SHA256.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Decodes a base64 SHA-256 digest, or `undefined` when the text is not one. */
export function decodeBase64Digest(text: string): Buffer | undefined {
  return BASE64_SHA256.test(text) ? Buffer.from(text, 'base64') : undefined;
}
