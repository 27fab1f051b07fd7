import { describe, expect, it } from 'vitest';
import { decodeWebhookSecret, generateWebhookSecret, WebhookSecretError } from './webhook-secret.js';

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 24 random bytes by default', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(decodeWebhookSecret(secret)).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('generates longer secrets on request and refuses sizes outside 24..64 bytes', () => {
    expect(decodeWebhookSecret(generateWebhookSecret(64))).toHaveLength(64);
    expect(() => generateWebhookSecret(8)).toThrow(RangeError);
    expect(() => generateWebhookSecret(65)).toThrow(RangeError);
  });

  it('decodes a secret with or without the whsec_ prefix to the same key', () => {
    const secret = generateWebhookSecret();
    expect(decodeWebhookSecret(secret.slice('whsec_'.length))).toEqual(decodeWebhookSecret(secret));
  });

  it.each([
    ['empty', ''],
    ['not base64', 'whsec_not base64!'],
    ['too short', 'whsec_c2hvcnQ='],
  ])('refuses a %s secret with a message that says how to make one', (_, secret) => {
    expect(() => decodeWebhookSecret(secret)).toThrow(WebhookSecretError);
    expect(() => decodeWebhookSecret(secret)).toThrow(/generateWebhookSecret/);
  });
});
